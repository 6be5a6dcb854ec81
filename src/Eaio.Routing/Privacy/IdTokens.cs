namespace Eaio.Routing;

/// <summary>
/// Reads the id a run of digits is part of, for the detectors of ids (<see cref="SupplyPointDetector"/>,
/// <see cref="IdentityNumberDetector"/>): letters and digits glued together ("DE0001…", "AB123456C"), or a number written
/// whole or in groups joined by single spaces or hyphens ("12 3456 7890 123", "078-05-1120").
/// </summary>
internal static class IdTokens
{
    /// <summary>The longest id read: longer runs of letters and digits are hashes, keys or blobs.</summary>
    public const int MaxLength = 40;

    /// <summary>Reads the id around the run of digits at <paramref name="run"/>.</summary>
    /// <param name="text">The text.</param>
    /// <param name="run">Where the run starts.</param>
    /// <param name="resume">Where the last id read ended: this one does not reach back before it.</param>
    /// <param name="next">Where the next id may start.</param>
    /// <returns>The id, or <see langword="null"/> when the run is part of a longer run of letters and digits or of a quantity
    /// (a decimal number, a percentage).</returns>
    public static IdToken? Read(ReadOnlySpan<char> text, int run, int resume, out int next)
    {
        int letters = 0;
        int start = run;
        while (start > resume && run - start < MaxLength && char.IsAsciiLetterOrDigit(text[start - 1]))
        {
            start--;
            letters += char.IsAsciiLetter(text[start]) ? 1 : 0;
        }

        int end = run;
        while (end < text.Length && end - start < MaxLength && char.IsAsciiLetterOrDigit(text[end]))
        {
            letters += char.IsAsciiLetter(text[end]) ? 1 : 0;
            end++;
        }

        next = end;
        if ((start > 0 && char.IsAsciiLetterOrDigit(text[start - 1])) || (end < text.Length && char.IsAsciiLetterOrDigit(text[end])))
        {
            return null;
        }

        if (letters > 0)
        {
            return new IdToken(start, end, end - start - letters, letters);
        }

        // From the first group, which may be shorter than three digits, to the last.
        int digits = end - start;
        int first = start;
        while (first >= 2 && first - 1 > resume && text[first - 1] is ' ' or '-' && char.IsAsciiDigit(text[first - 2]) && end - first < MaxLength)
        {
            first--;
            while (first > 0 && char.IsAsciiDigit(text[first - 1]))
            {
                first--;
                digits++;
            }
        }

        int last = end;
        while (last + 1 < text.Length && text[last] is ' ' or '-' && char.IsAsciiDigit(text[last + 1]) && last - first < MaxLength)
        {
            last++;
            while (last < text.Length && char.IsAsciiDigit(text[last]))
            {
                last++;
                digits++;
            }
        }

        next = last;
        return (first > 0 && char.IsAsciiLetter(text[first - 1])) || (last < text.Length && char.IsAsciiLetter(text[last]))
            || IsQuantity(text, first, last)
            ? null
            : new IdToken(first, last, digits, 0);
    }

    /// <summary>Whether an id's digits are all one digit ("000000000", "111-11-1111", "INS000000"): the filler of forms, examples
    /// and tests, not anybody's number.</summary>
    /// <param name="id">The id as written.</param>
    /// <returns>Whether it is such a placeholder.</returns>
    public static bool IsPlaceholder(ReadOnlySpan<char> id)
    {
        char digit = '\0';
        foreach (char c in id)
        {
            if (char.IsAsciiDigit(c))
            {
                if (digit != '\0' && c != digit)
                {
                    return false;
                }

                digit = c;
            }
        }

        return true;
    }

    /// <summary>The digits of a number written in groups, into <paramref name="buffer"/>, which has room for exactly them.</summary>
    /// <param name="number">The number.</param>
    /// <param name="buffer">Room for its digits.</param>
    /// <returns>The digits.</returns>
    public static ReadOnlySpan<char> DigitsOf(ReadOnlySpan<char> number, Span<char> buffer)
    {
        int count = 0;
        foreach (char c in number)
        {
            if (char.IsAsciiDigit(c))
            {
                buffer[count++] = c;
            }
        }

        return buffer[..count];
    }

    // A decimal part ("1234.5", "1234,5 kWh") or a percent sign after the number, or the number is itself a decimal part. A
    // comma counts as a decimal comma only before one to three digits that end the number: in "1613909960308,3120.5" and
    // "1840.25,224644598" it separates the cells of a row.
    private static bool IsQuantity(ReadOnlySpan<char> text, int start, int end) =>
        (start > 1 && char.IsAsciiDigit(text[start - 2])
            && (text[start - 1] == '.' || (text[start - 1] == ',' && IsDecimalCommaPart(text[start..]))))
        || (end < text.Length
            && ((text[end] == '.' && end + 1 < text.Length && char.IsAsciiDigit(text[end + 1]))
                || (text[end] == ',' && IsDecimalCommaPart(text[(end + 1)..]))
                || text[end] == '%' || (text[end] == ' ' && end + 1 < text.Length && text[end + 1] == '%')));

    private static bool IsDecimalCommaPart(ReadOnlySpan<char> after)
    {
        int digits = 0;
        while (digits < after.Length && char.IsAsciiDigit(after[digits]))
        {
            digits++;
        }

        return digits is >= 1 and <= 3 && (digits == after.Length || after[digits] is not ('.' or ','));
    }
}
