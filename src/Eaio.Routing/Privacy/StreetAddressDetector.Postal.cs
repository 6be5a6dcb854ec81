using System.Text.RegularExpressions;

namespace Eaio.Routing;

/// <content>
/// Postal codes of the countries whose codes are plain numbers, found by where they stand in an address rather than by
/// their shape alone: after a street and its house number (<c>Via Roma 12, 20121 Milano</c>, <c>ul. Prosta 7/2, 00-950
/// Warszawa</c>, <c>Keizersgracht 1, 1015 CJ Amsterdam</c>), or after a street address's city (<c>12 Long Street, Cape
/// Town 8001</c>); Canadian postal codes (<c>K1A 0B1</c>), whose letter-digit shape is their own; and Japanese block
/// addresses (<c>1-2-3 Nishishinjuku, Shinjuku-ku</c>).
/// </content>
public sealed partial class StreetAddressDetector
{
    // Two letters after a four-digit number that are units or acronyms rather than a Dutch postcode's letters.
    private static readonly string[] NotDutchPostcodeLetters =
    [
        "MW", "KW", "GW", "TW", "KV", "MV", "HP", "PV", "AC", "DC", "UK", "US", "EU", "SA", "SD", "SS", "CO", "PM", "AM",
        "KM", "CM", "MM", "GB", "MB", "TB", "KB", "HZ", "QA", "IT", "OK", "NO",
    ];

    /// <summary>
    /// At a digit run right after ", " that follows a house number: a postcode and its city (<c>20121 Milano</c>,
    /// <c>00-950 Warszawa</c>, <c>1015 CJ Amsterdam</c>, <c>8001 Cape Town</c>), and the street before the comma.
    /// </summary>
    private static void DetectPostcodeAfterHouseNumber(ReadOnlySpan<char> text, int start, int end, NonOverlappingSpans reported)
    {
        if (start < 4 || text[start - 1] != ' ' || text[start - 2] != ',' || !char.IsAsciiDigit(text[start - 3]))
        {
            return;
        }

        int codeEnd = PostcodeEnd(text, start, end);
        if (codeEnd < 0)
        {
            return;
        }

        int cityEnd = CityEnd(text, codeEnd);
        if (cityEnd < 0)
        {
            return;
        }

        int streetStart = StreetBefore(text, start - 2);
        if (streetStart < 0)
        {
            return;
        }

        reported.Add(streetStart, start - 2 - streetStart, 0.75);
        reported.Add(start, cityEnd - start, 0.75);
    }

    // 12345, 1234, 1234 AB, 12-345, 123-4567, 123 45 (Sweden, Czechia, Slovakia, Greece), 1234-567 (Portugal),
    // 12345-678 (Brazil): where the code ends, or -1.
    private static int PostcodeEnd(ReadOnlySpan<char> text, int start, int end)
    {
        int digits = end - start;
        if (digits == 3 && end + 3 <= text.Length && text[end] == ' ' && IsDigits(text.Slice(end + 1, 2)) && (end + 3 == text.Length || !char.IsAsciiDigit(text[end + 3])))
        {
            return end + 3;
        }

        if (digits is 4 or 5 && end + 4 <= text.Length && text[end] == '-' && IsDigits(text.Slice(end + 1, 3)) && (end + 4 == text.Length || !char.IsAsciiDigit(text[end + 4])))
        {
            return end + 4;
        }

        if (digits == 2 && end + 4 <= text.Length && text[end] == '-' && IsDigits(text.Slice(end + 1, 3)) && !(end + 4 < text.Length && char.IsAsciiDigit(text[end + 4])))
        {
            return end + 4;
        }

        if (digits == 3 && end + 5 <= text.Length && text[end] == '-' && IsDigits(text.Slice(end + 1, 4)) && !(end + 5 < text.Length && char.IsAsciiDigit(text[end + 5])))
        {
            return end + 5;
        }

        if (digits == 4 && end + 3 < text.Length && text[end] == ' ' && char.IsAsciiLetterUpper(text[end + 1]) && char.IsAsciiLetterUpper(text[end + 2])
            && !char.IsLetterOrDigit(text[end + 3]) && Array.IndexOf(NotDutchPostcodeLetters, text.Slice(end + 1, 2).ToString()) < 0)
        {
            return end + 3;
        }

        // A year is no postcode ("Table 2, 2023 Annual Report").
        if (digits == 4 && text[start] is '1' or '2' && text[start + 1] is '9' or '0' && (text[start] == '1') == (text[start + 1] == '9'))
        {
            return -1;
        }

        return digits is 4 or 5 && end < text.Length && !char.IsLetterOrDigit(text[end]) && text[end] is not ('.' or ',' or '-' or ':' or '/') ? end : -1;
    }

