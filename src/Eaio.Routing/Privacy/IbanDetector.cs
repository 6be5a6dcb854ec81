namespace Eaio.Routing;

/// <summary>
/// Finds IBANs: a two-letter country code, two check digits and 11 to 30 letters or digits, written whole or in
/// groups of four separated by single spaces, that pass the ISO 13616 mod-97 check.
/// </summary>
public sealed class IbanDetector : ISensitiveDataDetector
{
    private const int MinLength = 15;
    private const int MaxLength = 34;

    /// <inheritdoc />
    public void Detect(ReadOnlySpan<char> text, ICollection<SensitiveSpan> spans)
    {
        ArgumentNullException.ThrowIfNull(spans);
        Span<int> ends = stackalloc int[MaxLength + 1];
        for (int i = 0; i + MinLength <= text.Length; i++)
        {
            // Jump to the next capital letter with a vectorised search.
            int capital = text[i..].IndexOfAnyInRange('A', 'Z');
            if (capital < 0)
            {
                break;
            }

            i += capital;
            if (i + MinLength > text.Length
                || !char.IsAsciiLetterUpper(text[i]) || !char.IsAsciiLetterUpper(text[i + 1])
                || !char.IsAsciiDigit(text[i + 2]) || !char.IsAsciiDigit(text[i + 3])
                || (i > 0 && char.IsAsciiLetterOrDigit(text[i - 1])))
            {
                continue;
            }

            // Read alphanumerics, allowing single spaces between groups; then try the longest candidate first and
            // drop trailing characters until mod 97 holds, so a following word in capitals does not hide the IBAN.
            int count = 0;
            int pos = i;
            while (pos < text.Length && count < MaxLength + 1)
            {
                char c = text[pos];
                if (char.IsAsciiDigit(c) || char.IsAsciiLetterUpper(c))
                {
                    ends[count++] = pos + 1;
                    pos++;
                }
                else if (c == ' ' && pos + 1 < text.Length && char.IsAsciiLetterOrDigit(text[pos + 1]) && count > 0)
                {
                    pos++;
                }
                else
                {
                    break;
                }
            }

            for (int length = Math.Min(count, MaxLength); length >= MinLength; length--)
            {
                int end = ends[length - 1];

                // A candidate must end at a word boundary.
                if (end < text.Length && char.IsAsciiLetterOrDigit(text[end]))
                {
                    continue;
                }

                if (IsValid(text[i..end]))
                {
                    spans.Add(new SensitiveSpan(i, end - i, EntityTypes.Iban, 0.95));
                    i = end - 1;
                    break;
                }
            }
        }
    }

    /// <summary>ISO 13616: move the first four characters to the end, map letters to 10-35, and the number mod 97 is 1.</summary>
    internal static bool IsValid(ReadOnlySpan<char> candidate)
    {
        Span<char> compact = stackalloc char[MaxLength];
        int n = 0;
        foreach (char c in candidate)
        {
            if (c == ' ')
            {
                continue;
            }

            if (n == MaxLength)
            {
                return false;
            }

            compact[n++] = char.ToUpperInvariant(c);
        }

        if (n < MinLength)
        {
            return false;
        }

        int remainder = 0;
        for (int k = 0; k < n; k++)
        {
            char c = compact[(k + 4) % n];
            if (char.IsAsciiDigit(c))
            {
                remainder = ((remainder * 10) + (c - '0')) % 97;
            }
            else if (char.IsAsciiLetterUpper(c))
            {
                remainder = ((remainder * 100) + (c - 'A' + 10)) % 97;
            }
            else
            {
                return false;
            }
        }

        return remainder == 1;
    }
}
