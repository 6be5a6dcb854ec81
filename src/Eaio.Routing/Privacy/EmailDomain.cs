namespace Eaio.Routing;

/// <summary>
/// Reads the domain of an e-mail address after its <c>@</c>: labels of letters (any script) and digits with inner hyphens,
/// 1 to 63 characters, each followed by a dot, then a top-level domain of 2 to 24 letters or punycode (<c>xn--</c>), not
/// followed by another label character, <c>_</c>, <c>-</c>, or a dot and a label character.
/// </summary>
/// <remarks>
/// <para>
/// This is the regular expression
/// <c>\G(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+(?:\p{L}{2,24}|[Xx][Nn]--[A-Za-z0-9-]{1,59})(?![\p{L}\p{N}_-]|\.[\p{L}\p{N}])</c>
/// read by hand, with the same match for every text (a property test compares the two). The generated regex, with the
/// match timeout it armed on every call, cost about 110 ns per address (measured on the 8 KB external-route benchmark
/// prompt with 41 addresses: the detector took 8.3 µs with it, 3.8 µs with this); the reading is linear and cannot run
/// away, so it needs no timeout.
/// </para>
/// <para>
/// Why the hand-written reading gives the regex's match: a label cannot hold a dot, so each label is the whole run of
/// label characters up to the next dot, and the labels before dots are found in one way only: a maximal sequence of k of
/// them. The regex then tries the top-level domain after k labels, then after k - 1, and so on. A top-level domain ends
/// only where its run of letters (or punycode characters) ends, since a shorter one is followed by a label character and
/// the lookahead fails. After j &lt; k labels, the top-level domain would have to be the whole label j + 1 and its dot
/// would have to be followed by something other than a label character; when j + 1 &lt; k, label j + 2 follows, so only
/// j = k and j = k - 1 can match ("example.com." before a space matches "example.com").
/// </para>
/// </remarks>
internal static class EmailDomain
{
    private const int MaxLabel = 63;
    private const int MinTopLevel = 2;
    private const int MaxTopLevel = 24;
    private const int MaxPunycode = 59;

    /// <summary>Returns where the domain that starts at <paramref name="start"/> ends, or -1 when no domain starts there.</summary>
    /// <param name="text">The whole text: what follows the domain decides whether it ends.</param>
    /// <param name="start">Where the domain would start, right after the <c>@</c>.</param>
    public static int Match(ReadOnlySpan<char> text, int start)
    {
        // Where the top-level domain may start: after the last label's dot and after the one before it.
        int last = -1;
        int beforeLast = -1;
        int pos = start;
        while (true)
        {
            // A run longer than a label is not one; counting stops there.
            int end = pos;
            while (end < text.Length && end - pos <= MaxLabel && (IsLabelChar(text[end]) || text[end] == '-'))
            {
                end++;
            }

            bool label = end - pos is >= 1 and <= MaxLabel && end < text.Length && text[end] == '.'
                && IsLabelChar(text[pos]) && IsLabelChar(text[end - 1]);
            if (!label)
            {
                break;
            }

            beforeLast = last;
            last = end + 1;
            pos = end + 1;
        }

        if (last < 0)
        {
            return -1;
        }

        int domainEnd = TopLevelEnd(text, last);
        return domainEnd < 0 && beforeLast >= 0 ? TopLevelEnd(text, beforeLast) : domainEnd;
    }

    /// <summary>Returns where the top-level domain at <paramref name="pos"/> ends, with the domain; -1 when there is none.</summary>
    private static int TopLevelEnd(ReadOnlySpan<char> text, int pos)
    {
        int letters = 0;
        while (pos + letters < text.Length && letters <= MaxTopLevel && char.IsLetter(text[pos + letters]))
        {
            letters++;
        }

        if (letters is >= MinTopLevel and <= MaxTopLevel && EndsDomain(text, pos + letters))
        {
            return pos + letters;
        }

        // Punycode: "xn--" and ASCII letters, digits and hyphens ("xn--mnchen-3ya").
        if (pos + 4 < text.Length && text[pos] is 'x' or 'X' && text[pos + 1] is 'n' or 'N' && text[pos + 2] == '-' && text[pos + 3] == '-')
        {
            int from = pos + 4;
            int length = 0;
            while (from + length < text.Length && length <= MaxPunycode && (char.IsAsciiLetterOrDigit(text[from + length]) || text[from + length] == '-'))
            {
                length++;
            }

            if (length is >= 1 and <= MaxPunycode && EndsDomain(text, from + length))
            {
                return from + length;
            }
        }

        return -1;
    }

    /// <summary>The lookahead: the domain may not go on with a label character, '_' or '-', nor with a dot and a label character.</summary>
    private static bool EndsDomain(ReadOnlySpan<char> text, int end)
    {
        if (end == text.Length)
        {
            return true;
        }

        char next = text[end];
        if (IsLabelChar(next) || next is '_' or '-')
        {
            return false;
        }

        return !(next == '.' && end + 1 < text.Length && IsLabelChar(text[end + 1]));
    }

    /// <summary>A letter or number of any script (<c>[\p{L}\p{N}]</c>): digits other than decimal ones (<c>²</c>, <c>Ⅻ</c>) count.</summary>
    private static bool IsLabelChar(char c)
        => char.IsAsciiLetterOrDigit(c) || (c > '\u007f' && (char.IsLetter(c) || char.IsNumber(c)));
}
