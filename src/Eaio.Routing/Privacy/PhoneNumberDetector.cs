using System.Buffers;
using System.Text.RegularExpressions;

namespace Eaio.Routing;

/// <summary>
/// Finds phone numbers: North American numbers written with separators or parentheses (<c>415-555-0132</c>,
/// <c>(415) 555 0132</c>, <c>+1-202-555-0187</c>), international numbers written with a leading <c>+</c>
/// and 8 to 15 digits (the E.164 limit), and national numbers of 10 or 11 digits written in three to five groups of
/// two to four digits with one separator throughout (<c>020 7946 0958</c>, <c>06 12 34 56 78</c>, <c>138-1234-5678</c>).
/// </summary>
/// <remarks>
/// <para>
/// Bare runs of ten digits are not reported: they are as likely to be order or account numbers, and a detector that
/// fires on every long number would pseudonymise too much. Seven- and eight-digit local numbers (<c>555-1234</c>,
/// <c>60-56-85-91</c>, an old French form) are not reported either: with so few digits the form is shared by dates,
/// part numbers and codes.
/// </para>
/// <para>
/// National groups separated by spaces count only when the first group starts with the trunk prefix 0 (as in the UK,
/// France or Germany): lists of small numbers separated by spaces (<c>21 22 23 21 20</c>) are common in readings.
/// Groups after the first that all have three digits (<c>12 345 678 901</c>, <c>12.345.678.901</c>) are thousands
/// separators, and four dotted groups are an IPv4 address; neither is reported as a phone number. A number glued to
/// other digits or word characters by a hyphen or dot (a fragment of a GUID or of a longer code) is not reported.
/// </para>
/// </remarks>
public sealed partial class PhoneNumberDetector : ISensitiveDataDetector
{
    private static readonly SearchValues<char> AsciiStretchChars = SearchValues.Create("0123456789 .-+()");

    // The least number of digits any reported form has (international: 8).
    private const int MinDigits = 8;

    // The least number of digits of the North American and national forms.
    private const int NationalMinDigits = 10;

    /// <inheritdoc />
    public void Detect(ReadOnlySpan<char> text, ICollection<SensitiveSpan> spans)
    {
        ArgumentNullException.ThrowIfNull(spans);

        // Every match lies within a stretch of digits, spaces, '.', '-', '+' and parentheses and holds at least eight
        // digits, one of them ASCII. So the regexes run only over such stretches around an ASCII digit that hold eight
        // digits or more, instead of being tried at every digit of the text.
        int resume = 0;
        while (resume < text.Length)
        {
            int found = text[resume..].IndexOfAnyInRange('0', '9');
            if (found < 0)
            {
                return;
            }

            // Vectorised searches find the ends of the stretch; a non-ASCII digit (\d in the regexes) does not end it.
            int start = resume + found;
            while (true)
            {
                int before = text[resume..start].LastIndexOfAnyExcept(AsciiStretchChars);
                start = before < 0 ? resume : resume + before + 1;
                if (start == resume || !char.IsDigit(text[start - 1]))
                {
                    break;
                }

                start--;
            }

            int end = resume + found;
            while (true)
            {
                int after = text[end..].IndexOfAnyExcept(AsciiStretchChars);
                end = after < 0 ? text.Length : end + after;
                if (end == text.Length || !char.IsDigit(text[end]))
                {
                    break;
                }

                end++;
            }

            // Separators take characters, so a stretch shorter than the least digit count holds no number; most numbers in
            // prose ("at 78 % of") end here.
            ReadOnlySpan<char> stretch = text[start..end];
            if (stretch.Length < MinDigits)
            {
                resume = end + 1;
                continue;
            }

            bool plus = stretch.Contains('+');
            int digits = 0;
            foreach (char c in stretch)
            {
                digits += char.IsDigit(c) ? 1 : 0;
            }

            // The North American and national forms have ten digits or more; only the international one, which starts
            // with '+', has fewer. So stretches such as an IPv4 address skip the regexes, and the digit groups tell which
            // of the other two can match at all (a date with a time, "2024-03-01 00", can match neither).
            bool international = plus && digits >= MinDigits;
            bool northAmerican = false;
            bool national = false;
            if (digits >= NationalMinDigits)
            {
                ReadGroups(stretch, out northAmerican, out national);
            }

            if (international || northAmerican || national)
            {
                // The regexes also see the character after the stretch, as their lookaheads read one character past a
                // match; it cannot continue a match, so they behave as on the whole text.
                DetectInStretch(text[..Math.Min(text.Length, end + 1)], start, northAmerican, international, national, spans);
            }

            resume = end + 1;
        }
    }

