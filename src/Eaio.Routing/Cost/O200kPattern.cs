using System.Runtime.CompilerServices;
using static Eaio.Routing.TiktokenCharClass;
using static Eaio.Routing.TiktokenScan;

namespace Eaio.Routing;

/// <summary>
/// <c>o200k_base</c>'s split as Microsoft.ML.Tokenizers (2.0 and 3.0) writes it, with <c>U</c> for
/// <c>[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]</c>, <c>W</c> for <c>[\p{Ll}\p{Lm}\p{Lo}\p{M}]</c>, <c>P</c> for
/// <c>[^\r\n\p{L}\p{N}]</c> and <c>C</c> for <c>(?i:'s|'t|'re|'ve|'m|'ll|'d)</c>:
/// <c>P?U*W+C?|P?U+W*C?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+</c>.
/// </summary>
/// <remarks>
/// None of the groups is atomic, so each branch is followed the way the backtracking engine walks it: the optional
/// prefix taken first, then given back; the greedy <c>U*</c> longest first, then shorter; the first way through is the
/// match. Every unit is a letter, a number, a space or a symbol, so some branch always matches.
/// </remarks>
internal readonly struct O200kPattern : ITiktokenPattern
{
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int MatchEnd(ReadOnlySpan<char> text, int start)
    {
        // Inlined into the caller's loop: the ASCII case is most of the calls.
        int end = AsciiMatchEnd(text, start);
        return end > 0 ? end : GeneralMatchEnd(text, start);
    }

    private static int GeneralMatchEnd(ReadOnlySpan<char> text, int start)
    {
        // The prefix P, when there is one, is tried taken (start + 1) and then not taken (start).
        bool hasPrefix = (Of(text[start]) & (Letter | Number | LineBreak)) == 0;
        int end;
        if ((end = WordEnd(text, start, hasPrefix, upperRequired: false)) > 0
            || (end = WordEnd(text, start, hasPrefix, upperRequired: true)) > 0
            || (end = DigitsEnd(text, start)) > 0
            || (end = SymbolsEnd(text, start, "\r\n/")) > 0)
        {
            return end;
        }

        return SpacesEnd(text, start);
    }

    // Most of a text is ASCII. When the first two units are, no letter or mark beyond ASCII can take part in the first
    // branches, and the branch that matches is known from them: -1 when they are not ASCII.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int AsciiMatchEnd(ReadOnlySpan<char> text, int start)
    {
        char first = text[start];
        char next = start + 1 < text.Length ? text[start + 1] : ' ';
        if (!char.IsAscii(first) || !char.IsAscii(next))
        {
            return -1;
        }

        if (char.IsAsciiLetter(first) || (char.IsAsciiLetter(next) && !char.IsAsciiDigit(first) && first is not ('\r' or '\n')))
        {
            return AsciiWordEnd(text, char.IsAsciiLetter(first) ? start : start + 1);
        }

        if (char.IsAsciiDigit(first))
        {
            return DigitsEnd(text, start);
        }

        // No word can start here: symbols (after an optional space), else spaces.
        int end = SymbolsEnd(text, start, "\r\n/");
        return end > 0 ? end : SpacesEnd(text, start);
    }

    // ASCII letters from `from` (after the prefix, if any). There U is [A-Z] and W is [a-z], and nothing is both:
    // P?U*W+ is the capitals and the small letters after them, and with no small letters P?U+ is the capitals alone.
    // So the match is the capitals, then the small letters, unless a letter or mark beyond ASCII follows and joins in
    // (-1, for the general walk).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int AsciiWordEnd(ReadOnlySpan<char> text, int from)
    {
        int end = from;
        while (end < text.Length && char.IsAsciiLetterUpper(text[end]))
        {
            end++;
        }

        while (end < text.Length && char.IsAsciiLetterLower(text[end]))
        {
            end++;
        }

        return end < text.Length && !char.IsAscii(text[end]) ? -1 : ContractionOrEnd(text, end);
    }

    // The rest starts with a space; a single one is a match of its own whichever branch takes it. \s*[\r\n]+ : back to
    // the run's last line break (the + then takes just it); \s+(?!\S) : the run at the end of the text, else all but its
    // last space, which starts the next word.
    private static int SpacesEnd(ReadOnlySpan<char> text, int start)
    {
        int end = RunEnd(text, start + 1, Space);
        if (end == start + 1)
        {
            return end;
        }

        int lastBreak = LastLineBreak(text, start, end);
        return lastBreak >= 0 ? lastBreak + 1 : end == text.Length ? end : end - 1;
    }

    // P?U*W+C? (upperRequired false) or P?U+W*C? (true), or -1.
    private static int WordEnd(ReadOnlySpan<char> text, int start, bool hasPrefix, bool upperRequired)
    {
        for (int from = hasPrefix ? start + 1 : start; from >= start; from--)
        {
            int upperEnd = RunEnd(text, from, Upper);
            if (upperRequired)
            {
                if (upperEnd > from)
                {
                    return ContractionOrEnd(text, RunEnd(text, upperEnd, Lower));
                }
            }
            else
            {
                // U* gives back one unit at a time until a W can start at its end; W+ then runs greedily.
                for (int wordStart = upperEnd; wordStart >= from; wordStart--)
                {
                    if (wordStart < text.Length && (Of(text[wordStart]) & Lower) != 0)
                    {
                        return ContractionOrEnd(text, RunEnd(text, wordStart + 1, Lower));
                    }
                }
            }
        }

        return -1;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ContractionOrEnd(ReadOnlySpan<char> text, int end)
    {
        int contraction = ContractionEnd(text, end);
        return contraction > 0 ? contraction : end;
    }
}
