using System.Buffers;
using System.Text.RegularExpressions;

namespace Eaio.Routing;

/// <summary>
/// Finds secrets of known forms: OpenAI and Anthropic keys (<c>sk-…</c>), Google API keys (<c>AIza…</c>), GitHub
/// tokens (<c>ghp_…</c>), AWS access key ids (<c>AKIA…</c>), bearer tokens, the password in a connection string
/// (<c>Password=…;</c>, <c>Pwd=…</c>) and the password in a URL (<c>scheme://user:password@host</c>).
/// </summary>
/// <remarks>
/// Only the secret itself is reported (not the <c>Bearer</c> or <c>Password=</c> prefix), so a pseudonymiser keeps the
/// surrounding text readable. Made-up key forms such as <c>KEY-1234</c> are not reported; hosts add a
/// <see cref="PatternDetector"/> for their own formats.
/// </remarks>
public sealed partial class SecretDetector : ISensitiveDataDetector
{
    // Every key form starts with one of these; the regex runs from the first one found.
    private static readonly SearchValues<string> KeyPrefixes = SearchValues.Create(
        ["sk-", "AIza", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "AKIA", "ASIA"], StringComparison.Ordinal);

    /// <inheritdoc />
    public void Detect(ReadOnlySpan<char> text, ICollection<SensitiveSpan> spans)
    {
        ArgumentNullException.ThrowIfNull(spans);

        // Each pattern needs a literal that a vectorised search finds far faster than the regex can rule it out, and no
        // match can start before that literal, so the regex starts there (lookbehinds still see the text before it).
        int first = text.IndexOfAny(KeyPrefixes);
        if (first >= 0)
        {
            foreach (ValueMatch match in KeyPattern().EnumerateMatches(text, first))
            {
                spans.Add(new SensitiveSpan(match.Index, match.Length, EntityTypes.Secret, 0.95));
            }
        }

        first = text.IndexOf("bearer", StringComparison.OrdinalIgnoreCase);
        if (first >= 0)
        {
            foreach (ValueMatch match in BearerPattern().EnumerateMatches(text, first))
            {
                spans.Add(new SensitiveSpan(match.Index, match.Length, EntityTypes.Secret, 0.9));
            }
        }

        // The keyword's case variants are left to the regex; it needs the '=' after the keyword.
        if (text.Contains('='))
        {
            foreach (ValueMatch match in ConnectionStringPasswordPattern().EnumerateMatches(text))
            {
                spans.Add(new SensitiveSpan(match.Index, match.Length, EntityTypes.Secret, 0.9));
            }
        }

        first = text.IndexOf("://", StringComparison.Ordinal);
        if (first >= 0)
        {
            foreach (ValueMatch match in UrlPasswordPattern().EnumerateMatches(text, first))
            {
                spans.Add(new SensitiveSpan(match.Index, match.Length, EntityTypes.Secret, 0.9));
            }
        }
    }

    // sk-: OpenAI (sk-proj-, sk-svcacct-, legacy sk-) and Anthropic (sk-ant-); AIza + 35: Google; ghp_/gho_/ghu_/ghs_/ghr_ + 36: GitHub;
    // AKIA/ASIA + 16: AWS access key ids. The minimum lengths keep prose such as "sk-learn" out.
    [GeneratedRegex(
        @"(?<![\w-])(?:sk-[A-Za-z0-9_-]{20,}|AIza[0-9A-Za-z_-]{35}|gh[pousr]_[A-Za-z0-9]{36,}|(?:AKIA|ASIA)[0-9A-Z]{16})(?![\w-])",
        RegexOptions.CultureInvariant,
        matchTimeoutMilliseconds: 1000)]
    private static partial Regex KeyPattern();

    // RFC 6750 b64token after "Bearer "; at least 16 characters so "bearer of bad news" is not a token.
    [GeneratedRegex(
        @"(?<=\bbearer\s+)[A-Za-z0-9._~+/-]{16,}=*",
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase,
        matchTimeoutMilliseconds: 1000)]
    private static partial Regex BearerPattern();

    // ADO.NET, ODBC and JDBC style key/value pairs; a quoted value is reported up to its first space or quote.
    [GeneratedRegex(
        @"(?<=(?:^|[;\s""'?&])(?:password|pwd|passwd)\s*=\s*[""']?)[^;\s&""']+",
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase,
        matchTimeoutMilliseconds: 1000)]
    private static partial Regex ConnectionStringPasswordPattern();

    [GeneratedRegex(
        @"(?<=[a-z][a-z0-9+.-]*://[^\s/:@]+:)[^\s/@]+(?=@[^\s@])",
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase,
        matchTimeoutMilliseconds: 1000)]
    private static partial Regex UrlPasswordPattern();
}
