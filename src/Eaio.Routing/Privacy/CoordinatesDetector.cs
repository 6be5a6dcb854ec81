using System.Globalization;
using System.Text.RegularExpressions;

namespace Eaio.Routing;

/// <summary>
/// Finds latitude/longitude pairs: with hemispheres (<c>37.7749 N, 122.4194 W</c>, <c>N 37.7749 W 122.4194</c>), in
/// degrees, minutes and seconds (<c>37°46'29.6"N 122°25'9.8"W</c>) or degrees and decimal minutes
/// (<c>51° 30.444' N, 0° 7.668' W</c>, <c>N 51 30.444 W 000 07.668</c>), labelled in prose, JSON, YAML, XML and queries
/// (<c>lat: 28.51, lng: -81.37</c>, <c>"latitude": 51.5074</c>, <c>lat=..&amp;lon=..</c>, <c>lat / lng: 51.50 / -0.12</c>),
/// in map links (<c>@51.5074,-0.1278,17z</c>, <c>?q=</c>, <c>ll=</c>, <c>#map=17/51.5074/-0.1278</c>, <c>geo:</c>),
/// and as bare signed decimal pairs that are not part of a longer list of numbers (<c>28.5177, -81.3790</c>, also with
/// an altitude after them).
/// </summary>
/// <remarks>
/// <para>
/// Latitude must lie within ±90 and longitude within ±180. The point 0, 0 ("Null Island") is not reported: it is
/// what receivers and apps write when they have no fix, so it locates nobody. Values with fewer than two decimals are
/// as coarse as a generalised value (0.1°, about 11 km) and are not reported either.
/// </para>
/// <para>
/// A bare pair needs four decimals; with three (about 100 m, common in measurements too) it needs a word on its line
/// that says it is a position (coordinates, location, GPS, lat…) or a negative value away from 0, 0. A bare pair
/// followed by a unit (<c>kWh</c>, <c>%</c>, <c>°C</c>) is a measurement.
/// </para>
/// </remarks>
public sealed partial class CoordinatesDetector : ISensitiveDataDetector
{

    /// <inheritdoc />
    public void Detect(ReadOnlySpan<char> text, ICollection<SensitiveSpan> spans)
    {
        ArgumentNullException.ThrowIfNull(spans);
        NonOverlappingSpans reported = new(spans, EntityTypes.Coordinates);

        // Each pattern below needs a character or word that a vectorised search finds far faster than the regex rules
        // it out; no match can start before the position computed from it, so the regex starts there (lookbehinds still
        // see the text before it) or is skipped when the text lacks it.
        int resume = 0;
        while (TryMatchHemisphere(text, ref resume, out ValueMatch match))
        {
            // Decimal degrees with fewer than two decimals are as coarse as a generalised value (0.1°): not a position.
            ReadOnlySpan<char> value = text.Slice(match.Index, match.Length);
            if (IsPlausible(value, dms: false) && (MostDecimals(value) >= 2 || NumberCount(value) == 4))
            {
                reported.Add(match.Index, match.Length, 0.9);
            }
        }

        // A hemisphere letter may come first (N 51° 30' 26"), so a match starts up to five characters before the sign.
        // Skipped outright without one: even an empty search arms the regex's timeout, which costs more than the scan.
        int degree = text.IndexOfAny(DegreeSigns);
        if (degree >= 0)
        {
            foreach (ValueMatch match in DmsPattern().EnumerateMatches(text, Math.Max(0, degree - 5)))
            {
                if (IsPlausible(text.Slice(match.Index, match.Length), dms: true))
                {
                    reported.Add(match.Index, match.Length, 0.9);
                }
            }
        }

        // The word "deg" and an NMEA hemisphere field in one search: three single-string searches cost three passes.
        int form = text.IndexOfAny(OtherFormAnchors);
        if (form >= 0 || degree >= 0)
        {
            DetectSingleAxes(text, FirstFound(degree, form), reported);
        }

        if (form >= 0)
        {
            DetectNmea(text, form, reported);
        }

        DetectLabelled(text, reported);
        DetectMapLinks(text, reported);
        DetectDecimalPairs(text, reported);
    }