    // One to three capitalised words after a postcode: "Milano", "Cape Town", "Den Haag"; where they end, or -1.
    private static int CityEnd(ReadOnlySpan<char> text, int codeEnd)
    {
        int i = codeEnd;
        int words = 0;
        int end = -1;
        while (words < 3 && i + 1 < text.Length && text[i] is ' ' or '-' && char.IsUpper(text[i + 1]))
        {
            int j = i + 1;
            while (j < text.Length && (char.IsLetter(text[j]) || text[j] is '\'' or '’'))
            {
                j++;
            }

            // A city's name has lower-case letters; "1500 MW" is a unit.
            if (j - i - 1 < 2 || (j < text.Length && char.IsAsciiDigit(text[j])) || (words == 0 && !text[(i + 2)..j].ContainsAnyInRange('a', 'z')
                && !text[(i + 2)..j].ContainsAnyExceptInRange('A', 'Z')))
            {
                break;
            }

            end = j;
            i = j;
            words++;
        }

        return end;
    }

    // The street before ", <postcode>": a house number (12, 12a, 71/28, 5-7) after one to four words of which the last
    // is capitalised ("Schiedamse Vest 32", "ul. Prosta 71/28", "Via Carlo Farini 99"); where it starts, or -1.
    private static int StreetBefore(ReadOnlySpan<char> text, int comma)
    {
        int i = comma;
        while (i > 0 && (char.IsAsciiLetterLower(text[i - 1]) || text[i - 1] is '/' or '-') && i > comma - 6)
        {
            i--;
        }

        int digitsEnd = i;
        while (i > 0 && (char.IsAsciiDigit(text[i - 1]) || text[i - 1] is '/' or '-'))
        {
            i--;
        }

        if (i == digitsEnd || digitsEnd - i > 9 || i < 2 || text[i - 1] != ' ' || !char.IsAsciiDigit(text[i]) || text[i] == '0')
        {
            return -1;
        }

        int start = -1;
        int j = i - 1;
        bool typeOnly = false; // the word before the number is a type written after a name ("gate", "náměstí")
        bool named = false;
        for (int words = 0; words < 4 && j > 0; words++)
        {
            int wordEnd = j;
            while (j > 0 && (char.IsLetter(text[j - 1]) || text[j - 1] is '.' or '\'' or '’' or '-'))
            {
                j--;
            }

            if (j == wordEnd)
            {
                break;
            }

            bool capitalised = char.IsUpper(text[j]) && !(words == 0 && IsNumberedThing(text[j..wordEnd]));
            bool typeAfterName = words == 0 && !capitalised && IsStreetTypeAfterName(text[j..wordEnd]);
            bool streetWord = capitalised || typeAfterName || (wordEnd - j <= 7 && words > 0 && IsStreetPrefixWord(text[j..wordEnd]));
            if (!streetWord && words == 0)
            {
                return -1;
            }

            typeOnly |= typeAfterName;
            named |= capitalised;

            if (!streetWord)
            {
                break;
            }

            start = j;
            if (j == 0 || text[j - 1] != ' ')
            {
                break;
            }

            j--;
        }

        // "Karl Johans gate 22", "Václavské náměstí 1": a type needs the name before it.
        return typeOnly && !named ? -1 : start;
    }

