using System.Globalization;
using System.Text.RegularExpressions;

namespace Eaio.Routing;

/// <summary>
/// Finds latitude/longitude pairs: with hemispheres (<c>37.7749 N, 122.4194 W</c>, <c>N 37.7749 W 122.4194</c>),
/// in degrees, minutes and seconds (<c>37°46'29.6"N 122°25'9.8"W</c>), signed decimal pairs with at least four
/// decimals that are not part of a longer list of numbers (<c>28.5177, -81.3790</c>) and labelled pairs (<c>lat: 28.51, lng: -81.37</c>).
/// </summary>
/// <remarks>
/// Latitude must lie within ±90 and longitude within ±180. The point 0, 0 ("Null Island") is not reported: it is
/// what receivers and apps write when they have no fix, so it locates nobody.
/// </remarks>
public sealed partial class CoordinatesDetector : ISensitiveDataDetector
{

    /// <inheritdoc />
    public void Detect(ReadOnlySpan<char> text, ICollection<SensitiveSpan> spans)
    {
        ArgumentNullException.ThrowIfNull(spans);
        int reportedEnd = -1;

        // Each pattern below needs a character or word that a vectorised search finds far faster than the regex rules
        // it out; no match can start before the position computed from it, so the regex starts there (lookbehinds still
        // see the text before it) or is skipped when the text lacks it.
        int resume = 0;
        while (TryMatchHemisphere(text, ref resume, out ValueMatch match))
        {
            if (IsPlausible(text.Slice(match.Index, match.Length), dms: false))
            {
                spans.Add(new SensitiveSpan(match.Index, match.Length, EntityTypes.Coordinates, 0.9));
                reportedEnd = Math.Max(reportedEnd, match.Index + match.Length);
            }
        }

        int degree = text.IndexOf('°');
        foreach (ValueMatch match in DmsPattern().EnumerateMatches(text, degree < 0 ? text.Length : Math.Max(0, degree - 2)))
        {
            if (IsPlausible(text.Slice(match.Index, match.Length), dms: true))
            {
                spans.Add(new SensitiveSpan(match.Index, match.Length, EntityTypes.Coordinates, 0.9));
            }
        }

        // "lat" occurs inside many words (ventilation, calculate, plate); only a whole-word label can start a match, and
        // the match starts right after the label and its separator, so the anchored regex is tried there alone.
        int from = 0;
        while (TryFindLabelEnd(text, ref from, out int valueStart))
        {
            foreach (ValueMatch match in LabelledPattern().EnumerateMatches(text, valueStart))
            {
                if (IsPlausible(text.Slice(match.Index, match.Length), dms: false))
                {
                    spans.Add(new SensitiveSpan(match.Index, match.Length, EntityTypes.Coordinates, 0.9));
                    reportedEnd = Math.Max(reportedEnd, match.Index + match.Length);
                }

                break;
            }
        }

        DetectDecimalPairs(text, spans, reportedEnd);
    }

    /// <summary>
    /// Runs the decimal-pair regex only over the stretches that can hold a match: a match starts at most three characters
    /// before a '.' that has a digit before it and four after it, and holds only digits, '.', '-', ',', ';' and whitespace.
    /// </summary>
    private static void DetectDecimalPairs(ReadOnlySpan<char> text, ICollection<SensitiveSpan> spans, int reportedEnd)
    {
        int resume = 0;
        while (resume < text.Length)
        {
            int dot = text[resume..].IndexOf('.');
            if (dot < 0)
            {
                return;
            }

            dot += resume;
            // \d in the regex is any Unicode decimal digit, as char.IsDigit.
            if (dot == 0 || !char.IsDigit(text[dot - 1]) || !StartsWithFourDigits(text[(dot + 1)..]))
            {
                resume = dot + 1;
                continue;
            }

            // \s in the regex is exactly char.IsWhiteSpace.
            int end = dot;
            while (end < text.Length && (char.IsDigit(text[end]) || text[end] is '.' or '-' or ',' or ';' || char.IsWhiteSpace(text[end])))
            {
                end++;
            }

            // The regex also sees the first character after the stretch, because its lookaheads read one character past
            // the match; that character cannot continue a match, so the regex behaves as on the whole text.
            int limit = Math.Min(text.Length, end + 1);
            foreach (ValueMatch match in DecimalPairPattern().EnumerateMatches(text[..limit], Math.Max(resume, dot - 3)))
            {
                // The labelled form already reported this pair.
                if (match.Index < reportedEnd)
                {
                    continue;
                }

                if (IsPlausible(text.Slice(match.Index, match.Length), dms: false))
                {
                    spans.Add(new SensitiveSpan(match.Index, match.Length, EntityTypes.Coordinates, 0.75));
                }
            }

            resume = limit;
        }
    }

    private static bool StartsWithFourDigits(ReadOnlySpan<char> text) =>
        text.Length >= 4 && char.IsDigit(text[0]) && char.IsDigit(text[1]) && char.IsDigit(text[2]) && char.IsDigit(text[3]);

    /// <summary>Finds the next whole-word <c>lat</c> or <c>latitude</c> label and where its value would start.</summary>
    private static bool TryFindLabelEnd(ReadOnlySpan<char> text, ref int from, out int valueStart)
    {
        while (from < text.Length)
        {
            int found = text[from..].IndexOf("lat", StringComparison.OrdinalIgnoreCase);
            if (found < 0)
            {
                break;
            }

            int start = from + found;
            int end = start + 3;
            from = end;
            if (start > 0 && IsRegexWordChar(text[start - 1]))
            {
                continue;
            }

            if (text[end..].StartsWith("itude", StringComparison.OrdinalIgnoreCase))
            {
                end += 5;
            }

            if (end < text.Length && IsRegexWordChar(text[end]))
            {
                continue;
            }

            // \s*[:=]?\s* as in the original lookbehind; the value cannot start inside it.
            while (end < text.Length && char.IsWhiteSpace(text[end]))
            {
                end++;
            }

            if (end < text.Length && text[end] is ':' or '=')
            {
                end++;
                while (end < text.Length && char.IsWhiteSpace(text[end]))
                {
                    end++;
                }
            }

            valueStart = end;
            from = end;
            return true;
        }

        valueStart = -1;
        return false;
    }

