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
    // Suites and apartments are the one form that may hold no digit ("Apt B"), so they keep a search of their own: an
    // ordinal search for three capitalised words costs little.
    private static readonly SearchValues<string> UnitWords = SearchValues.Create(["Suite", "Apt", "Apartment"], StringComparison.Ordinal);

    // The endings of number-last street names (Hauptstraße, Friedrichstr., Keizersgracht, Drottninggatan), kept in step
    // with NumberLastPattern; the word before a house number is compared with them without case.
    private static readonly string[] NumberLastSuffixes =
    [
        "straße", "strasse", "str.", "gasse", "weg", "allee", "platz", "damm", "ufer", "chaussee", "gracht", "straat", "laan",
        "plein", "kade", "singel", "dijk", "steeg", "dreef", "gatan", "vägen", "gade", "vej", "veien",
    ];

    // Street types written before the name (Calle Mayor 5, Via Roma 12); searched for only in the few words before a
    // house number that follows a capitalised word.
    private static readonly SearchValues<string> NumberLastPrefixes = SearchValues.Create(
        ["calle ", "avenida ", "via ", "plaza ", "rua ", "piazza ", "paseo ", "carrer ", "corso ", "viale ", "largo ", "ul. ", "al. ", "ulica ", "aleja ", "os. ", "av. "],
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
    private static readonly string[] NotNameWordList =
    [
        "a", "an", "the", "on", "in", "at", "of", "to", "for", "and", "or", "with", "from", "by", "near", "per", "our", "my",
        "your", "their", "his", "her", "its", "this", "that", "these", "those", "each", "every", "is", "are", "was", "were",
        "be", "has", "have", "had", "no", "not", "more", "less", "than", "into", "onto", "off", "over", "under", "across",
        "along", "down", "up", "via", "main", "floor", "floors", "level", "levels", "unit", "units", "block", "blocks", "room",
        "rooms", "meter", "meters", "metres", "sensor", "sensors", "times", "ways", "hours", "days", "years", "minutes",
        "months", "weeks", "percent", "kw", "kwh", "mw", "mwh", "lanes", "roads", "streets", "avenues", "lane", "road", "street",
        "avenue", "way", "new", "old", "other", "different", "separate", "major", "busy", "one", "two", "three", "four", "five",
        "lamps", "lights", "poles", "buildings", "sites", "houses", "homes", "cars", "trucks", "miles", "km", "blocks", "x",
        "degree", "degrees", "am", "pm",
    ];

    // The same words by length and first letter: the number-first scan looks words up after most house numbers, and a
    // frozen-set lookup without case cost about 30 ns; a comparison with the zero to three words of the same length and
    // first letter costs a few.
    private static readonly string[][] NotNameWordsByLengthAndLetter = BuildNotNameWords();

    private static string[][] BuildNotNameWords()
    {
        int longest = NotNameWordList.Max(word => word.Length);
        string[][] table = new string[(longest + 1) * 26][];
        for (int slot = 0; slot < table.Length; slot++)
        {
            table[slot] = [.. NotNameWordList.Where(word => word.Length * 26 == slot - (slot % 26) && word[0] - 'a' == slot % 26)];
        }

        return table;
    }

    /// <summary>Returns whether a word, compared without case, can never be part of a lower-case street name.</summary>
    private static bool IsNotNameWord(ReadOnlySpan<char> word)
    {
        int letter = (word[0] | 0x20) - 'a';
        int slot = (word.Length * 26) + letter;
        if ((uint)letter >= 26 || (uint)slot >= (uint)NotNameWordsByLengthAndLetter.Length)
        {
            return false;
        }

        foreach (string candidate in NotNameWordsByLengthAndLetter[slot])
        {
            if (word.Equals(candidate, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }



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

    /// <summary>Finds suites and apartments alone ("Suite 400", "Apt 5B"), where a digit is near.</summary>
    private static void DetectUnits(ReadOnlySpan<char> text, NonOverlappingSpans reported)
    {
        int from = 0;
        while (from < text.Length)
        {
            int found = text[from..].IndexOfAny(UnitWords);
            if (found < 0)
            {
                return;
            }

            int hit = from + found;
            from = hit + 1;

            // As in every other form, a digit must be near: "Apt B" alone in a text is more likely a label.
            if (text[Math.Max(0, hit - 80)..Math.Min(text.Length, hit + 80)].ContainsAnyInRange('0', '9'))
            {
                from = Math.Max(from, TryFamily(text, hit, hit, Math.Min(text.Length, hit + 20), Family.Unit, reported));
            }
        }
    }

    /// <summary>Finds number-last streets (Hauptstraße 5, Calle Mayor 5) from the house number in a digit run.</summary>
    private static void DetectNumberLast(ReadOnlySpan<char> text, int start, int end, NonOverlappingSpans reported)
    {
        // The pattern's house number has at most four digits and is not a reading ("5.5", "3,2"). A match that holds such a
        // run elsewhere (inside a name) holds its own house number too, and is found from that.
        if (end - start > 4 || (end + 1 < text.Length && text[end] is '.' or ',' && char.IsAsciiDigit(text[end + 1])))
        {
            return;
        }

        // The pattern puts whitespace or a number sign ("nº5", "no.5") right before the number: a number glued to a word
        // ("EMAIL_12", "v2", "R410a") is none, and most runs in prose and in masked payloads end here.
        if (start == 0 || !(char.IsWhiteSpace(text[start - 1]) || text[start - 1] is 'º' or '°' or 'o' or '.'))
        {
            return;
        }

        // Back over the whitespace, comma and number sign ("Nº 5", "no. 5") between the street name and the number.
        int i = start - 1;
        while (i >= 0 && char.IsWhiteSpace(text[i]))
        {
            i--;
        }

        int sign = i >= 0 && text[i] == '.' ? i - 1 : i;
        if (sign >= 1 && text[sign - 1] == 'n' && text[sign] is 'º' or '°' or 'o' && (sign == 1 || char.IsWhiteSpace(text[sign - 2])))
        {
            i = sign - 2;
            while (i >= 0 && char.IsWhiteSpace(text[i]))
            {
                i--;
            }
        }

        if (i >= 0 && text[i] == ',')
        {
            i--;
        }

        int wordEnd = i + 1;
        while (i >= 0 && (IsRegexWordChar(text[i]) || text[i] is '.' or '-' or '\'' or '’'))
        {
            i--;
        }

        // Every number-last form ends its street name with a capitalised word (Hauptstraße, Calle Mayor) or a suffix.
        int wordStart = i + 1;
        if (wordEnd - wordStart < 2 || !char.IsUpper(text[wordStart]))
        {
            return;
        }

        ReadOnlySpan<char> word = text[wordStart..wordEnd];
        if (!EndsWithNumberLastSuffix(word) && text[Math.Max(0, wordStart - 90)..wordStart].IndexOfAny(NumberLastPrefixes) < 0)
        {
            return;
        }

        TryFamily(text, start, Math.Max(0, wordStart - 90), Math.Min(text.Length, end + 16), Family.NumberLast, reported);
    }

    private static bool EndsWithNumberLastSuffix(ReadOnlySpan<char> word)
    {
        foreach (string suffix in NumberLastSuffixes)
        {
            if (word.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Runs one family's regex over a window; returns where the last reported match ends, or 0.</summary>
    private static int TryFamily(ReadOnlySpan<char> text, int hit, int start, int end, Family family, NonOverlappingSpans reported)
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

            ReadOnlySpan<char> trimmed = word.TrimEnd('.');
            if (!trimmed.IsEmpty && IsNotNameWord(trimmed) && range.End.GetOffset(value.Length) != value.Length)
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
        // Every unit word starts with one of these pairs of letters (Suite, Ste, Apt, Unit, Flat, Floor, Room, Rm) or is
        // '#': most addresses go on with a comma and an ordinary word, ruled out before the regex.
        int j = end < text.Length && text[end] == ',' ? end + 1 : end;
        while (j < text.Length && char.IsWhiteSpace(text[j]))
        {
            j++;
        }

        if (j >= text.Length || (text[j] != '#' && (j + 1 >= text.Length
            || ((text[j] | 0x20), (text[j + 1] | 0x20)) is not (('s', 'u') or ('s', 't') or ('a', 'p') or ('u', 'n') or ('f', 'l') or ('r', 'o') or ('r', 'm')))))
        {
            return end;
        }

        foreach (ValueMatch match in UnitSuffixPattern().EnumerateMatches(text[..Math.Min(text.Length, end + 24)], end))
        {
            return match.Index == end ? end + match.Length : end;
        }

        return end;
    }

    /// <summary>Finds a UK postcode whose inward code (a digit and two letters) starts in a digit run.</summary>
    private static void DetectPostcode(ReadOnlySpan<char> text, int digit, int runEnd, NonOverlappingSpans reported)
    {
        // Written without its space ("NE17SZ", "G80EY") the outward code's digits run into the inward digit: the inward
        // code still starts at the run's last digit. Readings and dates are runs of several digits, ruled out whole.
        if (runEnd - digit is 2 or 3 && runEnd + 2 <= text.Length && char.IsAsciiLetter(text[runEnd]) && digit > 0 && char.IsAsciiLetter(text[digit - 1]))
        {
            digit = runEnd - 1;
        }

        if (runEnd != digit + 1 || runEnd + 2 > text.Length || !char.IsAsciiLetter(text[digit + 1]) || !char.IsAsciiLetter(text[digit + 2])
            || (digit + 3 < text.Length && (char.IsLetterOrDigit(text[digit + 3]) || text[digit + 3] is '_' or '-')))
        {
            return;
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

    /// <summary>Finds a ZIP+4 code after a US state (<c>CA 94043-1351</c>) from its five-digit run; the code alone is reported.</summary>
    private static void DetectZipPlusFour(ReadOnlySpan<char> text, int start, int dash, NonOverlappingSpans reported)
    {
        if (dash + 5 > text.Length || text[dash] != '-' || text[(dash + 1)..(dash + 5)].ContainsAnyExceptInRange('0', '9'))
        {
            return;
        }

        foreach (ValueMatch match in ZipPlusFourPattern().EnumerateMatches(text[..Math.Min(text.Length, dash + 6)], start))
        {
            if (match.Index == start)
            {
                reported.Add(match.Index, match.Length, 0.8);
            }

            break;
        }
    }

    // A house number, one to three words in any case and a street type written in lower case: "12 baker street".
    // Anchored (\G) at the house number, like FrenchPattern.
    [GeneratedRegex(
        @"\G(?<![\w.,-])[1-9]\d{0,4}[A-Za-z]?\s+(?:(?:[A-Za-z][a-z'’-]*|\d{1,3}(?:st|nd|rd|th))\s+){1,3}(?:street|avenue|road|lane|boulevard|parkway|highway|st|rd|ave|blvd|ln)\b\.?",
        RegexOptions.CultureInvariant,
        matchTimeoutMilliseconds: 1000)]
    private static partial Regex LowerCasePattern();

    // Street type as a suffix or a word before the number (Hauptstraße 5, Berliner Straße 12a, Friedrichstr. 12,
    // Keizersgracht 123, Drottninggatan 5), or before the name (Calle Mayor 5, Via Roma 12, Avenida de la Paz, 3).
    [GeneratedRegex(
        @"(?<![\w-])(?:(?:[A-ZÄÖÜÅÆØ][\w'’-]*\s+)?[A-ZÄÖÜÅÆØ][\wäöüßåæø-]*(?:straße|strasse|str\.|gasse|weg|allee|platz|damm|ufer|chaussee|gracht|straat|laan|plein|kade|singel|dijk|steeg|dreef|gatan|vägen|gade|vej|veien)|[A-ZÄÖÜ][\wäöüß'’-]*\s+(?:Straße|Strasse|Str\.|Gasse|Weg|Allee|Platz|Damm|Ufer)|(?:ul\.|(?<!et\s)al\.|ulica|aleja|os\.|Calle|Avenida|Avda\.|Av\.|Paseo|Plaza|Carrer|Camino|Ronda|Via|Viale|Piazza|Corso|Largo|Rua|Travessa|Praça)(?:\s+(?:de|del|la|las|los|dels|dei|della|delle|di|do|da|dos|das|d'|l'|y|e))*\s+[A-ZÁÉÍÓÚÑÇÀÈÌÒÙ][\w'’.-]*(?:\s+(?:(?:de|del|la|y|e|di|da|do)\s+)?[A-ZÁÉÍÓÚÑÇÀÈÌÒÙ][\w'’.-]*){0,3},?)\s+(?:n[º°o]\.?\s*)?[1-9]\d{0,3}(?:\s?[a-zA-Z])?(?:\s?[-–]\s?\d{1,4})?(?:/\d{1,4}[a-zA-Z]?)?(?![\w.,-]\d|\w|-)",
        RegexOptions.CultureInvariant,
        matchTimeoutMilliseconds: 1000)]
    private static partial Regex NumberLastPattern();

    // French: number, street type (in lower case as the French write it, or capitalised as forms and foreign writers do),
    // then an article or a capitalised name (12 rue de Rivoli, 5 avenue Foch, 2 Place de Paris, 8 Rue du Bac).
    [GeneratedRegex(
        @"\G(?<![\w.,-])[1-9]\d{0,3}(?:\s?(?:bis|ter|[A-Za-z]))?,?\s+(?:(?:[Rr]ue|[Aa]venue|[Aa]v\.|[Bb]oulevard|[Bb]d|[Qq]uai|[Aa]llée|[Ii]mpasse)\s+(?:(?:de la|de l'|des|du|de|d'|l'|la|le|les)\s*)?|(?:[Pp]lace|[Rr]oute|[Ss]quare|[Cc]ours|[Pp]assage|[Cc]hemin)\s+(?:de la|de l'|des|du|de|d'|l'|la|le|les)\s*)[A-ZÉÈÀÂÎÔ][\w'’-]*(?:[ -](?:(?:de|du|des|la|le|et)\s+)?[A-ZÉÈÀÂÎÔ][\w'’-]*){0,3}",
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
