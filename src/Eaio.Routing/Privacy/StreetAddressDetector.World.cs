namespace Eaio.Routing;

/// <content>
/// Address forms of other postal traditions, each found from the digit run it holds: a postcode with its country's
/// letters (<c>L-1234 Luxembourg</c>, <c>CH-8001 Zürich</c>, <c>D-10115 Berlin</c>), a Brazilian CEP after its state or
/// label (<c>SP, 01310-100</c>, <c>CEP 01310-100</c>), an Indian PIN after its state, city or label (<c>Bengaluru
/// 560038</c>, <c>PIN: 560 038</c>), a Japanese postcode after 〒, and an address in Chinese characters, kana or
/// Hangul that ends in its block and house numbers (<c>東京都千代田区丸の内1-9-1</c>, <c>北京市朝阳区建国路88号</c>,
/// <c>서울특별시 중구 세종대로 110</c>).
/// </content>
public sealed partial class StreetAddressDetector
{
    // The letters of the European country codes written before postcodes (the old CEPT and the ISO forms) and the digits
    // of each country's code. Sweden, Czechia, Slovakia and Greece write "123 45"; Poland "00-950"; Portugal "1000-001".
    private static readonly (string Letters, int Digits)[] CountryPostcodes =
    [
        ("A", 4), ("AT", 4), ("B", 4), ("BE", 4), ("CH", 4), ("D", 5), ("DE", 5), ("DK", 4), ("E", 5), ("ES", 5), ("F", 5),
        ("FR", 5), ("FI", 5), ("FL", 4), ("LI", 4), ("I", 5), ("IT", 5), ("L", 4), ("LU", 4), ("N", 4), ("NO", 4), ("NL", 4),
        ("S", 3), ("SE", 3), ("CZ", 3), ("SK", 3), ("GR", 3), ("P", 4), ("PT", 4), ("PL", 2), ("H", 4), ("HU", 4), ("HR", 5),
        ("SI", 4), ("SLO", 4), ("LT", 5), ("LV", 4), ("EE", 5), ("RO", 6), ("BG", 4), ("IS", 3), ("MC", 5), ("IRL", 0),
    ];

    private static readonly string[] BrazilianStates =
    [
        "AC", "AL", "AP", "AM", "BA", "CE", "DF", "ES", "GO", "MA", "MT", "MS", "MG", "PA", "PB", "PR", "PE", "PI", "RJ", "RN",
        "RS", "RO", "RR", "SC", "SP", "SE", "TO",
    ];

    // Indian states and the cities a PIN follows most often; a six-digit number after anything else is no PIN.
    private static readonly string[] IndianPlaces =
    [
        "Andhra Pradesh", "Arunachal Pradesh", "Assam", "Bihar", "Chhattisgarh", "Goa", "Gujarat", "Haryana", "Himachal Pradesh",
        "Jharkhand", "Karnataka", "Kerala", "Madhya Pradesh", "Maharashtra", "Manipur", "Meghalaya", "Mizoram", "Nagaland",
        "Odisha", "Punjab", "Rajasthan", "Sikkim", "Tamil Nadu", "Telangana", "Tripura", "Uttar Pradesh", "Uttarakhand",
        "West Bengal", "Delhi", "Mumbai", "Bengaluru", "Bangalore", "Chennai", "Kolkata", "Hyderabad", "Pune", "Ahmedabad",
        "Jaipur", "Lucknow", "Noida", "Gurugram", "Gurgaon", "Kochi", "Chandigarh", "Indore", "Bhopal", "Nagpur", "Surat",
        "Coimbatore", "Thane", "Mysuru", "Mysore", "Visakhapatnam", "Vadodara", "Thiruvananthapuram", "Bhubaneswar", "Patna",
    ];

