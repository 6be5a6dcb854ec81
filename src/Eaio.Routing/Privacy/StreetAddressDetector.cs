using System.Collections.Frozen;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text.RegularExpressions;

namespace Eaio.Routing;

/// <summary>
/// Finds street addresses: a house number, one to four capitalised words (or a numbered street, <c>455 3rd St</c>) and a
/// street type (<c>742 Evergreen Terrace</c>, <c>1600 Pennsylvania Ave NW</c>), with a following suite or apartment;
/// the same in lower case (<c>12 baker street</c>); number-last streets (<c>Hauptstraße 5</c>, <c>Friedrichstr. 12</c>,
/// <c>Keizersgracht 123</c>, <c>Calle Mayor 5</c>, <c>Via Roma 12</c>); French streets (<c>12 rue de Rivoli</c>);
/// suites and apartments alone (<c>Suite 400</c>, <c>Apt 5B</c>); UK postcodes (<c>SW1A 2AA</c>, <c>m1 1ae</c>); and
/// US ZIP+4 codes after a state (<c>CA 94043-1351</c>, the code alone reported).
/// </summary>
/// <remarks>
/// <para>
/// House numbers that start with 0 (<c>000 Main St</c>) are not reported: no street numbers a house 0. Addresses
/// without a street type are not found. Street types that are also everyday words (Run, Walk, Hill, Row, Close) are
/// left out: "5 Ways To Run" is not an address. In lower case every word between the number and the street type must
/// be a name word ("3 apples on the street" is no address), and a street type followed by lighting, lamps and the like is
/// an adjective ("Street lighting"). A year before a capitalised name and street type ("in 2020 Supreme Court") is a
/// known false positive.
/// </para>
/// <para>
/// An address whose street name contains a word that says the address is invented (<c>123 Fake St</c>,
/// <c>1 Example Road</c>, <c>9 Dummy Lane</c>; see <see cref="IsInventedNameWord"/>) is not reported: nobody lives on
/// such a street, and these are the stand-ins of forms and documentation. Stand-ins with an ordinary name
/// (<c>123 Main St</c>) are reported like any address.
/// </para>
/// </remarks>
public sealed partial class StreetAddressDetector : ISensitiveDataDetector
{
    // Why the detector is one pass over digit runs (measured on the 8 KB benchmark prompt, PaymentCardDetector ~2.8 us):
    // the earlier structure ran one vectorised search per family (an ordinal search for 39 street types, two- and
    // three-letter ones included, and three case-insensitive multi-string searches) plus a digit scan for postcodes and a
    // dash scan for ZIP+4, and ran each family's regex over a window around every hit. The short triggers (St, Dr, Pl,
    // " st") stop in ordinary words ("Please", "Status", " still"), so that cost 13.7 us. Every form holds a number
    // (the house number, the postcode's inward digit, the ZIP code), and the number sits at a fixed place in each form,
    // so one scan over digit runs, with a few character checks at each run, finds every candidate: prose has a few
    // hundred digit runs per 8 KB, most ruled out by the character before them (readings, times, dates and IP addresses
    // are runs after ',', '-', ':' or a decimal point). Each regex then runs only from its candidate: the number-first
    // patterns are \G-anchored at the house number, and only when one of the next few words is a street type.

    // The street types of all number-first forms (capitalised, lower-case, French): a word among the first few after a
    // house number that is none of these rules the number-first regexes out.
    private static readonly string[] NumberFirstStreetTypeWords =
    [
        "Street", "Avenue", "Road", "Boulevard", "Lane", "Drive", "Court", "Place", "Terrace", "Way", "Parkway", "Circle",
        "Highway", "Square", "Trail", "Alley", "Plaza", "Crescent", "Mews", "Gardens", "Grove", "Pike",
        "St", "Ave", "Rd", "Blvd", "Ln", "Dr", "Ct", "Pl", "Ter", "Pkwy", "Cir", "Hwy", "Sq", "Trl", "Aly", "Plz", "Cres",
        "rue", "av", "bd", "quai", "allée", "impasse", "chemin", "cours", "route", "passage",
    ];