    // "Figure 3, 20132 …", "Room 12, 1015 …": numbered things that are no streets.
    private static bool IsNumberedThing(ReadOnlySpan<char> word) =>
        word is "Figure" or "Fig." or "Table" or "Section" or "Page" or "Chapter" or "Step" or "Phase" or "Level" or "Floor"
            or "Room" or "Building" or "Unit" or "Block" or "Zone" or "Meter" or "Version" or "Rev." or "Line" or "Item" or "Note"
            or "Suite" or "Apt" or "Tower" or "Hall" or "Gate" or "Door" or "Bay" or "Row" or "No." or "Nr." or "Annex" or "Appendix";

    private static bool IsStreetPrefixWord(ReadOnlySpan<char> word) =>
        word is "ul." or "al." or "os." or "pl." or "ulica" or "aleja" or "via" or "viale" or "piazza" or "corso" or "rue"
            or "calle" or "avenida" or "rua" or "de" or "del" or "della" or "di" or "van" or "der" or "den";

    // Street types written in lower case after the street's name: Norwegian and Danish, Swedish, Czech and Slovak,
    // Hungarian, Slovenian and Croatian.
    private static bool IsStreetTypeAfterName(ReadOnlySpan<char> word) =>
        word is "gate" or "gata" or "gatan" or "vei" or "veien" or "vej" or "vejen" or "vägen" or "väg" or "allé" or "plass"
            or "torg" or "torget" or "náměstí" or "nám." or "třída" or "ulice" or "námestie" or "utca" or "út" or "tér" or "cesta" or "ulica";

    private static bool IsDigits(ReadOnlySpan<char> value) => !value.ContainsAnyExceptInRange('0', '9');

    /// <summary>A Canadian postal code (<c>K1A 0B1</c>) whose first digit is the run at <paramref name="start"/>.</summary>
    private static void DetectCanadianPostcode(ReadOnlySpan<char> text, int start, NonOverlappingSpans reported)
    {
        // Letter digit letter, a space, digit letter digit; the letters D, F, I, O, Q and U are never used, W and Z never
        // first. One case throughout, and the space, which part numbers ("A1B2C3") do not have.
        if (start < 1 || start + 6 > text.Length || text[start + 2] != ' ')
        {
            return;
        }

        int s = start - 1;
        if ((s > 0 && (char.IsLetterOrDigit(text[s - 1]) || text[s - 1] is '_' or '-'))
            || (start + 6 < text.Length && (char.IsLetterOrDigit(text[start + 6]) || text[start + 6] is '_' or '-')))
        {
            return;
        }

        if ("ABCEGHJKLMNPRSTVXY".Contains(text[s]) && IsCanadianLetter(text[start + 1]) && char.IsAsciiDigit(text[start + 3])
            && IsCanadianLetter(text[start + 4]) && char.IsAsciiDigit(text[start + 5]))
        {
            reported.Add(s, 7, 0.75);
        }
    }

    private static bool IsCanadianLetter(char c) => char.IsAsciiLetterUpper(c) && c is not ('D' or 'F' or 'I' or 'O' or 'Q' or 'U');

    /// <summary>
    /// After a street address: its city and a postcode that follows the city (<c>Cape Town 8001</c>, <c>Springfield, IL
    /// 62704</c>, <c>Osaka 530-0001</c>) or a postcode and its city (<c>, 20121 Milano</c>).
    /// </summary>
    private static void DetectPostalAfterStreet(ReadOnlySpan<char> text, int end, NonOverlappingSpans reported)
    {
        foreach (ValueMatch match in CityPostcodePattern().EnumerateMatches(text[..Math.Min(text.Length, end + 60)], end))
        {
            if (match.Index == end)
            {
                reported.Add(end + LeadingSeparators(text, end), match.Length - LeadingSeparators(text, end), 0.75);
            }

            break;
        }
    }

