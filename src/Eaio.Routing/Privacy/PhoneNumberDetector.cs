using System.Text.RegularExpressions;

namespace Eaio.Routing;

/// <summary>
/// Finds phone numbers: North American numbers written with separators or parentheses (<c>415-555-0132</c>,
/// <c>(415) 555 0132</c>, <c>+1-202-555-0187</c>) and international numbers written with a leading <c>+</c>
/// and 8 to 15 digits (the E.164 limit).
/// </summary>
/// <remarks>
/// Bare runs of ten digits are not reported: they are as likely to be order or account numbers, and a detector that
/// fires on every long number would pseudonymise too much. Seven-digit local numbers (<c>555-1234</c>) are not reported either.
/// </remarks>
public sealed partial class PhoneNumberDetector : ISensitiveDataDetector
{
    /// <inheritdoc />
    public void Detect(ReadOnlySpan<char> text, ICollection<SensitiveSpan> spans)
    {
        ArgumentNullException.ThrowIfNull(spans);
        int lastEnd = -1;
        foreach (ValueMatch match in NorthAmericanPattern().EnumerateMatches(text))
        {
            spans.Add(new SensitiveSpan(match.Index, match.Length, EntityTypes.Phone, 0.85));
            lastEnd = Math.Max(lastEnd, match.Index + match.Length);
        }

        foreach (ValueMatch match in InternationalPattern().EnumerateMatches(text))
        {
            // A "+1 ..." number is already reported by the North American pattern.
            if (match.Index < lastEnd && ContainedInReported(match, spans))
            {
                continue;
            }

            int digits = 0;
            foreach (char c in text.Slice(match.Index, match.Length))
            {
                if (char.IsAsciiDigit(c))
                {
                    digits++;
                }
            }

            if (digits is >= 8 and <= 15)
            {
                spans.Add(new SensitiveSpan(match.Index, match.Length, EntityTypes.Phone, 0.8));
            }
        }
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
}