    // The same words by length: a case-insensitive frozen-set lookup cost about 30 ns, and 71 words of the benchmark's
    // 8 KB passed the two-letter table below; a comparison with the few types of the same length costs far less.
    private static readonly string[][] NumberFirstStreetTypesByLength = [.. Enumerable.Range(0, 10)
        .Select(length => NumberFirstStreetTypeWords.Where(word => word.Length == length).ToArray())];

    // The words after a house number in prose ("24 degrees while saving energy") are many: their first two letters,
    // looked up in a table of bits, rule out most of them before any comparison.
    private static readonly uint[] StreetTypeSecondLetters = BuildSecondLetters();

    private static uint[] BuildSecondLetters()
    {
        uint[] table = new uint[26];
        foreach (string word in NumberFirstStreetTypeWords)
        {
            table[char.ToLowerInvariant(word[0]) - 'a'] |= 1u << (char.ToLowerInvariant(word[1]) - 'a');
        }

        return table;
    }

    private static bool IsNumberFirstStreetType(ReadOnlySpan<char> word)
    {
        int first = (word[0] | 0x20) - 'a';
        int second = (word[1] | 0x20) - 'a';
        return (uint)first < 26 && (uint)second < 26 && (StreetTypeSecondLetters[first] & (1u << second)) != 0
            && word.Length < NumberFirstStreetTypesByLength.Length && IsOneOf(word, NumberFirstStreetTypesByLength[word.Length]);
    }