    /// <summary>
    /// Tells from the digit groups of a stretch (maximal runs of digits and the single characters between them) whether
    /// the North American or the national pattern can match in it; a necessary condition, so it never hides a match.
    /// </summary>
    /// <remarks>
    /// North American: its last two groups are 3 and 4 digits with one of ' ', '.', '-' between them. National: three or
    /// more consecutive groups of 2 to 4 digits joined by one and the same separator, with ten digits or more together.
    /// </remarks>
    private static void ReadGroups(ReadOnlySpan<char> stretch, out bool northAmerican, out bool national)
    {
        northAmerican = national = false;
        int previousLength = 0;
        int previousEnd = -2;
        int runGroups = 0;
        int runDigits = 0;
        char runSeparator = '\0';
        int i = 0;
        while (i < stretch.Length)
        {
            if (!char.IsDigit(stretch[i]))
            {
                i++;
                continue;
            }

            int groupStart = i;
            while (i < stretch.Length && char.IsDigit(stretch[i]))
            {
                i++;
            }

            int length = i - groupStart;
            bool joined = groupStart - previousEnd == 1 && stretch[previousEnd] is ' ' or '.' or '-';
            char separator = joined ? stretch[previousEnd] : '\0';
            northAmerican |= joined && previousLength == 3 && length == 4;

            bool fits = length is >= 2 and <= 4;
            if (fits && joined && previousLength is >= 2 and <= 4 && runGroups >= 2 && separator == runSeparator)
            {
                runGroups++;
                runDigits += length;
            }
            else if (fits && joined && previousLength is >= 2 and <= 4)
            {
                runGroups = 2;
                runDigits = previousLength + length;
                runSeparator = separator;
            }
            else
            {
                runGroups = fits ? 1 : 0;
                runDigits = length;
            }

            national |= runGroups >= 3 && runDigits >= NationalMinDigits;
            previousLength = length;
            previousEnd = i;
        }
    }

    private static void DetectInStretch(ReadOnlySpan<char> text, int start, bool northAmerican, bool international, bool national, ICollection<SensitiveSpan> spans)
    {
        // Matches of the North American pattern, so the other patterns do not report them again ("+1 ..." numbers).
        Span<(int Start, int End)> reported = stackalloc (int, int)[8];
        int reportedCount = 0;
        bool overflow = false;
        foreach (ValueMatch match in NorthAmericanPattern().EnumerateMatches(text, northAmerican ? start : text.Length))
        {
            spans.Add(new SensitiveSpan(match.Index, match.Length, EntityTypes.Phone, 0.85));
            if (reportedCount < reported.Length)
            {
                reported[reportedCount++] = (match.Index, match.Index + match.Length);
            }
            else
            {
                overflow = true;
            }
        }

        foreach (ValueMatch match in InternationalPattern().EnumerateMatches(text, international ? start : text.Length))
        {
            if (IsReported(match, reported[..reportedCount], overflow, spans))
            {
                continue;
            }

            int digits = 0;
            foreach (char c in text.Slice(match.Index, match.Length))
            {
                digits += char.IsAsciiDigit(c) ? 1 : 0;
            }

            if (digits is >= 8 and <= 15)
            {
                spans.Add(new SensitiveSpan(match.Index, match.Length, EntityTypes.Phone, 0.8));
            }
        }

        foreach (ValueMatch match in NationalPattern().EnumerateMatches(text, national ? start : text.Length))
        {
            if (!IsReported(match, reported[..reportedCount], overflow, spans) && IsNationalNumber(text.Slice(match.Index, match.Length)))
            {
                spans.Add(new SensitiveSpan(match.Index, match.Length, EntityTypes.Phone, 0.7));
            }
        }
    }

