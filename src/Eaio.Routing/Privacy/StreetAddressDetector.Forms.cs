using System.Buffers;
using System.Collections.Frozen;
using System.Text.RegularExpressions;

namespace Eaio.Routing;

/// <content>
/// The forms beyond the capitalised English one: lower-case streets (<c>12 baker street</c>), number-last streets
/// (<c>Hauptstraße 5</c>, <c>Friedrichstr. 12</c>, <c>Keizersgracht 123</c>, <c>Calle Mayor 5</c>, <c>Via Roma 12</c>),
/// French streets (<c>12 rue de Rivoli</c>), suites and apartments (<c>Suite 400</c>, <c>Apt 5B</c>), UK postcodes
/// (<c>SW1A 2AA</c>) and US ZIP+4 codes after a state (<c>CA 94043-1351</c>).
/// </content>
public sealed partial class StreetAddressDetector
{
    // Each family is found by a vectorised search for its trigger words; its regex then runs over a short window
    // around the hit only. Kept in step with the patterns below. The lower-case, French and unit forms share one search:
    // one case-insensitive search for a few dozen ASCII strings costs far less than three.
    private static readonly SearchValues<string> NumberFirstTriggers = SearchValues.Create(
        [
            "street", "avenue", "road", "lane", "boulevard", " st", " rd", " ave", "rue ", "av. ", "bd ", "quai ", "impasse ",
            "chemin ", "place ", "cours ", "route ", "square ", "passage ", "suite", "apt",
        ],
        StringComparison.OrdinalIgnoreCase);

    // Searches for many strings, or for strings with non-ASCII letters, are far slower than for a few ASCII ones without
    // case, so each set is short, ASCII and case-insensitive; the regex still decides. "stra" covers straße, strasse,
    // straat; rarer suffixes (singel, steeg, vägen) are found when they come with one of these.
    private static readonly SearchValues<string> NumberLastSuffixes = SearchValues.Create(
        ["stra", "str.", "weg ", "gasse", "platz", "allee", "damm", "ufer", "gracht", "laan", "plein", "kade", "dijk", "gatan", "gade", "vej "],
        StringComparison.OrdinalIgnoreCase);