    private static bool IsOneOf(ReadOnlySpan<char> word, string[] types)
    {
        foreach (string type in types)
        {
            if (((type[0] ^ word[0]) | 0x20) == 0x20 && word.Equals(type, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <inheritdoc />
    public void Detect(ReadOnlySpan<char> text, ICollection<SensitiveSpan> spans)
    {
        ArgumentNullException.ThrowIfNull(spans);
        int baseline = spans.Count;
        NonOverlappingSpans reported = new(spans, EntityTypes.StreetAddress);
        int numberFirstUpTo = 0;
        int i = 0;

        // A call of IndexOfAnyInRange per digit run cost about 17 ns a run (266 runs in the benchmark's 8 KB); one vector
        // pass marks the starts of the runs that can hold a number of some form, 16 characters at a time.
        if (Vector256.IsHardwareAccelerated && text.Length >= Vector256<ushort>.Count + 2)
        {
            ref ushort chars = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(text));
            for (; i < 2; i++)
            {
                if (IsRunStart(text, i))
                {
                    numberFirstUpTo = AtRun(text, i, numberFirstUpTo, reported);
                }
            }

            for (; i <= text.Length - Vector256<ushort>.Count; i += Vector256<ushort>.Count)
            {
                // A block without a digit starts no run: prose passes on one compare a block.
                Vector256<ushort> current = Vector256.LoadUnsafe(ref chars, (nuint)i);
                if (AsciiVectors.IsDigit(current) == Vector256<ushort>.Zero)
                {
                    continue;
                }

                uint bits = RunStarts(current, Vector256.LoadUnsafe(ref chars, (nuint)(i - 1)), Vector256.LoadUnsafe(ref chars, (nuint)(i - 2)))
                    .ExtractMostSignificantBits();
                while (bits != 0)
                {
                    numberFirstUpTo = AtRun(text, i + BitOperations.TrailingZeroCount(bits), numberFirstUpTo, reported);
                    bits &= bits - 1;
                }
            }
        }

        for (; i < text.Length; i++)
        {
            if (IsRunStart(text, i))
            {
                numberFirstUpTo = AtRun(text, i, numberFirstUpTo, reported);
            }
        }

        DetectUnits(text, reported);

        // The city and postcode after each street reported (Cape Town 8001, 20121 Milano).
        if (spans is IList<SensitiveSpan> list)
        {
            int count = list.Count;
            for (int k = baseline; k < count; k++)
            {
                if (list[k].EntityType == EntityTypes.StreetAddress && list[k].Confidence >= 0.8)
                {
                    DetectPostalAfterStreet(text, list[k].End, reported);
                }
            }
        }
    }

    // A digit after a non-digit that is not ',', '-', ':', '_' or a decimal point. No form has its number after those:
    // such runs are the later parts of readings, times, dates, ranges, IP addresses and identifiers (and of this
    // library's placeholders, EMAIL_1, of which a masked payload has one per value), most runs of technical prose. The
    // one exception is a dash after a capital letter, as a country's letters stand before a postcode (CH-8001, D-10115).
    private static Vector256<ushort> RunStarts(Vector256<ushort> current, Vector256<ushort> previous, Vector256<ushort> beforePrevious)
    {
        Vector256<ushort> previousDigit = AsciiVectors.IsDigit(previous);
        Vector256<ushort> capitalBefore = Vector256.LessThanOrEqual(beforePrevious - Vector256.Create((ushort)'A'), Vector256.Create((ushort)25));
        Vector256<ushort> excluded = previousDigit
            | Vector256.Equals(previous, Vector256.Create((ushort)','))
            | Vector256.AndNot(Vector256.Equals(previous, Vector256.Create((ushort)'-')), capitalBefore)
            | Vector256.Equals(previous, Vector256.Create((ushort)':'))
            | Vector256.Equals(previous, Vector256.Create((ushort)'_'))
            | (Vector256.Equals(previous, Vector256.Create((ushort)'.')) & AsciiVectors.IsDigit(beforePrevious));
        return Vector256.AndNot(AsciiVectors.IsDigit(current), excluded);
    }

    private static bool IsRunStart(ReadOnlySpan<char> text, int i)
    {
        if (!char.IsAsciiDigit(text[i]))
        {
            return false;
        }

        char before = i == 0 ? ' ' : text[i - 1];
        return !char.IsAsciiDigit(before) && before is not (',' or ':' or '_') && (before != '-' || (i >= 2 && char.IsAsciiLetterUpper(text[i - 2])))
            && (before != '.' || i < 2 || !char.IsAsciiDigit(text[i - 2]));
    }

    /// <summary>Tries every form whose number can start at a digit run; returns how far number-first matches reach.</summary>
    private static int AtRun(ReadOnlySpan<char> text, int start, int numberFirstUpTo, NonOverlappingSpans reported)
    {
        int end = start + 1;
        while (end < text.Length && char.IsAsciiDigit(text[end]))
        {
            end++;
        }

        if (DetectWorldForms(text, start, end, reported) || (start > 0 && text[start - 1] == '-'))
        {
            // A run after a dash is read only for a country's postcode letters (CH-8001).
            return numberFirstUpTo;
        }

        DetectPostcode(text, start, end, reported);
        DetectPostcodeAfterHouseNumber(text, start, end, reported);
        if (end - start == 1)
        {
            DetectCanadianPostcode(text, start, reported);
        }

        if (end - start <= 2)
        {
            DetectJapaneseBlock(text, start, end, reported);
        }

        if (end - start == 5)
        {
            DetectZipPlusFour(text, start, end, reported);
        }

        if (text[start] == '0')
        {
            return numberFirstUpTo;
        }

        char before = start == 0 ? ' ' : text[start - 1];
        if (start >= numberFirstUpTo && before != '.' && !IsRegexWordChar(before))
        {
            StreetTypeCase found = NumberFirstCandidate(text, start, end);
            if (found != StreetTypeCase.None)
            {
                numberFirstUpTo = DetectNumberFirst(text, start, found, reported);
            }
        }

        DetectNumberLast(text, start, end, reported);
        return numberFirstUpTo;
    }

    [Flags]
    private enum StreetTypeCase
    {
        None = 0,
        Capitalised = 1,
        LowerCase = 2,
        French = 4,
    }

    // A house number followed, within the words a number-first form allows (a direction, four name words), by a street
    // type. Only a superset of the regexes' matches is needed here; the regexes decide. Which regexes can match follows
    // from the case of the type: the capitalised form's types are capitalised, the lower-case and French ones are not.
    // Most numbers in prose are followed by words no form allows ("24 degrees while saving", "10.20.30.41 and the"), so
    // each form is given up at the first word it cannot hold, and the scan stops once no form is left: a lower-case word
    // rules out the capitalised form, a word the lower-case form rejects (a common word, a unit written "kWh") or a fifth
    // word rules out the lower-case form, and the French type must be among the first two words.
    private static StreetTypeCase NumberFirstCandidate(ReadOnlySpan<char> text, int start, int end)
    {
        // The house number ([1-9]\d{0,5}) with its letter or "bis" ("12A", "12bis"), range ("12-14") or comma ("12, rue")
        // ends at whitespace; readings, dates and addresses of hosts ("1.5", "2024-03-01", "10.20.30.41") do not.
        if (end - start > 6)
        {
            return StreetTypeCase.None;
        }

        int i = end;
        for (int letterCount = 0; i < text.Length && char.IsAsciiLetter(text[i]) && letterCount < 3; letterCount++)
        {
            i++;
        }

        if (i + 1 < text.Length && text[i] == '-' && char.IsAsciiDigit(text[i + 1]))
        {
            i++;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }
        }

        if (i < text.Length && text[i] == ',')
        {
            i++;
        }

        if (i >= text.Length || !char.IsWhiteSpace(text[i]))
        {
            return StreetTypeCase.None;
        }

        StreetTypeCase found = StreetTypeCase.None;
        StreetTypeCase possible = StreetTypeCase.Capitalised | StreetTypeCase.LowerCase | StreetTypeCase.French;
        for (int word = 1; word <= 6 && i < text.Length; word++)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            int wordStart = i;
            while (i < text.Length && char.IsLetter(text[i]))
            {
                i++;
            }

            // A name word starts with a letter, an ordinal (5th: \d{1,3} and st, nd, rd or th) with a digit; anything else
            // ends every form.
            if (i == wordStart)
            {
                while (i < text.Length && char.IsAsciiDigit(text[i]))
                {
                    i++;
                }

                if (i == wordStart || i - wordStart > 3 || i + 1 >= text.Length || !char.IsAsciiLetterLower(text[i]))
                {
                    break;
                }
            }

            ReadOnlySpan<char> letters = char.IsAsciiDigit(text[wordStart]) ? [] : text[wordStart..i];
            if (letters.Length >= 2 && IsNumberFirstStreetType(letters))
            {
                found |= possible & (char.IsUpper(letters[0]) ? StreetTypeCase.Capitalised | (word == 1 ? StreetTypeCase.French : StreetTypeCase.None)
                    : word <= 2 ? StreetTypeCase.LowerCase | StreetTypeCase.French : StreetTypeCase.LowerCase);
            }

            // Which forms can still hold this word as a name word (an ordinal suits every form). The capitalised form's
            // name words and direction start with A-Z; the lower-case form's are [A-Za-z][a-z'’-]* and none of the words
            // IsLowerCaseStreet rejects; and it has at most three of them before its type.
            if (!letters.IsEmpty)
            {
                if (!char.IsAsciiLetterUpper(letters[0]))
                {
                    possible &= ~StreetTypeCase.Capitalised;
                }

                // IsLowerCaseStreet looks up the whole word less its trailing dots; a word going on with '-' or '\'' is
                // another word ("on-site").
                if (word >= 4 || !char.IsAsciiLetter(letters[0]) || letters[1..].ContainsAnyExceptInRange('a', 'z')
                    || ((i == text.Length || text[i] == '.' || char.IsWhiteSpace(text[i])) && IsNotNameWord(letters)))
                {
                    possible &= ~StreetTypeCase.LowerCase;
                }
            }
            else if (word >= 4)
            {
                possible &= ~StreetTypeCase.LowerCase;
            }

            if (word >= 2)
            {
                possible &= ~StreetTypeCase.French;
            }

                if (possible == StreetTypeCase.None)
            {
                break;
            }

            // A word with other characters (a comma, a bracket) can only end a match; a dot ("degrees.") ends the lower-case
            // form's name words.
            bool plain = true;
            while (i < text.Length && !char.IsWhiteSpace(text[i]))
            {
                char c = text[i++];
                plain &= char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '\'' or '’' or '_' || c > 0x7F;
                if (c == '.')
                {
                    possible &= ~StreetTypeCase.LowerCase;
                }
            }

            if (possible == StreetTypeCase.None)
            {
                break;
            }

            if (!plain)
            {
                break;
            }
        }

        return found;
    }

    /// <summary>Runs the number-first patterns from a house number; returns where a match ends, or 0.</summary>
    private static int DetectNumberFirst(ReadOnlySpan<char> text, int start, StreetTypeCase found, NonOverlappingSpans reported)
    {
        int matchedUpTo = 0;
        if ((found & StreetTypeCase.Capitalised) != 0)
        {
            int length = MatchCapitalised(text, start);
            if (length < 0)
            {
                length = 0;
                foreach (ValueMatch match in AddressPattern().EnumerateMatches(text, start))
                {
                    length = match.Length;
                    break;
                }
            }

            if (length > 0)
            {
                int end = start + length;
                matchedUpTo = end;
                if (!NamesInventedStreet(text.Slice(start, length)) && !IsStreetFurniture(text[end..]))
                {
                    reported.Add(start, WithUnit(text, end) - start, 0.8);
                }
            }
        }

        if ((found & StreetTypeCase.LowerCase) != 0)
        {
            matchedUpTo = Math.Max(matchedUpTo, TryFamily(text, start, start, text.Length, Family.LowerCase, reported));
        }

        return (found & StreetTypeCase.French) != 0 ? Math.Max(matchedUpTo, TryFamily(text, start, start, text.Length, Family.French, reported)) : matchedUpTo;
    }

    // AddressPattern at a house number the scan found (its lookbehind already checked), by hand: the regex cost about
    // 250 ns an address, most of the detector's time on the benchmark prompt. Returns the match's length, 0 for none, or
    // -1 when a word holds a character beyond ASCII (the regex then decides what \w and \b make of it). The regex takes
    // the direction if it can, then as many name words (at most four) as leave a street type after them.
    private static int MatchCapitalised(ReadOnlySpan<char> text, int start)
    {
        // [1-9]\d{0,5}[A-Za-z]?(?:-\d{1,5})?\s+
        int i = start;
        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            i++;
        }

        if (i - start > 6 || text[start] == '0')
        {
            return 0;
        }

        if (i < text.Length && char.IsAsciiLetter(text[i]))
        {
            i++;
        }

        if (i < text.Length && text[i] == '-')
        {
            int digits = ++i;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }

            if (i - digits is < 1 or > 5)
            {
                return 0;
            }
        }

