using System.Buffers;
using System.Collections.Frozen;
using System.Globalization;

namespace Eaio.Routing;

/// <content>
/// The labelled and linked forms: key/value pairs in prose, JSON, YAML, XML and query strings (<c>"lat": 51.5074</c>,
/// <c>lat=51.5&amp;lon=-0.12</c>, <c>&lt;lat&gt;51.5&lt;/lat&gt;</c>, <c>lat / lng: 51.50 / -0.12</c>), and map links
/// (<c>@51.5074,-0.1278,17z</c>, <c>?q=51.5074,-0.1278</c>, <c>#map=17/51.5074/-0.1278</c>, <c>geo:51.5074,-0.1278</c>).
/// </content>
public sealed partial class CoordinatesDetector
{
    // Between two labelled values these say the text is markup, JSON, YAML or a query rather than prose.
    private static readonly SearchValues<char> MarkupCharacters = SearchValues.Create("\"'<>&\n");

    private static readonly SearchValues<char> DegreeSigns = SearchValues.Create("°º˚");

    // Where a coordinate written without a degree sign may be: "51 deg 53' 52.05\" N" (photo metadata) and the hemisphere
    // fields of an NMEA sentence. "deg " without the space before it: with a leading space, the string search's first
    // characters are those of every word break, and it cost 0.65 against 0.25 µs over 8 KB of prose (measured); the regexes
    // started from the anchor read the space themselves.
    private static readonly SearchValues<string> OtherFormAnchors = SearchValues.Create(["deg ", "Deg ", ",N,", ",S,"], StringComparison.Ordinal);

    // Words that open a labelled value or pair. "lat" also occurs inside many words (ventilation, calculate, plate), so a
    // hit is a label only at a word start (see TryReadLabel). ASCII only: one non-ASCII value ("coörd") makes the search
    // scalar and the detector twice as slow (measured 4.0 to 9.0 µs per 8 KB), so Dutch "coördinaten" is not a label.
    private static readonly SearchValues<string> LabelWords = SearchValues.Create(["lat", "lon", "lng", "coord", "koord", "gps"], StringComparison.OrdinalIgnoreCase);

    // Characters a map link starts its pair after: '@' (Google), '=' (query keys), ':' (geo: URIs), '!' (Google's !3d).
    private static readonly SearchValues<char> LinkAnchors = SearchValues.Create("@=:!");