    /// <summary>Applies the rules the national pattern cannot express (see the remarks on the class).</summary>
    private static bool IsNationalNumber(ReadOnlySpan<char> value)
    {
        int digits = 0;
        int groups = 1;
        int groupLength = 0;
        bool laterGroupsAllThree = true;
        char separator = '\0';
        foreach (char c in value)
        {
            if (char.IsAsciiDigit(c))
            {
                digits++;
                groupLength++;
                continue;
            }

            separator = c;
            laterGroupsAllThree &= groups == 1 || groupLength == 3;
            groups++;
            groupLength = 0;
        }

        laterGroupsAllThree &= groupLength == 3;

        // Three groups of 3, 3 and 4 digits is the North American form, whose own rules (area code and exchange start
        // with 2-9) decide: "115-555-0132" is no North American number and is not reported as a national one either.
        bool northAmericanShape = groups == 3 && value.Length == 12 && !char.IsAsciiDigit(value[3]) && !char.IsAsciiDigit(value[7]);
        return digits is 10 or 11
            && !northAmericanShape
            && !laterGroupsAllThree
            && !(separator == ' ' && value[0] != '0')
            && !(separator == '.' && groups == 4);
    }

    private static bool IsReported(ValueMatch match, ReadOnlySpan<(int Start, int End)> reported, bool overflow, ICollection<SensitiveSpan> spans)
    {
        foreach ((int start, int end) in reported)
        {
            if (start <= match.Index && end >= match.Index + match.Length)
            {
                return true;
            }
        }

        return overflow && ContainedInReported(match, spans);
    }

    private static bool ContainedInReported(ValueMatch match, ICollection<SensitiveSpan> spans)
    {
        foreach (SensitiveSpan span in spans)
        {
            if (span.EntityType == EntityTypes.Phone && span.Start <= match.Index && span.End >= match.Index + match.Length)
            {
                return true;
            }
        }

        return false;
    }


    // NANP: area code and exchange start with 2-9; at least one separator or parentheses is required (see remarks).
    [GeneratedRegex(
        @"(?<![\w.+-])(?:\+?1[ .-]?)?(?:\([2-9]\d{2}\)[ .-]?|[2-9]\d{2}[ .-])[2-9]\d{2}[ .-]\d{4}(?!\w|[.-]\d)",
        RegexOptions.CultureInvariant,
        matchTimeoutMilliseconds: 1000)]
    private static partial Regex NorthAmericanPattern();

    // International: '+', a country code, then groups of digits separated by single spaces, dots or hyphens.
    [GeneratedRegex(
        @"(?<![\w+])\+[1-9]\d{0,2}(?:[ .-]?\(?\d{1,5}\)?){2,6}(?!\w|[.-]\d)",
        RegexOptions.CultureInvariant,
        matchTimeoutMilliseconds: 1000)]
    private static partial Regex InternationalPattern();

    // National: three to five groups of two to four ASCII digits, one separator kind throughout (the backreference).
    [GeneratedRegex(
        @"(?<![\w.+-])[0-9]{2,4}(?<sep>[ .-])[0-9]{2,4}(?:\k<sep>[0-9]{2,4}){1,3}(?!\w|[.-][0-9])",
        RegexOptions.CultureInvariant,
        matchTimeoutMilliseconds: 1000)]
    private static partial Regex NationalPattern();
}