    /// <summary>The forms of other traditions at a digit run; returns whether one was reported.</summary>
    private static bool DetectWorldForms(ReadOnlySpan<char> text, int start, int end, NonOverlappingSpans reported)
    {
        char before = start == 0 ? ' ' : text[start - 1];
        if (before == '-')
        {
            return DetectCountryLetterPostcode(text, start, end, reported);
        }

        if (before >= 0x3000)
        {
            return DetectCjkAddress(text, start, end, reported) || DetectJapanesePostcodeMark(text, start, end, reported);
        }

        if (before == ' ' && start >= 2 && text[start - 2] >= 0x3000)
        {
            return DetectJapanesePostcodeMark(text, start, end, reported) || DetectHangulAddress(text, start, end, reported);
        }

        int digits = end - start;
        if (digits == 5 && end + 4 <= text.Length && text[end] == '-')
        {
            return DetectCep(text, start, end, reported);
        }

        return digits is 6 or 3 && text[start] is >= '1' and <= '8' && DetectPin(text, start, end, reported);
    }

    // "L-1234 Luxembourg", "CH-8001 Zürich", "D-10115 Berlin", "NL-1012 AB Amsterdam", "S-111 22 Stockholm", "PL-00-950
    // Warszawa", "P-1000-001 Lisboa"; the street before ", " is reported with it.
    private static bool DetectCountryLetterPostcode(ReadOnlySpan<char> text, int start, int end, NonOverlappingSpans reported)
    {
        int lettersStart = start - 1;
        while (lettersStart > 0 && start - 1 - lettersStart < 3 && char.IsAsciiLetterUpper(text[lettersStart - 1]))
        {
            lettersStart--;
        }

        if (lettersStart == start - 1 || (lettersStart > 0 && (char.IsLetterOrDigit(text[lettersStart - 1]) || text[lettersStart - 1] is '-' or '_' or '.')))
        {
            return false;
        }

        ReadOnlySpan<char> letters = text[lettersStart..(start - 1)];
        int expected = -1;
        foreach ((string code, int digits) in CountryPostcodes)
        {
            if (letters.SequenceEqual(code))
            {
                expected = digits;
                break;
            }
        }

        if (expected <= 0 || end - start != expected)
        {
            return false;
        }

        int codeEnd = end;
        if (expected == 3 && end + 3 <= text.Length && text[end] == ' ' && IsDigits(text.Slice(end + 1, 2)))
        {
            codeEnd = end + 3; // 111 22
        }
        else if (expected is 2 or 4 && end + 4 <= text.Length && text[end] == '-' && IsDigits(text.Slice(end + 1, 3)))
        {
            codeEnd = end + 4; // 00-950, 1000-001
        }
        else if (expected == 4 && end + 3 < text.Length && text[end] == ' ' && char.IsAsciiLetterUpper(text[end + 1]) && char.IsAsciiLetterUpper(text[end + 2])
            && text[end + 3] == ' ')
        {
            codeEnd = end + 3; // 1012 AB
        }

        if (codeEnd < text.Length && (char.IsLetterOrDigit(text[codeEnd]) || text[codeEnd] is '-' or '.' && codeEnd + 1 < text.Length && char.IsAsciiDigit(text[codeEnd + 1])))
        {
            return false;
        }

        // A city must follow: "CH-8001 Zürich"; "D-10115" alone is a part number as often.
        int cityEnd = CityEnd(text, codeEnd);
        if (cityEnd < 0)
        {
            return false;
        }

        if (lettersStart >= 4 && text[lettersStart - 1] == ' ' && text[lettersStart - 2] == ',' && char.IsLetterOrDigit(text[lettersStart - 3]))
        {
            int streetStart = StreetBefore(text, lettersStart - 2);
            if (streetStart >= 0)
            {
                reported.Add(streetStart, lettersStart - 2 - streetStart, 0.75);
            }
        }

        reported.Add(lettersStart, cityEnd - lettersStart, 0.8);
        return true;
    }

