namespace Eaio.Routing;

/// <summary>
/// Finds the machine-readable zone of a passport, visa or identity card (ICAO Doc 9303): two lines of 44 or 36 characters,
/// or three of 30, of upper-case letters, digits and the filler <c>&lt;</c>, pasted as a scanner or an OCR tool read them.
/// </summary>
/// <remarks>
/// A zone is reported when its data line passes the check digits of the date of birth and the date of expiry (weights 7,
/// 3, 1; a letter counts 10 to 35, the filler 0), which a line of that shape that is not a zone passes once in a hundred.
/// Every line of the zone is reported: one holds the document number and the dates, another the holder's name. A data
/// line pasted alone (the name line cut off) is reported as well.
/// </remarks>
internal static class MachineReadableZones
{
    /// <summary>Reports the zone whose line holds the fillers at <paramref name="at"/>, if it is one; returns where to read on.</summary>
    /// <param name="text">The text.</param>
    /// <param name="at">A filler, the second of two (<see cref="DocumentMarks"/>).</param>
    /// <param name="spans">Where the zone's lines go.</param>
    /// <returns>The end of the zone, else of the line.</returns>
    public static int At(ReadOnlySpan<char> text, int at, ICollection<SensitiveSpan> spans)
    {
        (int start, int end) = LineAround(text, at);
        int resume = Math.Max(end, at + 1);
        int length = end - start;
        if (length is not (30 or 36 or 44) || !IsZoneLine(text[start..end]))
        {
            return resume;
        }

        // The zone's lines: this one and those of the same shape right above and below it.
        int first = start;
        int lines = 1;
        while (lines < 3 && PreviousLine(text, first) is { } above && above.End - above.Start == length && IsZoneLine(text[above.Start..above.End]))
        {
            first = above.Start;
            lines++;
        }

        int last = end;
        while (lines < 3 && NextLine(text, last) is { } below && below.End - below.Start == length && IsZoneLine(text[below.Start..below.End]))
        {
            last = below.End;
            lines++;
        }

        if (!HasValidDataLine(text, first, last, length))
        {
            return resume;
        }

        // A line above this one was passed over before as no zone of its own (its fillers were read then): it is reported now.
        for (int lineStart = first; lineStart < last;)
        {
            (int s, int e) = LineAround(text, lineStart);
            spans.Add(new SensitiveSpan(s, e - s, EntityTypes.IdentityNumber, 0.95));
            lineStart = NextLine(text, e) is { } next && next.Start < last ? next.Start : last;
        }

        return Math.Max(last, resume);
    }

    /// <summary>Whether a check digit is right for the characters before it (ICAO Doc 9303, part 3).</summary>
    /// <param name="field">The characters.</param>
    /// <param name="check">The check digit as written.</param>
    /// <returns>Whether it is right.</returns>
    internal static bool IsCheckDigit(ReadOnlySpan<char> field, char check)
    {
        if (!char.IsAsciiDigit(check))
        {
            return false;
        }

        int sum = 0;
        for (int i = 0; i < field.Length; i++)
        {
            char c = field[i];
            int value = char.IsAsciiDigit(c) ? c - '0' : char.IsAsciiLetterUpper(c) ? c - 'A' + 10 : 0;
            sum += value * (i % 3) switch { 0 => 7, 1 => 3, _ => 1 };
        }

        return sum % 10 == check - '0';
    }

    // The data line of a zone of two lines is its second; of three, its second holds the dates (TD1).
    private static bool HasValidDataLine(ReadOnlySpan<char> text, int first, int last, int length)
    {
        for (int lineStart = first; lineStart < last;)
        {
            (int s, int e) = LineAround(text, lineStart);
            ReadOnlySpan<char> line = text[s..e];
            bool valid = length == 30
                ? IsDateWithCheck(line[..7]) && IsDateWithCheck(line[8..15])
                : IsDateWithCheck(line[13..20]) && IsDateWithCheck(line[21..28]);
            if (valid)
            {
                return true;
            }

            lineStart = NextLine(text, e) is { } next && next.Start < last ? next.Start : last;
        }

        return false;
    }

    // YYMMDD and its check digit.
    private static bool IsDateWithCheck(ReadOnlySpan<char> field)
    {
        foreach (char c in field)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        int month = ((field[2] - '0') * 10) + field[3] - '0';
        int day = ((field[4] - '0') * 10) + field[5] - '0';
        return month is >= 1 and <= 12 && day is >= 1 and <= 31 && IsCheckDigit(field[..6], field[6]);
    }

    private static bool IsZoneLine(ReadOnlySpan<char> line)
    {
        int signs = 0;
        foreach (char c in line)
        {
            if (c == '<')
            {
                signs++;
            }
            else if (!char.IsAsciiLetterUpper(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return signs > 0 && signs < line.Length;
    }

    // The line around a position, without its leading and trailing blanks.
    private static (int Start, int End) LineAround(ReadOnlySpan<char> text, int at)
    {
        int start = text[..at].LastIndexOfAny('\n', '\r') + 1;
        int end = text[at..].IndexOfAny('\n', '\r');
        end = end < 0 ? text.Length : at + end;
        while (start < end && text[start] is ' ' or '\t')
        {
            start++;
        }

        while (end > start && text[end - 1] is ' ' or '\t')
        {
            end--;
        }

        return (start, end);
    }

    private static (int Start, int End)? PreviousLine(ReadOnlySpan<char> text, int lineStart)
    {
        int breakAt = text[..lineStart].LastIndexOfAny('\n', '\r');
        if (breakAt < 0)
        {
            return null;
        }

        // A CR LF pair is one break.
        int before = breakAt > 0 && text[breakAt] == '\n' && text[breakAt - 1] == '\r' ? breakAt - 1 : breakAt;
        return before == 0 ? null : LineAround(text, before);
    }

    private static (int Start, int End)? NextLine(ReadOnlySpan<char> text, int lineEnd)
    {
        int breakAt = text[lineEnd..].IndexOfAny('\n', '\r');
        if (breakAt < 0)
        {
            return null;
        }

        int after = lineEnd + breakAt + 1;
        if (text[after - 1] == '\r' && after < text.Length && text[after] == '\n')
        {
            after++;
        }

        return after >= text.Length ? null : LineAround(text, after);
    }
}