    // Query keys whose value is a "lat,lon" pair in the links of Google, Apple, Bing, Here and OpenStreetMap maps.
    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> PairKeys = new[]
    {
        "q", "ll", "sll", "query", "center", "centre", "destination", "dest", "origin", "daddr", "saddr", "location", "loc",
        "latlng", "latlon", "latlong", "coordinates", "coords", "point", "pos", "position", "near", "cp", "marker", "markers",
        "viewpoint", "waypoints", "map", "sspn", "route",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();

    // Units that say a pair of decimals is a measurement (12.345, 13.456 kWh), not a position.
    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> Units = new[]
    {
        "wh", "kwh", "mwh", "gwh", "w", "kw", "mw", "gw", "va", "kva", "kvar", "var", "v", "kv", "a", "ma", "hz", "m", "m2", "m3",
        "mm", "cm", "km", "l", "gal", "gpm", "cfm", "lps", "pa", "kpa", "psi", "bar", "mbar", "degc", "degf", "c", "f", "k", "s",
        "ms", "h", "hr", "hrs", "min", "kg", "g", "t", "lb", "lbs", "ton", "tons", "therm", "therms", "btu", "kbtu", "mmbtu",
        "mj", "gj", "kj", "usd", "eur", "gbp", "ppm", "ppb", "lux", "rpm", "db", "dba", "kgco2", "tco2", "tco2e", "percent", "pct",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Finds labelled latitudes and longitudes, alone or in pairs, in either order.</summary>
    private static void DetectLabelled(ReadOnlySpan<char> text, NonOverlappingSpans reported)
    {
        int from = 0;
        while (from < text.Length)
        {
            int found = text[from..].IndexOfAny(LabelWords);
            if (found < 0)
            {
                return;
            }

            int start = from + found;
            from = start + 3;
            if (!TryReadLabel(text, start, out Label label, out int labelEnd))
            {
                continue;
            }

            from = labelEnd;
            if (label is Label.Pair or Label.PairAnyOrder)
            {
                TryReportPairAfterLabel(text, labelEnd, anyOrder: label == Label.PairAnyOrder, reported, ref from);
                continue;
            }

            // "lat / lng: 51.50 / -0.12", "lat,lon = 51.5, -0.12": two labels, then both values.
            int next = SkipWhile(text, labelEnd, " \t/,&|");
            if (next > labelEnd && next < text.Length && TryReadLabel(text, next, out Label second, out int secondEnd)
                && second is Label.Latitude or Label.Longitude or Label.LongWord && IsLatitude(second) != IsLatitude(label))
            {
                from = secondEnd;
                TryReportPairAfterLabel(text, secondEnd, anyOrder: false, reported, ref from, lonFirst: !IsLatitude(label));
                continue;
            }

            int valueStart = SkipAssignment(text, labelEnd);
            if (!TryReadNumber(text, valueStart, out double first, out int firstEnd, out int firstDecimals))
            {
                continue;
            }

            from = firstEnd;

            // The partner label follows within a few separators: ", lng: ", "&lon=", "</lat><lon>", "\n  longitude: ".
            int partner = SkipSeparators(text, firstEnd);
            if (partner - firstEnd <= 40 && partner < text.Length && TryReadLabel(text, partner, out Label other, out int otherEnd)
                && other is Label.Latitude or Label.Longitude or Label.LongWord && IsLatitude(other) != IsLatitude(label))
            {
                int secondStart = SkipAssignment(text, otherEnd);
                if (TryReadNumber(text, secondStart, out double second2, out int secondValueEnd, out int secondDecimals))
                {
                    from = secondValueEnd;
                    (double lat, double lon) = IsLatitude(label) ? (first, second2) : (second2, first);
                    if (IsPlausiblePair(lat, lon) && Math.Max(firstDecimals, secondDecimals) >= 2)
                    {
                        int valueBegin = valueStart;
                        int secondBegin = secondStart;

                        // In prose the pair is one value ("28.51, lng: -81.37"); in markup, JSON and queries each value
                        // is reported alone so that the keys and tags around them stay intact.
                        if (text[firstEnd..secondBegin].IndexOfAny(MarkupCharacters) < 0)
                        {
                            reported.Add(valueBegin, secondValueEnd - valueBegin, 0.9);
                        }
                        else
                        {
                            reported.Add(valueBegin, firstEnd - valueBegin, 0.9);
                            reported.Add(secondBegin, secondValueEnd - secondBegin, 0.9);
                        }
                    }

                    continue;
                }
            }

            // A labelled value alone is half a position; at three decimals (about 100 m) it still narrows one down.
            // "long" alone is an everyday word ("how long: 12.345 s") and is not trusted without its partner.
            if (firstDecimals >= 3 && label != Label.LongWord && Math.Abs(first) <= (IsLatitude(label) ? 90 : 180) && first != 0)
            {
                int valueBegin = valueStart;
                reported.Add(valueBegin, firstEnd - valueBegin, 0.8);
            }
        }
    }

    /// <summary>Reads "value, value" after a label that names both (<c>coordinates:</c>, <c>latlng=</c>, <c>lat / lng:</c>).</summary>
    private static void TryReportPairAfterLabel(ReadOnlySpan<char> text, int labelEnd, bool anyOrder, NonOverlappingSpans reported, ref int from, bool lonFirst = false)
    {
        int valueStart = SkipAssignment(text, labelEnd);
        if (anyOrder && !TryReadNumber(text, valueStart, out _, out _, out _))
        {
            // "Coordinates of the delivery substation: 52.329; 4.883": a few words may name the place before the colon.
            valueStart = SkipWordsToColon(text, valueStart);
        }

        if (!TryReadNumber(text, valueStart, out double first, out int firstEnd, out int firstDecimals))
        {
            return;
        }

        int secondStart = SkipWhile(text, firstEnd, " \t,;/");
        if (secondStart == firstEnd || !TryReadNumber(text, secondStart, out double second, out int secondEnd, out int secondDecimals))
        {
            return;
        }

        from = secondEnd;
        (double lat, double lon) = lonFirst ? (second, first) : (first, second);

        // GeoJSON writes longitude first ("coordinates": [-0.1278, 51.5074]).
        bool plausible = IsPlausiblePair(lat, lon) || (anyOrder && IsPlausiblePair(lon, lat));
        if (plausible && Math.Max(firstDecimals, secondDecimals) >= 2)
        {
            int begin = valueStart;
            reported.Add(begin, secondEnd - begin, 0.9);
        }
    }

    /// <summary>Finds the pairs of map links and geo: URIs.</summary>
    private static void DetectMapLinks(ReadOnlySpan<char> text, NonOverlappingSpans reported)
    {
        int from = 0;
        while (from < text.Length)
        {
            int found = text[from..].IndexOfAny(LinkAnchors);
            if (found < 0)
            {
                return;
            }

            int anchor = from + found;
            from = anchor + 1;
            if (anchor + 1 >= text.Length || !(char.IsAsciiDigit(text[anchor + 1]) || (text[anchor + 1] == '-' && anchor + 2 < text.Length && char.IsAsciiDigit(text[anchor + 2]))))
            {
                continue;
            }

            int valueStart = anchor + 1;
            switch (text[anchor])
            {
                case '@':
                    break;
                case ':':
                    if (anchor < 3 || !text[(anchor - 3)..anchor].Equals("geo", StringComparison.OrdinalIgnoreCase) || (anchor > 3 && char.IsAsciiLetter(text[anchor - 4])))
                    {
                        continue;
                    }

                    break;
                case '!':
                    // Google's data parameter: !3d<lat>!4d<lon>.
                    if (!text[(anchor + 1)..].StartsWith("3d", StringComparison.Ordinal))
                    {
                        continue;
                    }

                    valueStart = anchor + 3;
                    break;
                default:
                    int keyStart = anchor;
                    while (keyStart > 0 && (char.IsAsciiLetterOrDigit(text[keyStart - 1]) || text[keyStart - 1] == '_'))
                    {
                        keyStart--;
                    }

                    ReadOnlySpan<char> key = text[keyStart..anchor];
                    if (!PairKeys.Contains(key))
                    {
                        continue;
                    }

                    // OpenStreetMap: #map=<zoom>/<lat>/<lon>.
                    if (key.Equals("map", StringComparison.OrdinalIgnoreCase))
                    {
                        int slash = SkipDigits(text, valueStart);
                        if (slash == valueStart || slash >= text.Length || text[slash] != '/')
                        {
                            continue;
                        }

                        valueStart = slash + 1;
                    }

                    break;
            }

            if (!TryReadNumber(text, valueStart, out double lat, out int latEnd, out int latDecimals))
            {
                continue;
            }

            int lonStart = SkipLinkSeparator(text, latEnd);
            if (lonStart < 0 || !TryReadNumber(text, lonStart, out double lon, out int lonEnd, out int lonDecimals))
            {
                continue;
            }

            from = lonEnd;
            if (IsPlausiblePair(lat, lon) && Math.Max(latDecimals, lonDecimals) >= 2)
            {
                reported.Add(valueStart, lonEnd - valueStart, 0.9);
            }
        }
    }

    // The separators between the two numbers of a link: ",", "%2C", "/", "~" (Bing) and "!4d" (Google's data parameter).
    private static int SkipLinkSeparator(ReadOnlySpan<char> text, int at)
    {
        if (at >= text.Length)
        {
            return -1;
        }

        ReadOnlySpan<char> rest = text[at..];
        if (rest[0] is ',' or '/' or '~')
        {
            return rest.Length > 1 && rest[1] == ' ' ? at + 2 : at + 1;
        }

        if (rest.StartsWith("%2C", StringComparison.OrdinalIgnoreCase) || rest.StartsWith("!4d", StringComparison.Ordinal))
        {
            return at + 3;
        }

        return -1;
    }

    private enum Label
    {
        Latitude,
        Longitude,

        // "long": a longitude only next to a latitude.
        LongWord,

        // Names both values, latitude first ("latlng", "lat/lon" written as one key).
        Pair,

        // Names both values in either order ("coordinates", "coords", "gps").
        PairAnyOrder,
    }

    private static bool IsLatitude(Label label) => label == Label.Latitude;

    /// <summary>Reads a label at <paramref name="start"/> if it starts a word there.</summary>
    private static bool TryReadLabel(ReadOnlySpan<char> text, int start, out Label label, out int end)
    {
        label = default;
        end = start;

        // A word start: after a non-letter, after "m" of OpenStreetMap's mlat/mlon, or inside camelCase (siteLat, gpsLng).
        if (start > 0 && char.IsLetter(text[start - 1]))
        {
            bool mPrefix = text[start - 1] is 'm' or 'M' && (start == 1 || !char.IsLetter(text[start - 2]));
            bool camel = char.IsAsciiLetterUpper(text[start]) && char.IsAsciiLetterLower(text[start - 1]);
            if (!mPrefix && !camel)
            {
                return false;
            }
        }

        ReadOnlySpan<char> rest = text[start..];
        if (ForeignCoordinatesWord(rest) is > 0 and int foreign)
        {
            // Koordinaten, coordonnées, coordenadas, coördinaten, coordinate (it): the whole word is the label.
            end = start + foreign;
            label = Label.PairAnyOrder;
            return true;
        }

        if (StartsWith(rest, "coordinates") || StartsWith(rest, "coordinate") || StartsWith(rest, "coords") || StartsWith(rest, "coord"))
        {
            end = start + (StartsWith(rest, "coordinates") ? 11 : StartsWith(rest, "coordinate") ? 10 : StartsWith(rest, "coords") ? 6 : 5);
            label = Label.PairAnyOrder;
        }
        else if (StartsWith(rest, "gps"))
        {
            end = start + 3;
            label = Label.PairAnyOrder;
        }
        else if (StartsWith(rest, "latlng") || StartsWith(rest, "latlon"))
        {
            end = start + (StartsWith(rest, "latlong") ? 7 : 6);
            label = Label.Pair;
        }
        else if (StartsWith(rest, "latitude") || StartsWith(rest, "lat"))
        {
            end = start + (StartsWith(rest, "latitude") ? 8 : 3);
            label = Label.Latitude;
        }
        else if (StartsWith(rest, "longitude") || StartsWith(rest, "long") || StartsWith(rest, "lon") || StartsWith(rest, "lng"))
        {
            end = start + (StartsWith(rest, "longitude") ? 9 : StartsWith(rest, "long") ? 4 : 3);
            label = StartsWith(rest, "long") && !StartsWith(rest, "longitude") ? Label.LongWord : Label.Longitude;
        }
        else
        {
            return false;
        }

        // A word end: not followed by a lower-case letter (camelCase "latDeg" ends the label) or a digit.
        return end >= text.Length || !(char.IsAsciiLetterLower(text[end]) || char.IsAsciiDigit(text[end])
            || (char.IsAsciiLetterUpper(text[end]) && char.IsAsciiLetterUpper(text[start])));
    }

    private static bool StartsWith(ReadOnlySpan<char> text, string word) => text.StartsWith(word, StringComparison.OrdinalIgnoreCase);

    /// <summary>The length of a word for coordinates in German, French, Spanish, Dutch or Italian at the start, or 0.</summary>
    private static int ForeignCoordinatesWord(ReadOnlySpan<char> rest)
    {
        int length = 0;
        while (length < rest.Length && length <= 12 && char.IsLetter(rest[length]))
        {
            length++;
        }

        ReadOnlySpan<char> word = rest[..length];
        return word.Equals("koordinaten", StringComparison.OrdinalIgnoreCase) || word.Equals("koordinate", StringComparison.OrdinalIgnoreCase)
            || word.Equals("coordonnées", StringComparison.OrdinalIgnoreCase) || word.Equals("coordonnees", StringComparison.OrdinalIgnoreCase)
            || word.Equals("coordenadas", StringComparison.OrdinalIgnoreCase) || word.Equals("coordinaten", StringComparison.OrdinalIgnoreCase)
            ? length
            : 0;
    }

    /// <summary>Skips up to six words and the colon after them; returns <paramref name="at"/> when no colon comes that soon.</summary>
    private static int SkipWordsToColon(ReadOnlySpan<char> text, int at)
    {
        int i = at;
        for (int words = 0; words < 6 && i < text.Length; words++)
        {
            while (i < text.Length && (char.IsLetter(text[i]) || text[i] is '\'' or '-' or '’'))
            {
                i++;
            }

            while (i < text.Length && text[i] is ' ' or '\t')
            {
                i++;
            }

            if (i < text.Length && text[i] == ':')
            {
                return SkipAssignment(text, i);
            }

            if (i < text.Length && !char.IsLetter(text[i]))
            {
                return at;
            }
        }

        return at;
    }

    // What may sit between a label and its value: quotes, brackets, ':', '=', '>' of an XML tag, and spaces.
    private static int SkipAssignment(ReadOnlySpan<char> text, int at) => SkipWhile(text, at, " \t\"')]}:=>([{");

    // What may sit between a labelled value and the next label: spaces and line breaks, quotes, ",", ";", "&", "|",
    // brackets, and closing tags ("</lat>").
    private static int SkipSeparators(ReadOnlySpan<char> text, int at)
    {
        int i = at;
        while (i < text.Length)
        {
            char c = text[i];
            if (c is ' ' or '\t' or '\r' or '\n' or '"' or '\'' or ',' or ';' or '&' or '|' or '<' or '>' or '(' or ')' or '[' or ']' or '{' or '}' or '°')
            {
                i++;
            }
            else if (c == '/' && i > 0 && text[i - 1] == '<')
            {
                // A closing tag: skip its name too.
                i++;
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '_' or ':' or '-'))
                {
                    i++;
                }
            }
            else if (c is 'N' or 'S' or 'E' or 'W' && i > 0 && text[i - 1] == ' ' && (i + 1 >= text.Length || !char.IsLetter(text[i + 1])))
            {
                // A hemisphere letter after the value ("lat: 51.5074 N, lon: 0.1278 W").
                i++;
            }
            else
            {
                break;
            }
        }

        return i;
    }