    // A Brazilian CEP (01310-100) after its state ("São Paulo - SP, 01310-100", "SP 01310-100") or its label ("CEP:
    // 01310-100", "CEP 01310100" is left: eight bare digits are too many other things).
    private static bool DetectCep(ReadOnlySpan<char> text, int start, int end, NonOverlappingSpans reported)
    {
        if (!IsDigits(text.Slice(end + 1, 3)) || (end + 4 < text.Length && (char.IsLetterOrDigit(text[end + 4]) || text[end + 4] == '-')))
        {
            return false;
        }

        int i = start;
        while (i > 0 && start - i < 4 && text[i - 1] is ' ' or ',' or ':' or '-' or '–' or '.')
        {
            i--;
        }

        if (i < 2 || i == start)
        {
            return false;
        }

        ReadOnlySpan<char> word = i >= 3 && text[(i - 3)..i].Equals("CEP", StringComparison.OrdinalIgnoreCase) ? "CEP" : text[(i - 2)..i];
        bool standsAlone = i - word.Length == 0 || !char.IsLetterOrDigit(text[i - word.Length - 1]);
        if (!standsAlone || (word is not "CEP" && Array.IndexOf(BrazilianStates, word.ToString()) < 0))
        {
            return false;
        }

        reported.Add(start, 9, 0.8);
        return true;
    }

    // An Indian PIN (560038, 560 038) after its state or city ("Bengaluru 560038", "Karnataka - 560 038") or its label
    // ("PIN: 560038", "Pincode 560038").
    private static bool DetectPin(ReadOnlySpan<char> text, int start, int end, NonOverlappingSpans reported)
    {
        int codeEnd = end;
        if (end - start == 3)
        {
            if (end + 4 > text.Length || text[end] != ' ' || !IsDigits(text.Slice(end + 1, 3)))
            {
                return false;
            }

            codeEnd = end + 4;
        }

        if (codeEnd < text.Length && (char.IsLetterOrDigit(text[codeEnd]) || (text[codeEnd] is '.' or ',' or '-' or ':' && codeEnd + 1 < text.Length && char.IsAsciiDigit(text[codeEnd + 1]))))
        {
            return false;
        }

        int i = start;
        while (i > 0 && start - i < 4 && text[i - 1] is ' ' or ',' or ':' or '-' or '–')
        {
            i--;
        }

        if (i == start || i == 0 || !char.IsLetter(text[i - 1]))
        {
            return false;
        }

        ReadOnlySpan<char> head = text[Math.Max(0, i - 20)..i];
        bool labelled = head.EndsWith("PIN", StringComparison.OrdinalIgnoreCase) || head.EndsWith("pincode", StringComparison.OrdinalIgnoreCase)
            || head.EndsWith("pin code", StringComparison.OrdinalIgnoreCase);
        if (!labelled)
        {
            foreach (string place in IndianPlaces)
            {
                if (head.EndsWith(place, StringComparison.Ordinal) && (head.Length == place.Length ? i - place.Length == 0 || !char.IsLetter(text[i - place.Length - 1]) : !char.IsLetter(head[^(place.Length + 1)])))
                {
                    labelled = true;
                    break;
                }
            }
        }

        if (!labelled || PhoneContext.UnitFollows(text, codeEnd))
        {
            return false;
        }

        // The address line before it, from its house or flat number ("No. 42, 3rd Cross, Indiranagar, Bengaluru 560038").
        int lineStart = Math.Max(0, start - 160);
        ReadOnlySpan<char> line = text[lineStart..start];
        int newline = line.LastIndexOfAny('\n', '\r');
        lineStart += newline + 1;
        line = text[lineStart..start];
        int from = start;
        foreach (string marker in IndianHouseMarkers)
        {
            int at = line.IndexOf(marker, StringComparison.Ordinal);
            if (at >= 0 && (at == 0 || !char.IsLetter(line[at - 1])) && lineStart + at < from)
            {
                from = lineStart + at;
            }
        }

        reported.Add(from, codeEnd - from, 0.8);
        return true;
    }

    private static readonly string[] IndianHouseMarkers = ["No.", "No ", "Flat ", "Plot ", "House ", "H.No", "H. No", "Door ", "#"];

    // 〒100-0005 or 〒 100-0005: the Japanese postal mark makes the code unambiguous.
    private static bool DetectJapanesePostcodeMark(ReadOnlySpan<char> text, int start, int end, NonOverlappingSpans reported)
    {
        int mark = text[start - 1] == ' ' ? start - 2 : start - 1;
        if (text[mark] != '〒' || end - start != 3 || end + 5 > text.Length || text[end] != '-' || !IsDigits(text.Slice(end + 1, 4))
            || (end + 5 < text.Length && char.IsAsciiDigit(text[end + 5])))
        {
            return false;
        }

        reported.Add(start, 8, 0.8);
        return true;
    }