    /// <summary>
    /// Finds one coordinate to the second, with its hemisphere, written alone: photo metadata and survey notes put latitude
    /// and longitude on lines of their own (<c>GPS Latitude : 51 deg 53' 52.05" N</c>), and a pair found on another line
    /// is masked as a whole, which leaves each line's copy of one half.
    /// </summary>
    private static void DetectSingleAxes(ReadOnlySpan<char> text, int anchor, NonOverlappingSpans reported)
    {
        foreach (ValueMatch match in SingleAxisPattern().EnumerateMatches(text, Math.Max(0, anchor - 6)))
        {
            ReadOnlySpan<char> value = text.Slice(match.Index, match.Length);
            char hemisphere = value[0] is 'N' or 'S' or 'E' or 'W' ? value[0] : value[^1];
            int first = value.IndexOfAnyInRange('0', '9');
            int degrees = int.Parse(value.Slice(first, TimestampLexer.DigitRun(value, first)), System.Globalization.CultureInfo.InvariantCulture);
            if (degrees <= (hemisphere is 'N' or 'S' ? 90 : 180))
            {
                reported.Add(match.Index, match.Length, 0.85);
            }
        }
    }

    /// <summary>The earlier of two search results, either of which may be -1 (not found).</summary>
    private static int FirstFound(int a, int b) => a < 0 ? b : b < 0 ? a : Math.Min(a, b);

    /// <summary>
    /// Finds the position of an NMEA 0183 sentence (<c>$GPGGA,101512.00,5213.4309,N,02059.6486,E,...</c>): degrees and
    /// decimal minutes run together, each followed by its hemisphere, as GNSS receivers and time sources log them.
    /// </summary>
    private static void DetectNmea(ReadOnlySpan<char> text, int anchor, NonOverlappingSpans reported)
    {
        foreach (ValueMatch match in NmeaPattern().EnumerateMatches(text, Math.Max(0, anchor - 16)))
        {
            ReadOnlySpan<char> value = text.Slice(match.Index, match.Length);
            int comma = value.IndexOf(',');
            int longitude = comma + 1 + value[(comma + 1)..].IndexOf(',') + 1; // past the hemisphere's comma
            if (int.Parse(value[..2], System.Globalization.CultureInfo.InvariantCulture) <= 90
                && int.Parse(value.Slice(2, 2), System.Globalization.CultureInfo.InvariantCulture) < 60
                && int.Parse(value.Slice(longitude, 3), System.Globalization.CultureInfo.InvariantCulture) <= 180
                && int.Parse(value.Slice(longitude + 3, 2), System.Globalization.CultureInfo.InvariantCulture) < 60)
            {
                reported.Add(match.Index, match.Length, 0.85);
            }
        }
    }

