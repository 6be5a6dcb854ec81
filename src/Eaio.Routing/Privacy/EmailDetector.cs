using System.Text.RegularExpressions;

namespace Eaio.Routing;

/// <summary>Finds e-mail addresses: a local part, <c>@</c>, and a domain whose last label is at least two letters.</summary>
public sealed partial class EmailDetector : ISensitiveDataDetector
{
    /// <inheritdoc />
    public void Detect(ReadOnlySpan<char> text, ICollection<SensitiveSpan> spans)
    {
        ArgumentNullException.ThrowIfNull(spans);

        // A match holds exactly one '@' (neither part may contain one), and its local part cannot start after a local-part
        // character (the lookbehind), so for each '@' the only possible start is the beginning of the run of local-part
        // characters before it. The regex is tried there alone, anchored, instead of at every letter of the text.
        int lastEnd = 0;
        int at = text.IndexOf('@');
        while (at >= 0)
        {
            int start = at;
            while (start > 0 && at - start < 65 && IsLocalPartChar(text[start - 1]))
            {
                start--;
            }

            if (start < at && start >= lastEnd && at - start <= 64)
            {
                foreach (ValueMatch match in AnchoredEmailPattern().EnumerateMatches(text, start))
                {
                    // A match rejected below still ends where the regex would resume.
                    Report(text, match, spans);
                    lastEnd = match.Index + match.Length;
                    break;
                }
            }

            int next = text[(at + 1)..].IndexOf('@');
            at = next < 0 ? -1 : at + 1 + next;
        }
    }

    private static bool IsLocalPartChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '%' or '+' or '-';

    private static void Report(ReadOnlySpan<char> text, ValueMatch match, ICollection<SensitiveSpan> spans)
    {
        ReadOnlySpan<char> value = text.Slice(match.Index, match.Length);

        // A local part that starts or ends with a dot is not an address; "a..b@x.com" is rejected for the same reason.
        int at = value.IndexOf('@');
        if (value[0] == '.' || value[at - 1] == '.' || value[..at].Contains("..", StringComparison.Ordinal))
        {
            return;
        }

        spans.Add(new SensitiveSpan(match.Index, match.Length, EntityTypes.Email, 0.95));
    }

    // Anchored (\G) at the start position given to EnumerateMatches. Domain labels must not start or end with '-';
    // the last label is the TLD and is letters only.
    [GeneratedRegex(
        @"\G(?<![\w.%+-])[A-Za-z0-9._%+-]{1,64}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![\w-]|\.[A-Za-z0-9])",
        RegexOptions.CultureInvariant,
        matchTimeoutMilliseconds: 1000)]
    private static partial Regex AnchoredEmailPattern();
}