    // What \w matches in .NET regular expressions.
    private static bool IsRegexWordChar(char c) =>
        char.IsLetterOrDigit(c) || c == '_' || char.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark
            or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.ConnectorPunctuation;

    /// <summary>
    /// Finds the next hemisphere match at or after <paramref name="resume"/>, the same one that enumerating the regex
    /// over the whole text gives, but without trying the regex at every digit and capital N or S.
    /// </summary>
    /// <remarks>
    /// The first N or S of a match has a digit among the four characters before it (<c>37.7 °N</c>) or the two after
    /// it (<c>N 37.7</c>), and before it the match holds no letters. So with X the first such N or S at or after
    /// <paramref name="resume"/>, no match starts before the letter-free stretch that ends at X, and the regex run from
    /// there finds the next match.
    /// </remarks>
    private static bool TryMatchHemisphere(ReadOnlySpan<char> text, ref int resume, out ValueMatch match)
    {
        int x = resume;
        while (true)
        {
            int found = text[x..].IndexOfAny('N', 'S');
            if (found < 0)
            {
                match = default;
                return false;
            }

            x += found;
            if (HasDigitNear(text, x))
            {
                break;
            }

            x++;
        }

        int start = x;
        while (start > resume && !char.IsAsciiLetter(text[start - 1]))
        {
            start--;
        }

        foreach (ValueMatch next in HemispherePattern().EnumerateMatches(text, start))
        {
            match = next;
            resume = next.Index + next.Length;
            return true;
        }

        match = default;
        return false;
    }

    private static bool HasDigitNear(ReadOnlySpan<char> text, int x)
    {
        for (int k = Math.Max(0, x - 4); k <= Math.Min(text.Length - 1, x + 2); k++)
        {
            if (k != x && char.IsDigit(text[k]))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Checks the numbers in a match: latitude (the first) within 90, longitude (the second) within 180, not all zero.</summary>
    private static bool IsPlausible(ReadOnlySpan<char> value, bool dms)
    {
        Span<double> numbers = stackalloc double[6];
        int count = 0;
        for (int i = 0; i < value.Length && count < numbers.Length; i++)
        {
            if (!char.IsAsciiDigit(value[i]) || (i > 0 && (char.IsAsciiDigit(value[i - 1]) || value[i - 1] == '.')))
            {
                continue;
            }

            int end = i;
            while (end < value.Length && (char.IsAsciiDigit(value[end]) || (value[end] == '.' && end + 1 < value.Length && char.IsAsciiDigit(value[end + 1]))))
            {
                end++;
            }

            numbers[count++] = double.Parse(value[i..end], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
            i = end;
        }

        bool anyNonZero = false;
        foreach (double number in numbers[..count])
        {
            anyNonZero |= number != 0;
        }

        if (!anyNonZero || count < 2)
        {
            return false;
        }

        if (dms)
        {
            return numbers[0] <= 90;
        }

        return numbers[0] <= 90 && numbers[1] <= 180;
    }

    [GeneratedRegex(
        @"(?<![\w.])(?:\d{1,2}(?:\.\d+)?\s?°?\s?[NS][\s,;/]*\d{1,3}(?:\.\d+)?\s?°?\s?[EW]|[NS]\s?\d{1,2}(?:\.\d+)?°?[\s,;/]*[EW]\s?\d{1,3}(?:\.\d+)?°?)(?!\w)",
        RegexOptions.CultureInvariant,
        matchTimeoutMilliseconds: 1000)]
    private static partial Regex HemispherePattern();

    [GeneratedRegex(
        @"(?<![\w.])\d{1,2}°\s?\d{1,2}['′]\s?(?:\d{1,2}(?:\.\d+)?[""″]\s?)?[NS][\s,;/]*\d{1,3}°\s?\d{1,2}['′]\s?(?:\d{1,2}(?:\.\d+)?[""″]\s?)?[EW](?!\w)",
        RegexOptions.CultureInvariant,
        matchTimeoutMilliseconds: 1000)]
    private static partial Regex DmsPattern();

    [GeneratedRegex(
        @"\G-?\d{1,2}(?:\.\d+)?°?[\s,;/]*(?:lng|lon|long|longitude)\b\s*[:=]?\s*-?\d{1,3}(?:\.\d+)?",
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase,
        matchTimeoutMilliseconds: 1000)]
    private static partial Regex LabelledPattern();

    // A bare pair must stand alone: inside a longer list of numbers (a CSV row of readings or of aggregated figures)
    // two neighbouring values in range are far more often measurements, and pseudonymising them would corrupt the data.
    [GeneratedRegex(
        @"(?<![\w.-])(?<!\d\s*[,;]\s*|\d\s+)-?\d{1,2}\.\d{4,}(?:\s*[,;]\s*|\s+)-?\d{1,3}\.\d{4,}(?![\w.]\d|\w)(?!\s*[,;]\s*-?\d|\s+-?\d)",
        RegexOptions.CultureInvariant,
        matchTimeoutMilliseconds: 1000)]
    private static partial Regex DecimalPairPattern();
}