    /// <summary>
    /// Runs the decimal-pair regex only over the stretches that can hold a match: a match starts at most three characters
    /// before a '.' that has a digit before it and three after it, and holds only digits, '.', '-', ',', ';' and whitespace.
    /// </summary>
    private static void DetectDecimalPairs(ReadOnlySpan<char> text, NonOverlappingSpans reported)
    {
        int resume = 0;
        while (resume < text.Length)
        {
            int dot = DecimalPoints.Next(text, resume);
            if (dot < 0)
            {
                return;
            }

            // \d in the regex is any Unicode decimal digit, as char.IsDigit.
            if (dot == 0 || !char.IsDigit(text[dot - 1]) || !StartsWithThreeDigits(text[(dot + 1)..]))
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
                // The match may end in an altitude (51.5074, -0.1278, 35); only the two coordinates are reported.
                ReadOnlySpan<char> pair = text.Slice(match.Index, match.Length);
                int pairLength = PairLength(pair, out int fewestDecimals, out bool signed);
                pair = pair[..pairLength];
                if (!IsPlausible(pair, dms: false) || FollowedByUnit(text[(match.Index + pairLength)..]))
                {
                    continue;
                }

                // Four decimals (about 10 m) are rare in anything but a position. Three decimals (about 100 m) are
                // common in measurements too, so such a pair needs a word that says it is a position nearby, or a
                // negative value away from 0, 0 (west or south), which readings in a pair seldom have.
                if (fewestDecimals >= 4
                    || HasLocationContext(text[..match.Index])
                    || (signed && Math.Max(Math.Abs(FirstNumber(pair)), Math.Abs(LastNumber(pair))) >= 1))
                {
                    reported.Add(match.Index, pairLength, 0.75);
                }
            }

            resume = limit;
        }
    }

    // Four numbers are degrees and minutes of each coordinate.
    private static int NumberCount(ReadOnlySpan<char> value)
    {
        int count = 0;
        for (int i = 0; i < value.Length; i++)
        {
            if (char.IsAsciiDigit(value[i]) && (i == 0 || !(char.IsAsciiDigit(value[i - 1]) || value[i - 1] == '.')))
            {
                count++;
            }
        }

        return count;
    }

    private static int MostDecimals(ReadOnlySpan<char> value)
    {
        int most = 0;
        int dot = value.IndexOf('.');
        while (dot >= 0)
        {
            int end = SkipDigits(value, dot + 1);
            most = Math.Max(most, end - dot - 1);
            int next = value[end..].IndexOf('.');
            dot = next < 0 ? -1 : end + next;
        }

        return most;
    }

    private static bool StartsWithThreeDigits(ReadOnlySpan<char> text) =>
        text.Length >= 3 && char.IsDigit(text[0]) && char.IsDigit(text[1]) && char.IsDigit(text[2]);

    /// <summary>Measures the two numbers at the start of a decimal-pair match, and what the rules need of them.</summary>
    private static int PairLength(ReadOnlySpan<char> match, out int fewestDecimals, out bool signed)
    {
        fewestDecimals = int.MaxValue;
        signed = false;
        int i = 0;
        for (int number = 0; number < 2; number++)
        {
            while (i < match.Length && !char.IsDigit(match[i]))
            {
                signed |= match[i] == '-';
                i++;
            }

            while (i < match.Length && char.IsDigit(match[i]))
            {
                i++;
            }

            int decimals = 0;
            if (i < match.Length && match[i] == '.')
            {
                i++;
                while (i < match.Length && char.IsDigit(match[i]))
                {
                    i++;
                    decimals++;
                }
            }

            fewestDecimals = Math.Min(fewestDecimals, decimals);
        }

        return i;
    }

    private static double FirstNumber(ReadOnlySpan<char> pair)
    {
        int start = pair.IndexOfAnyInRange('0', '9');
        int end = start;
        while (end < pair.Length && (char.IsAsciiDigit(pair[end]) || pair[end] == '.'))
        {
            end++;
        }

        return double.Parse(pair[start..end], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
    }

    private static double LastNumber(ReadOnlySpan<char> pair)
    {
        int start = pair.LastIndexOfAnyExceptInRange('0', '9');
        while (start >= 0 && pair[start] == '.')
        {
            start = pair[..start].LastIndexOfAnyExceptInRange('0', '9');
        }

        return double.Parse(pair[(start + 1)..], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
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

        // Degrees and decimal minutes without marks (N 51 30.444 W 000 07.668): four numbers.
        if (count == 4)
        {
            return numbers[0] <= 90 && numbers[1] < 60 && numbers[2] <= 180 && numbers[3] < 60;
        }

        return numbers[0] <= 90 && numbers[1] <= 180;
    }

    // Decimal degrees with the hemisphere after (37.7749 N) or before (N 37.7749) each number, and degrees with decimal
    // minutes written the same two ways, marks optional (51 30.444 N, N 51° 30.444 W 000° 07.668).
    [GeneratedRegex(
        @"(?<![\w.])(?:\d{1,2}(?:\.\d+)?\s?°?\s?[NS][\s,;/]*\d{1,3}(?:\.\d+)?\s?°?\s?[EW]|[NS]\s?\d{1,2}(?:\.\d+)?°?[\s,;/]*[EW]\s?\d{1,3}(?:\.\d+)?°?|[NS]\s?\d{1,2}(?:°\s*|\s+)\d{1,2}\.\d+['′]?[\s,;/]*[EW]\s?\d{1,3}(?:°\s*|\s+)\d{1,2}\.\d+['′]?|\d{1,2}(?:°\s*|\s+)\d{1,2}\.\d+['′]?\s?[NS][\s,;/]*\d{1,3}(?:°\s*|\s+)\d{1,2}\.\d+['′]?\s?[EW])(?!\w)",
        RegexOptions.CultureInvariant,
        matchTimeoutMilliseconds: 1000)]
    private static partial Regex HemispherePattern();

    // Degrees, minutes (whole or decimal) and optional seconds, the hemisphere after or before each coordinate.
    [GeneratedRegex(
        @"(?<![\w.])(?:\d{1,2}\s?[°º˚]\s?\d{1,2}(?:\.\d+)?\s?['′’]\s?(?:\d{1,2}(?:\.\d+)?\s?(?:[""″”]|'')\s?)?[NS][\s,;/]*\d{1,3}\s?[°º˚]\s?\d{1,2}(?:\.\d+)?\s?['′’]\s?(?:\d{1,2}(?:\.\d+)?\s?(?:[""″”]|'')\s?)?[EW]|[NS]\s?\d{1,2}\s?[°º˚]\s?\d{1,2}(?:\.\d+)?\s?['′’]\s?(?:\d{1,2}(?:\.\d+)?\s?(?:[""″”]|''))?[\s,;/]*[EW]\s?\d{1,3}\s?[°º˚]\s?\d{1,2}(?:\.\d+)?\s?['′’](?:\s?\d{1,2}(?:\.\d+)?\s?(?:[""″”]|''))?)(?!\w)",
        RegexOptions.CultureInvariant,
        matchTimeoutMilliseconds: 1000)]
    private static partial Regex DmsPattern();

    // One coordinate: degrees (a sign or the word "deg"), minutes and seconds, the hemisphere after or before it.
    [GeneratedRegex(
        @"(?<![\w.])(?:\d{1,3}\s?(?:[°º˚]|[Dd]eg\b)\s?\d{1,2}\s?['′’]\s?\d{1,2}(?:\.\d+)?\s?(?:[""″”]|'')\s?[NSEW]|[NSEW]\s?\d{1,3}\s?(?:[°º˚]|[Dd]eg\b)\s?\d{1,2}\s?['′’]\s?\d{1,2}(?:\.\d+)?\s?(?:[""″”]|''))(?!\w)",
        RegexOptions.CultureInvariant,
        matchTimeoutMilliseconds: 1000)]
    private static partial Regex SingleAxisPattern();

    // ddmm.mmmm,N,dddmm.mmmm,E between the commas of a sentence.
    [GeneratedRegex(
        @"(?<![\w.])\d{4}\.\d{2,},[NS],\d{5}\.\d{2,},[EW](?![\w.])",
        RegexOptions.CultureInvariant,
        matchTimeoutMilliseconds: 1000)]
    private static partial Regex NmeaPattern();

    // A bare pair must stand alone: inside a longer list of numbers (a CSV row of readings or of aggregated figures)
    // two neighbouring values in range are far more often measurements, and pseudonymising them would corrupt the data.
    // A third number after a comma is taken as an altitude (51.5074, -0.1278, 35) when nothing follows it.
    [GeneratedRegex(
        @"(?<![\w.-])(?<!\d\s*[,;]\s*|\d\s+)-?\d{1,2}\.\d{3,}(?:\s*[,;]\s*|\s+)-?\d{1,3}\.\d{3,}(?:\s*,\s*-?\d{1,5}(?:\.\d{1,2})?(?:\s?m\b)?)?(?![\w.]\d|\w)(?!\s*[,;]\s*-?\d|\s+-?\d)",
        RegexOptions.CultureInvariant,
        matchTimeoutMilliseconds: 1000)]
    private static partial Regex DecimalPairPattern();
}