    private static readonly SearchValues<string> NumberLastPrefixes = SearchValues.Create(
        ["calle ", "avenida ", "via ", "plaza ", "rua ", "piazza ", "paseo ", "carrer ", "corso ", "viale ", "largo "],
        StringComparison.OrdinalIgnoreCase);

    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> LowerCaseStreetTypes = new[]
    {
        "street", "avenue", "road", "lane", "boulevard", "parkway", "highway", "st", "rd", "ave", "blvd", "ln",
    }.ToFrozenSet(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();

    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> FrenchStreetTypes = new[]
    {
        "rue", "avenue", "av", "boulevard", "bd", "quai", "impasse", "chemin", "place", "cours", "route", "square", "passage",
    }.ToFrozenSet(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();

    // Words that cannot be part of a street name written in lower case: "3 apples on the street", "3 floors street lighting".
    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> NotNameWords = new[]
    {
        "a", "an", "the", "on", "in", "at", "of", "to", "for", "and", "or", "with", "from", "by", "near", "per", "our", "my",
        "your", "their", "his", "her", "its", "this", "that", "these", "those", "each", "every", "is", "are", "was", "were",
        "be", "has", "have", "had", "no", "not", "more", "less", "than", "into", "onto", "off", "over", "under", "across",
        "along", "down", "up", "via", "main", "floor", "floors", "level", "levels", "unit", "units", "block", "blocks", "room",
        "rooms", "meter", "meters", "metres", "sensor", "sensors", "times", "ways", "hours", "days", "years", "minutes",
        "months", "weeks", "percent", "kw", "kwh", "mw", "mwh", "lanes", "roads", "streets", "avenues", "lane", "road", "street",
        "avenue", "way", "new", "old", "other", "different", "separate", "major", "busy", "one", "two", "three", "four", "five",
        "lamps", "lights", "poles", "buildings", "sites", "houses", "homes", "cars", "trucks", "miles", "km", "blocks", "x",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();

    // Words after "Street" that make it an adjective: street lighting, road works.
    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> FurnitureWords = new[]
    {
        "lighting", "light", "lights", "lamp", "lamps", "lamppost", "lampposts", "furniture", "sweeping", "cleaning", "works",
        "parking", "level", "view", "food", "art", "signs", "sign", "trees", "closure", "closures", "network", "markings",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();

    private enum Family
    {
        LowerCase,
        NumberLast,
        French,
        Unit,
    }

    private static void DetectOtherForms(ReadOnlySpan<char> text, Reported reported)
    {
        RunFamily(text, NumberFirstTriggers, null, back: 80, forward: 80, reported);
        RunFamily(text, NumberLastSuffixes, Family.NumberLast, back: 60, forward: 40, reported);
        RunFamily(text, NumberLastPrefixes, Family.NumberLast, back: 1, forward: 90, reported);
        DetectPostcodes(text, reported);
        DetectZipPlusFour(text, reported);
    }

    private static void RunFamily(ReadOnlySpan<char> text, SearchValues<string> triggers, Family? only, int back, int forward, Reported reported)
    {
        int from = 0;
        while (from < text.Length)
        {
            int found = text[from..].IndexOfAny(triggers);
            if (found < 0)
            {
                return;
            }

            int hit = from + found;
            from = hit + 1;
            int start = Math.Max(0, hit - back);
            int end = Math.Min(text.Length, hit + forward);

            // Every form holds a house number: without a digit near the hit the regex cannot match.
            if (!text[start..end].ContainsAnyInRange('0', '9'))
            {
                continue;
            }

            if (only is { } family)
            {
                from = Math.Max(from, TryFamily(text, hit, start, end, family, reported));
                continue;
            }

            // The shared search: the word at the hit says which forms can match there.
            ReadOnlySpan<char> word = text[hit..].TrimStart(' ');
            if (char.IsAsciiLetterUpper(word[0]) && (word.StartsWith("Suite", StringComparison.Ordinal) || word.StartsWith("Apt", StringComparison.Ordinal)
                || word.StartsWith("Apartment", StringComparison.Ordinal)))
            {
                from = Math.Max(from, TryFamily(text, hit, hit, Math.Min(text.Length, hit + 20), Family.Unit, reported));
                continue;
            }

            int wordStart = hit + (text.Length - hit - word.Length);
            int wordEnd = wordStart;
            while (wordEnd < text.Length && (char.IsAsciiLetter(text[wordEnd]) || text[wordEnd] == '.'))
            {
                wordEnd++;
            }

            // The regexes run only where the word is a whole street type written in lower case, after a space, and a
            // number comes before it: right before for the French form (12 rue), a few words before for the other.
            ReadOnlySpan<char> type = text[wordStart..wordEnd].TrimEnd('.');
            if (wordStart == 0 || text[wordStart - 1] != ' ' || !char.IsAsciiLetterLower(type[0]))
            {
                continue;
            }

            if (LowerCaseStreetTypes.Contains(type) && text[start..wordStart].ContainsAnyInRange('0', '9'))
            {
                from = Math.Max(from, TryFamily(text, hit, start, Math.Min(text.Length, wordEnd + 2), Family.LowerCase, reported));
            }

            if (FrenchStreetTypes.Contains(type) && NumberBefore(text, wordStart))
            {
                from = Math.Max(from, TryFamily(text, wordStart, Math.Max(0, wordStart - 12), end, Family.French, reported));
            }
        }
    }

    /// <summary>Runs one family's regex over a window; returns where the last reported match ends, or 0.</summary>
    private static int TryFamily(ReadOnlySpan<char> text, int hit, int start, int end, Family family, Reported reported)
    {
        Regex regex = family switch
        {
            Family.LowerCase => LowerCasePattern(),
            Family.NumberLast => NumberLastPattern(),
            Family.French => FrenchPattern(),
            _ => UnitPattern(),
        };

        int reportedUpTo = 0;
        foreach (ValueMatch match in regex.EnumerateMatches(text[..end], start))
        {
            if (match.Index > hit || match.Index + match.Length <= hit)
            {
                continue;
            }

            ReadOnlySpan<char> value = text.Slice(match.Index, match.Length);
            int matchEnd = match.Index + match.Length;
            if (NamesInventedStreet(value) || (family == Family.LowerCase && (!IsLowerCaseStreet(value) || IsStreetFurniture(text[matchEnd..]))))
            {
                continue;
            }

            // A unit after the street ("12 baker street, Apt 5B") belongs to the address.
            int reportedEnd = family is Family.LowerCase or Family.French ? WithUnit(text, matchEnd) : matchEnd;
            reported.Add(match.Index, reportedEnd - match.Index, family == Family.Unit ? 0.7 : 0.8);
            reportedUpTo = reportedEnd;
        }

        return reportedUpTo;
    }

    // A house number right before a French street type: "12 rue", "12 bis rue", "12, rue", "12A rue".
    private static bool NumberBefore(ReadOnlySpan<char> text, int wordStart)
    {
        int i = wordStart - 1;
        while (i >= 0 && text[i] is ' ' or ',')
        {
            i--;
        }

        int letters = 0;
        while (i >= 0 && char.IsAsciiLetter(text[i]) && letters < 3)
        {
            i--;
            letters++;
        }

        while (i >= 0 && text[i] == ' ')
        {
            i--;
        }

        return i >= 0 && char.IsAsciiDigit(text[i]);
    }

    // Every word between the house number and the street type must be a name word.
    private static bool IsLowerCaseStreet(ReadOnlySpan<char> value)
    {
        int words = 0;
        foreach (Range range in value.SplitAny(" \t\r\n"))
        {
            ReadOnlySpan<char> word = value[range];
            if (word.IsEmpty)
            {
                continue;
            }

            // The house number first, the street type last.
            if (words++ == 0)
            {
                continue;
            }

            if (NotNameWords.Contains(word.TrimEnd('.')) && range.End.GetOffset(value.Length) != value.Length)
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsStreetFurniture(ReadOnlySpan<char> after)
    {
        after = after.TrimStart(' ');
        int end = 0;
        while (end < after.Length && char.IsAsciiLetter(after[end]))
        {
            end++;
        }

        return end > 0 && FurnitureWords.Contains(after[..end]);
    }

    // Extends an address over a following unit: ", Suite 400", " Apt 5B", " #12".
    private static int WithUnit(ReadOnlySpan<char> text, int end)
    {
        foreach (ValueMatch match in UnitSuffixPattern().EnumerateMatches(text[..Math.Min(text.Length, end + 24)], end))
        {
            return match.Index == end ? end + match.Length : end;
        }

        return end;
    }

    /// <summary>Finds UK postcodes: a digit followed by two letters is where their inward code starts.</summary>
    private static void DetectPostcodes(ReadOnlySpan<char> text, Reported reported)
    {
        int from = 0;
        while (from < text.Length - 2)
        {
            int found = text[from..^2].IndexOfAnyInRange('0', '9');
            if (found < 0)
            {
                return;
            }

            // The inward code is a run of exactly one digit followed by two letters and a word end; readings and dates
            // are runs of several digits, skipped whole.
            int digit = from + found;
            int runEnd = digit + 1;
            while (runEnd < text.Length && char.IsAsciiDigit(text[runEnd]))
            {
                runEnd++;
            }

            from = runEnd;

            // Written without its space ("NE17SZ", "G80EY") the outward code's digits run into the inward digit: the
            // inward code still starts at the run's last digit.
            if (runEnd - digit is 2 or 3 && runEnd + 2 <= text.Length && char.IsAsciiLetter(text[runEnd]) && digit > 0 && char.IsAsciiLetter(text[digit - 1]))
            {
                digit = runEnd - 1;
            }

            if (runEnd != digit + 1 || runEnd + 2 > text.Length || !char.IsAsciiLetter(text[digit + 1]) || !char.IsAsciiLetter(text[digit + 2])
                || (digit + 3 < text.Length && (char.IsLetterOrDigit(text[digit + 3]) || text[digit + 3] is '_' or '-')))
            {
                continue;
            }

            int start = Math.Max(0, digit - 6);
            foreach (ValueMatch match in UkPostcodePattern().EnumerateMatches(text[..(digit + 3)], start))
            {
                if (match.Index + match.Length != digit + 3)
                {
                    continue;
                }

                ReadOnlySpan<char> value = text.Slice(match.Index, match.Length);
                if (IsPostcode(value))
                {
                    reported.Add(match.Index, match.Length, 0.75);
                }
            }
        }
    }

    private static bool IsPostcode(ReadOnlySpan<char> value)
    {
        // One case throughout: "SW1A 2AA" or "sw1a 2aa", never "Sw1a 2Aa" or a mix with units ("T5 4ft").
        bool upper = value.IndexOfAnyInRange('a', 'z') < 0;
        bool lower = value.IndexOfAnyInRange('A', 'Z') < 0;
        if (!upper && !lower)
        {
            return false;
        }

        ReadOnlySpan<char> inward = value[^2..];

        // Units and ordinals in the place of the inward letters: "4 FT", "5 HP", "3 PH", "3rd".
        if (inward.Equals("FT", StringComparison.OrdinalIgnoreCase) || inward.Equals("HP", StringComparison.OrdinalIgnoreCase)
            || inward.Equals("PH", StringComparison.OrdinalIgnoreCase) || inward.Equals("HZ", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (lower && (inward is "st" or "nd" or "rd" or "th"))
        {
            return false;
        }

        // Written lower case a postcode keeps its space; "b12cd" is more likely an identifier. Without its space an
        // upper-case one must at least start with one of the UK's postcode areas, which rules out most part numbers.
        if (!value.Contains(' '))
        {
            int letters = char.IsAsciiLetter(value[1]) ? 2 : 1;
            return upper && s_postcodeAreas.Contains(value[..letters]);
        }

        return true;
    }

    // The 121 postcode areas of the United Kingdom, the Isle of Man and the Channel Islands.
    private static readonly System.Collections.Frozen.FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> s_postcodeAreas =
        System.Collections.Frozen.FrozenSet.ToFrozenSet(
        [
            "AB", "AL", "B", "BA", "BB", "BD", "BF", "BH", "BL", "BN", "BR", "BS", "BT", "BX", "CA", "CB", "CF", "CH", "CM", "CO", "CR",
            "CT", "CV", "CW", "DA", "DD", "DE", "DG", "DH", "DL", "DN", "DT", "DY", "E", "EC", "EH", "EN", "EX", "FK", "FY", "G",
            "GL", "GU", "GY", "HA", "HD", "HG", "HP", "HR", "HS", "HU", "HX", "IG", "IM", "IP", "IV", "JE", "KA", "KT", "KW", "KY",
            "L", "LA", "LD", "LE", "LL", "LN", "LS", "LU", "M", "ME", "MK", "ML", "N", "NE", "NG", "NN", "NP", "NR", "NW", "OL",
            "OX", "PA", "PE", "PH", "PL", "PO", "PR", "RG", "RH", "RM", "S", "SA", "SE", "SG", "SK", "SL", "SM", "SN", "SO", "SP",
            "SR", "SS", "ST", "SW", "SY", "TA", "TD", "TF", "TN", "TQ", "TR", "TS", "TW", "UB", "W", "WA", "WC", "WD", "WF", "WN",
            "WR", "WS", "WV", "YO", "ZE",
        ], StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Finds ZIP+4 codes after a US state (<c>CA 94043-1351</c>); the code alone is reported.</summary>
    private static void DetectZipPlusFour(ReadOnlySpan<char> text, Reported reported)
    {
        int from = 0;
        while (from < text.Length)
        {
            int found = text[from..].IndexOf('-');
            if (found < 0)
            {
                return;
            }

            int dash = from + found;
            from = dash + 1;
            if (dash < 5 || dash + 5 > text.Length || text[(dash - 5)..dash].ContainsAnyExceptInRange('0', '9') || text[(dash + 1)..(dash + 5)].ContainsAnyExceptInRange('0', '9'))
            {
                continue;
            }

            foreach (ValueMatch match in ZipPlusFourPattern().EnumerateMatches(text[..Math.Min(text.Length, dash + 6)], dash - 5))
            {
                if (match.Index == dash - 5)
                {
                    reported.Add(match.Index, match.Length, 0.8);
                }

                break;
            }
        }
    }

    /// <summary>Adds address spans, skipping any that overlaps one this detector already reported for the same text.</summary>
    private readonly struct Reported(ICollection<SensitiveSpan> spans)
    {
        private readonly ICollection<SensitiveSpan> _spans = spans;
        private readonly int _baseline = spans.Count;

        public void Add(int start, int length, double confidence)
        {
            if (_spans is IList<SensitiveSpan> list)
            {
                for (int k = _baseline; k < list.Count; k++)
                {
                    SensitiveSpan other = list[k];
                    if (other.Start < start + length && start < other.Start + other.Length && other.EntityType == EntityTypes.StreetAddress)
                    {
                        return;
                    }
                }
            }

            _spans.Add(new SensitiveSpan(start, length, EntityTypes.StreetAddress, confidence));
        }
    }

    // A house number, one to three words in any case and a street type written in lower case: "12 baker street".
    [GeneratedRegex(
        @"(?<![\w.,-])[1-9]\d{0,4}[A-Za-z]?\s+(?:(?:[A-Za-z][a-z'’-]*|\d{1,3}(?:st|nd|rd|th))\s+){1,3}(?:street|avenue|road|lane|boulevard|parkway|highway|st|rd|ave|blvd|ln)\b\.?",
        RegexOptions.CultureInvariant,
        matchTimeoutMilliseconds: 1000)]
    private static partial Regex LowerCasePattern();

    // Street type as a suffix or a word before the number (Hauptstraße 5, Berliner Straße 12a, Friedrichstr. 12,
    // Keizersgracht 123, Drottninggatan 5), or before the name (Calle Mayor 5, Via Roma 12, Avenida de la Paz, 3).
    [GeneratedRegex(
        @"(?<![\w-])(?:(?:[A-ZÄÖÜÅÆØ][\w'’-]*\s+)?[A-ZÄÖÜÅÆØ][\wäöüßåæø-]*(?:straße|strasse|str\.|gasse|weg|allee|platz|damm|ufer|chaussee|gracht|straat|laan|plein|kade|singel|dijk|steeg|dreef|gatan|vägen|gade|vej|veien)|[A-ZÄÖÜ][\wäöüß'’-]*\s+(?:Straße|Strasse|Str\.|Gasse|Weg|Allee|Platz|Damm|Ufer)|(?:Calle|Avenida|Avda\.|Paseo|Plaza|Carrer|Camino|Ronda|Via|Viale|Piazza|Corso|Largo|Rua|Travessa|Praça)(?:\s+(?:de|del|la|las|los|dels|dei|della|delle|di|do|da|dos|das|d'|l'|y|e))*\s+[A-ZÁÉÍÓÚÑÇÀÈÌÒÙ][\w'’.-]*(?:\s+(?:(?:de|del|la|y|e|di|da|do)\s+)?[A-ZÁÉÍÓÚÑÇÀÈÌÒÙ][\w'’.-]*){0,3},?)\s+(?:n[º°o]\.?\s*)?[1-9]\d{0,3}(?:\s?[a-zA-Z])?(?:\s?[-–]\s?\d{1,4})?(?![\w.,-]\d|\w|-)",
        RegexOptions.CultureInvariant,
        matchTimeoutMilliseconds: 1000)]
    private static partial Regex NumberLastPattern();

    // French: number, street type in lower case, then an article or a capitalised name (12 rue de Rivoli, 5 avenue Foch).
    [GeneratedRegex(
        @"(?<![\w.,-])[1-9]\d{0,3}(?:\s?(?:bis|ter|[A-Za-z]))?,?\s+(?:(?:rue|avenue|av\.|boulevard|bd|quai|allée|impasse)\s+(?:(?:de la|de l'|des|du|de|d'|l'|la|le|les)\s*)?|(?:place|route|square|cours|passage|chemin)\s+(?:de la|de l'|des|du|de|d'|l'|la|le|les)\s*)[A-ZÉÈÀÂÎÔ][\w'’-]*(?:[ -](?:(?:de|du|des|la|le|et)\s+)?[A-ZÉÈÀÂÎÔ][\w'’-]*){0,3}",
        RegexOptions.CultureInvariant,
        matchTimeoutMilliseconds: 1000)]
    private static partial Regex FrenchPattern();

    // A suite or apartment on its own: "Suite 400", "Apt 5B", "Apt. 12", "Apartment 3".
    [GeneratedRegex(
        @"(?<![\w-])(?<!\b[Tt]est\s)(?:Suite|Ste\.?|Apt\.?|Apartment)\s?#?\s?(?:\d{1,5}[A-Za-z]?|[A-Z]\d{0,4})(?![\w.,-]\d|\w)",
        RegexOptions.CultureInvariant,
        matchTimeoutMilliseconds: 1000)]
    private static partial Regex UnitPattern();

    [GeneratedRegex(
        @"\G,?\s*(?:Suite|Ste\.?|Apt\.?|Apartment|Unit|Flat|Floor|Fl\.?|Room|Rm\.?|#|suite|apt\.?|apartment|unit|flat)\s?#?\s?(?:\d{1,5}[A-Za-z]?|[A-Z]\d{0,4})(?![\w.,-]\d|\w)",
        RegexOptions.CultureInvariant,
        matchTimeoutMilliseconds: 1000)]
    private static partial Regex UnitSuffixPattern();

    // UK postcode: outward code (A9, A99, AA9, AA99, A9A, AA9A) and inward code (9AA); the inward letters never use
    // C, I, K, M, O or V, and the first letter is never Q, V or X.
    [GeneratedRegex(
        @"(?<![\w-])(?:[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?|GIR)\s?\d[ABD-HJLNP-UW-Z]{2}(?![\w-])",
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase,
        matchTimeoutMilliseconds: 1000)]
    private static partial Regex UkPostcodePattern();

    // A ZIP+4 code right after a state's abbreviation or name.
    [GeneratedRegex(
        @"(?<=(?<![\w-])(?:A[LKZR]|C[AOT]|D[EC]|FL|GA|HI|I[DLNA]|K[SY]|LA|M[EDAINSOT]|N[EVHJMYCD]|O[HKR]|PA|RI|S[CD]|T[NX]|UT|V[TAI]|W[AVIY]|PR|GU|Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Georgia|Hawaii|Idaho|Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|Massachusetts|Michigan|Minnesota|Mississippi|Missouri|Montana|Nebraska|Nevada|New Hampshire|New Jersey|New Mexico|New York|North Carolina|North Dakota|Ohio|Oklahoma|Oregon|Pennsylvania|Rhode Island|South Carolina|South Dakota|Tennessee|Texas|Utah|Vermont|Virginia|Washington|West Virginia|Wisconsin|Wyoming)\.?,?\s{1,3})\d{5}-\d{4}(?![\w-])",
        RegexOptions.CultureInvariant,
        matchTimeoutMilliseconds: 1000)]
    private static partial Regex ZipPlusFourPattern();
}