    private static int SkipWhile(ReadOnlySpan<char> text, int at, string characters)
    {
        int i = at;
        while (i < text.Length && characters.Contains(text[i], StringComparison.Ordinal))
        {
            i++;
        }

        return i;
    }

    private static int SkipDigits(ReadOnlySpan<char> text, int at)
    {
        int i = at;
        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            i++;
        }

        return i;
    }

    /// <summary>Reads a signed decimal number of at most three integer digits that is not part of a longer number.</summary>
    private static bool TryReadNumber(ReadOnlySpan<char> text, int at, out double value, out int end, out int decimals)
    {
        value = 0;
        decimals = 0;
        end = at;
        int i = at;
        if (i < text.Length && text[i] is '-' or '+')
        {
            i++;
        }

        int digits = SkipDigits(text, i);
        if (digits == i || digits - i > 3)
        {
            return false;
        }

        int numberEnd = digits;
        if (numberEnd + 1 < text.Length && text[numberEnd] == '.' && char.IsAsciiDigit(text[numberEnd + 1]))
        {
            numberEnd = SkipDigits(text, numberEnd + 1);
            decimals = numberEnd - digits - 1;
        }

        // Not a version, a date or an address: nothing number-like may continue it.
        if (numberEnd < text.Length && (char.IsLetterOrDigit(text[numberEnd]) && text[numberEnd] is not ('N' or 'S' or 'E' or 'W')
            || (text[numberEnd] == '.' && numberEnd + 1 < text.Length && char.IsAsciiDigit(text[numberEnd + 1]))))
        {
            return false;
        }

        value = double.Parse(text[at..numberEnd], NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
        end = numberEnd;
        return true;
    }

    private static bool IsPlausiblePair(double lat, double lon) =>
        Math.Abs(lat) <= 90 && Math.Abs(lon) <= 180 && (lat != 0 || lon != 0);

    /// <summary>Whether the line before a bare pair says it is a position.</summary>
    private static bool HasLocationContext(ReadOnlySpan<char> before)
    {
        ReadOnlySpan<char> window = before.Length > 80 ? before[^80..] : before;
        int lineBreak = window.LastIndexOf('\n');
        window = window[(lineBreak + 1)..];
        return ContainsWordStart(window, "coordinat", prefix: true) || ContainsWordStart(window, "coords", prefix: true)
            || ContainsWordStart(window, "latitud", prefix: true) || ContainsWordStart(window, "longitud", prefix: true)
            || ContainsWordStart(window, "locat", prefix: true) || ContainsWordStart(window, "geoloc", prefix: true)
            || ContainsWordStart(window, "geotag", prefix: true) || ContainsWordStart(window, "geocod", prefix: true)
            || ContainsWordStart(window, "gps", prefix: true) || ContainsWordStart(window, "wgs", prefix: true)
            || ContainsWordStart(window, "geo", prefix: false) || ContainsWordStart(window, "lat", prefix: false)
            || ContainsWordStart(window, "lon", prefix: false) || ContainsWordStart(window, "lng", prefix: false);
    }

    private static bool ContainsWordStart(ReadOnlySpan<char> window, string word, bool prefix)
    {
        int from = 0;
        while (from < window.Length)
        {
            int found = window[from..].IndexOf(word, StringComparison.OrdinalIgnoreCase);
            if (found < 0)
            {
                return false;
            }

            int start = from + found;
            int end = start + word.Length;
            from = end;
            if ((start == 0 || !char.IsLetter(window[start - 1])) && (prefix || end >= window.Length || !char.IsLetter(window[end])))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether a unit of measurement follows a bare pair.</summary>
    private static bool FollowedByUnit(ReadOnlySpan<char> after)
    {
        if (after.Length > 0 && after[0] == ' ')
        {
            after = after[1..];
        }

        if (after.IsEmpty)
        {
            return false;
        }

        if (after[0] is '%' or '‰' or '℃' or '℉' or '$' or '€' or '£')
        {
            return true;
        }

        if (after[0] == '°')
        {
            return after.Length > 1 && after[1] is 'C' or 'F' or 'K' or 'c' or 'f';
        }

        int end = 0;
        while (end < after.Length && (char.IsAsciiLetterOrDigit(after[end]) || after[end] is '²' or '³'))
        {
            end++;
        }

        ReadOnlySpan<char> token = after[..end];
        return !token.IsEmpty && (Units.Contains(token) || token.EndsWith('²') || token.EndsWith('³'));
    }
}
