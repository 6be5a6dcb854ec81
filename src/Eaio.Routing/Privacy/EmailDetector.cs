using System.Text.RegularExpressions;

namespace Eaio.Routing;

/// <summary>Finds e-mail addresses: a local part, <c>@</c>, and a domain whose last label is at least two letters.</summary>
public sealed partial class EmailDetector : ISensitiveDataDetector
{
    /// <inheritdoc />
    public void Detect(ReadOnlySpan<char> text, ICollection<SensitiveSpan> spans)
    {
        ArgumentNullException.ThrowIfNull(spans);
        foreach (ValueMatch match in EmailPattern().EnumerateMatches(text))
        {
            ReadOnlySpan<char> value = text.Slice(match.Index, match.Length);

            // A local part that starts or ends with a dot is not an address; "a..b@x.com" is rejected for the same reason.
            int at = value.IndexOf('@');
            if (value[0] == '.' || value[at - 1] == '.' || value[..at].Contains("..", StringComparison.Ordinal))
            {
                continue;
            }

            spans.Add(new SensitiveSpan(match.Index, match.Length, EntityTypes.Email, 0.95));
        }
    }

    // Domain labels must not start or end with '-'; the last label is the TLD and is letters only.
    [GeneratedRegex(
        @"(?<![\w.%+-])[A-Za-z0-9._%+-]{1,64}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![\w-]|\.[A-Za-z0-9])",
        RegexOptions.CultureInvariant,
        matchTimeoutMilliseconds: 1000)]
    private static partial Regex EmailPattern();
}