    private static int LeadingSeparators(ReadOnlySpan<char> text, int at)
    {
        int i = at;
        while (i < text.Length && text[i] is ',' or ' ')
        {
            i++;
        }

        return i - at;
    }

    /// <summary>A Japanese block address: chome-block-house and the district (<c>1-2-3 Nishishinjuku</c>).</summary>
    private static void DetectJapaneseBlock(ReadOnlySpan<char> text, int start, int end, NonOverlappingSpans reported)
    {
        if (end - start > 2 || end + 6 > text.Length || text[end] != '-')
        {
            return;
        }

        foreach (ValueMatch match in JapaneseBlockPattern().EnumerateMatches(text[..Math.Min(text.Length, end + 48)], start))
        {
            if (match.Index != start)
            {
                break;
            }

            // A district name ends in -machi, -cho, -chome or -dori, or a ward or city (-ku, -shi) or Japan follows:
            // "5-16-20 Monday" is a date.
            ReadOnlySpan<char> value = text.Slice(match.Index, match.Length);
            ReadOnlySpan<char> after = text[(match.Index + match.Length)..Math.Min(text.Length, match.Index + match.Length + 48)];
            if (value.EndsWith("machi", StringComparison.Ordinal) || value.EndsWith("cho", StringComparison.Ordinal) || value.EndsWith("chome", StringComparison.Ordinal)
                || value.EndsWith("dori", StringComparison.Ordinal) || after.Contains("-ku", StringComparison.Ordinal) || after.Contains("-shi", StringComparison.Ordinal)
                || after.Contains("Japan", StringComparison.Ordinal) || after.Contains("-gun", StringComparison.Ordinal))
            {
                reported.Add(match.Index, match.Length, 0.75);
                ReportJapanesePostcodeAfter(text, match.Index + match.Length, reported);
            }

            break;
        }
    }

    // The ward and city follow the block ("Kita-ku, Osaka 530-0001"), then the postcode: the first number after it.
    private static void ReportJapanesePostcodeAfter(ReadOnlySpan<char> text, int from, NonOverlappingSpans reported)
    {
        ReadOnlySpan<char> window = text[from..Math.Min(text.Length, from + 60)];
        int digit = window.IndexOfAnyInRange('0', '9');
        if (digit < 1 || digit + 8 > window.Length || window[digit + 3] != '-' || !IsDigits(window.Slice(digit, 3))
            || !IsDigits(window.Slice(digit + 4, 4)) || (digit + 8 < window.Length && char.IsAsciiDigit(window[digit + 8])))
        {
            return;
        }

        reported.Add(from + digit, 8, 0.75);
    }

    [GeneratedRegex(@"\G(?<![\w.,-])[1-9]\d?-\d{1,2}-\d{1,4}\s+[A-Z][a-zōū]+(?:-[a-zA-Z][a-zōū]+)?(?![\w-])", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex JapaneseBlockPattern();

    // ", City Name 8000", ", Toronto, ON M5V 2T6", ", Osaka 530-0001", ", 20121 Milano", " 3015 KJ Rotterdam".
    [GeneratedRegex(
        @"\G,?\s{1,2}(?:[A-Z][\p{L}'’.-]+(?:\s[A-Z][\p{L}'’.-]+){0,2},?\s(?:\(?[A-Z][\p{L}]+\)?\s|[A-Z]{2}\s)?(?:[1-9]\d{3,4}|\d{3}-\d{4}|\d{2}-\d{3})|(?:[1-9]\d{3,4}|\d{2}-\d{3}|\d{3}-\d{4})(?:\s[A-Z]{2})?\s[A-Z][\p{L}'’-]+(?:\s[A-Z][\p{L}'’-]+){0,2})(?![\w-])",
        RegexOptions.CultureInvariant,
        matchTimeoutMilliseconds: 1000)]
    private static partial Regex CityPostcodePattern();
}