        if (i >= text.Length || !char.IsWhiteSpace(text[i]))
        {
            return 0;
        }

        // The next six words, whitespace-delimited, up to the first that is no name word.
        Span<int> wordStarts = stackalloc int[6];
        Span<int> wordEnds = stackalloc int[6];
        int words = 0;
        while (words < 6)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            if (i >= text.Length)
            {
                break;
            }

            wordStarts[words] = i;
            while (i < text.Length && !char.IsWhiteSpace(text[i]))
            {
                if (text[i] > 0x7F && text[i] != '’')
                {
                    return -1;
                }

                i++;
            }

            wordEnds[words++] = i;

            // No name word runs past a word that is none: it is the last place a street type can be.
            if (!IsCapitalisedNameWord(text[wordStarts[words - 1]..i]))
            {
                break;
            }
        }

        if (words > 0 && IsDirection(text[wordStarts[0]..wordEnds[0]]))
        {
            int withDirection = MatchNamesAndType(text, wordStarts[1..words], wordEnds[1..words]);
            if (withDirection > 0)
            {
                return withDirection - start;
            }
        }

        int end = MatchNamesAndType(text, wordStarts[..words], wordEnds[..words]);
        return end > 0 ? end - start : 0;
    }

    private static bool IsDirection(ReadOnlySpan<char> word)
    {
        if (word.EndsWith('.'))
        {
            word = word[..^1];
        }

        return word is "N" or "S" or "E" or "W" or "North" or "South" or "East" or "West";
    }

    // (?:(?:[A-Z][\w'’.-]*|\d{1,3}(?:st|nd|rd|th))\s+){1,4} and a street type, then a direction; returns where the match
    // ends, or 0.
    private static int MatchNamesAndType(ReadOnlySpan<char> text, ReadOnlySpan<int> wordStarts, ReadOnlySpan<int> wordEnds)
    {
        int names = 0;
        while (names < 4 && names < wordStarts.Length - 1 && IsCapitalisedNameWord(text[wordStarts[names]..wordEnds[names]]))
        {
            names++;
        }

        for (int k = names; k >= 1; k--)
        {
            int typeEnd = StreetTypeEnd(text, wordStarts[k], wordEnds[k]);
            if (typeEnd > 0)
            {
                // (?:\s+(?:NW|NE|SW|SE|N|S|E|W)\b)?
                int q = typeEnd;
                while (q < text.Length && char.IsWhiteSpace(text[q]))
                {
                    q++;
                }

                if (q > typeEnd && q < text.Length)
                {
                    if (q + 1 < text.Length && text[q] is 'N' or 'S' && text[q + 1] is 'W' or 'E' && IsBoundary(text, q + 2))
                    {
                        return q + 2;
                    }

                    if (text[q] is 'N' or 'S' or 'E' or 'W' && IsBoundary(text, q + 1))
                    {
                        return q + 1;
                    }
                }

                return typeEnd;
            }
        }

        return 0;
    }

    private static bool IsBoundary(ReadOnlySpan<char> text, int at) => at >= text.Length || !IsRegexWordChar(text[at]);

    private static bool IsCapitalisedNameWord(ReadOnlySpan<char> word)
    {
        if (char.IsAsciiLetterUpper(word[0]))
        {
            foreach (char c in word[1..])
            {
                if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '\'' or '’' or '.' or '-'))
                {
                    return false;
                }
            }

            return true;
        }

        int digits = 0;
        while (digits < word.Length && char.IsAsciiDigit(word[digits]))
        {
            digits++;
        }

        return digits is >= 1 and <= 3 && word[digits..] is "st" or "nd" or "rd" or "th";
    }

    private static readonly string[] LongStreetTypes =
    [
        "Street", "Avenue", "Road", "Boulevard", "Lane", "Drive", "Court", "Place", "Terrace", "Way", "Parkway", "Circle",
        "Highway", "Square", "Trail", "Alley", "Plaza", "Crescent", "Mews", "Gardens", "Grove", "Pike",
    ];

    private static readonly string[] ShortStreetTypes =
    [
        "St", "Ave", "Rd", "Blvd", "Ln", "Dr", "Ct", "Pl", "Ter", "Pkwy", "Cir", "Hwy", "Sq", "Trl", "Aly", "Plz", "Cres",
    ];

    // Where a street type at the start of a word ends (a long one at a word boundary, a short one with its dot), or 0.
    private static int StreetTypeEnd(ReadOnlySpan<char> text, int wordStart, int wordEnd)
    {
        ReadOnlySpan<char> word = text[wordStart..wordEnd];
        // Most words are ruled out by their first letter, before any comparison.
        char first = word[0];
        foreach (string type in LongStreetTypes)
        {
            if (type[0] == first && word.StartsWith(type, StringComparison.Ordinal) && IsBoundary(text, wordStart + type.Length))
            {
                return wordStart + type.Length;
            }
        }

        foreach (string type in ShortStreetTypes)
        {
            if (type[0] == first && word.StartsWith(type, StringComparison.Ordinal) && IsBoundary(text, wordStart + type.Length))
            {
                int end = wordStart + type.Length;
                return end < text.Length && text[end] == '.' ? end + 1 : end;
            }
        }

        return 0;
    }

    /// <summary>Returns whether a word says that the street it names is invented.</summary>
    /// <param name="word">One word of a street name, as written.</param>
    /// <returns><see langword="true"/> for Fake, Example, Dummy, Placeholder, Fictional, Fictitious, Imaginary and Nonexistent.</returns>
    /// <remarks>
    /// Only words that state the address is not real are listed. Words that are also real street names (Sample Road,
    /// Test Lane, Demo Street exist) and ordinary stand-ins (Main, Elm) are not: a real address must never be let through.
    /// </remarks>
    public static bool IsInventedNameWord(ReadOnlySpan<char> word) =>
        word.Equals("Fake", StringComparison.OrdinalIgnoreCase)
        || word.Equals("Example", StringComparison.OrdinalIgnoreCase)
        || word.Equals("Dummy", StringComparison.OrdinalIgnoreCase)
        || word.Equals("Placeholder", StringComparison.OrdinalIgnoreCase)
        || word.Equals("Fictional", StringComparison.OrdinalIgnoreCase)
        || word.Equals("Fictitious", StringComparison.OrdinalIgnoreCase)
        || word.Equals("Imaginary", StringComparison.OrdinalIgnoreCase)
        || word.Equals("Nonexistent", StringComparison.OrdinalIgnoreCase);

    // What \w matches in .NET regular expressions.
    private static bool IsRegexWordChar(char c) =>
        c < 0x80 ? char.IsAsciiLetterOrDigit(c) || c == '_' : char.IsLetterOrDigit(c) || c == '_' || char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.NonSpacingMark
            or System.Globalization.UnicodeCategory.SpacingCombiningMark or System.Globalization.UnicodeCategory.ConnectorPunctuation;

    private static bool NamesInventedStreet(ReadOnlySpan<char> address)
    {
        // The words split at spaces, tabs, line breaks and no-break spaces, by hand: SplitAny cost about 40 ns an address.
        int wordStart = 0;
        for (int i = 0; i <= address.Length; i++)
        {
            if (i < address.Length && address[i] is not (' ' or '\t' or '\r' or '\n' or '\u00A0'))
            {
                continue;
            }

            // Every invented-name word starts with one of these letters; most words are ruled out without a comparison.
            ReadOnlySpan<char> word = address[wordStart..i];
            if (word.Length >= 4 && (word[0] | 0x20) is 'f' or 'e' or 'd' or 'p' or 'i' or 'n' && IsInventedNameWord(word))
            {
                return true;
            }

            wordStart = i + 1;
        }

        return false;
    }

    // Anchored (\G) at the house number the scan found. Only an abbreviated street type takes a trailing dot ("St.");
    // after "Lane" a dot ends the sentence.
    [GeneratedRegex(
        @"\G(?<![\w.,-])[1-9]\d{0,5}[A-Za-z]?(?:-\d{1,5})?\s+(?:(?:[NSEW]|North|South|East|West)\.?\s+)?(?:(?:[A-Z][\w'’.-]*|\d{1,3}(?:st|nd|rd|th))\s+){1,4}(?:(?:Street|Avenue|Road|Boulevard|Lane|Drive|Court|Place|Terrace|Way|Parkway|Circle|Highway|Square|Trail|Alley|Plaza|Crescent|Mews|Gardens|Grove|Pike)\b|(?:St|Ave|Rd|Blvd|Ln|Dr|Ct|Pl|Ter|Pkwy|Cir|Hwy|Sq|Trl|Aly|Plz|Cres)\b\.?)(?:\s+(?:NW|NE|SW|SE|N|S|E|W)\b)?",
        RegexOptions.CultureInvariant,
        matchTimeoutMilliseconds: 1000)]
    private static partial Regex AddressPattern();
}