    // An address in Chinese characters or kana: a run of them that names an administrative unit or a road (都 道 府 県
    // 市 区 町 村 郡 省 路 街 道 大道), then the block and house numbers (1-9-1, 1丁目9番1号, 88号, 100号). The whole
    // address is the span: the characters before the numbers name the street, the numbers the house.
    private static bool DetectCjkAddress(ReadOnlySpan<char> text, int start, int end, NonOverlappingSpans reported)
    {
        int i = start;
        bool unit = false;
        while (i > 0 && start - i < 40 && IsCjk(text[i - 1]) && text[i - 1] is not ('は' or 'が' or 'を' or 'に' or 'で' or 'と' or 'も' or 'や' or 'へ' or '的' or '在' or '是'))
        {
            unit |= text[i - 1] is '都' or '道' or '府' or '県' or '市' or '区' or '町' or '村' or '郡' or '省' or '路' or '街' or '目' or '丁';
            i--;
        }

        if (!unit || start - i < 3)
        {
            return false;
        }

        // The numbers: digits joined by '-', '－', '丁目', '番地', '番', '号', '弄', '巷' (Arabic or full-width digits).
        int j = end;
        bool joined = false;
        while (j < text.Length)
        {
            int k = j;
            if (text[k] is '-' or '－' or '−' or '番' or '号' or '弄' or '巷' or '栋' or '室' or '楼')
            {
                k++;
            }
            else if (text[k..].StartsWith("丁目", StringComparison.Ordinal) || text[k..].StartsWith("番地", StringComparison.Ordinal))
            {
                k += 2;
            }
            else
            {
                break;
            }

            joined = true;
            j = k;
            while (j < text.Length && (char.IsAsciiDigit(text[j]) || text[j] is >= '０' and <= '９'))
            {
                j++;
            }

            if (j == k)
            {
                // A closing 号 or 番地 with no number after it ends the address.
                break;
            }
        }

        // "1-2月", "3-5日": numbers a unit or a date word follows are no house numbers.
        if (!joined || (j < text.Length && (IsCjk(text[j]) || text[j] is '%' or '.') && char.IsAsciiDigit(text[j - 1])))
        {
            return false;
        }

        reported.Add(i, j - i, 0.8);
        return true;
    }

    // A Korean road-name address: the road (a Hangul word ending in 로 or 길) and its building number, with the city and
    // district words before it ("서울특별시 중구 세종대로 110").
    private static bool DetectHangulAddress(ReadOnlySpan<char> text, int start, int end, NonOverlappingSpans reported)
    {
        int wordEnd = start - 1;
        if (text[wordEnd - 1] is not ('로' or '길'))
        {
            return false;
        }

        int first = wordEnd;
        for (int words = 0; words < 4; words++)
        {
            int w = first;
            while (w > 0 && IsHangul(text[w - 1]))
            {
                w--;
            }

            if (w == first)
            {
                break;
            }

            first = w;
            if (w == 0 || text[w - 1] != ' ' || w < 2 || !IsHangul(text[w - 2]))
            {
                break;
            }

            first = w - 1;
        }

        while (first < wordEnd && text[first] == ' ')
        {
            first++;
        }

        int j = end;
        if (j + 1 < text.Length && text[j] == '-' && char.IsAsciiDigit(text[j + 1]))
        {
            j++;
            while (j < text.Length && char.IsAsciiDigit(text[j]))
            {
                j++;
            }
        }

        reported.Add(first, j - first, 0.8);
        return true;
    }

    private static bool IsCjk(char c) => c is (>= '\u4E00' and <= '\u9FFF') or (>= '\u3040' and <= '\u30FF') or (>= '\u3400' and <= '\u4DBF') or 'ヶ' or 'ノ';

    private static bool IsHangul(char c) => c is >= '\uAC00' and <= '\uD7AF';
}
