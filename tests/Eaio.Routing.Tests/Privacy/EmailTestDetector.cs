using System.Text.RegularExpressions;

namespace Eaio.Routing.Tests.Privacy;

/// <summary>A test-only detector: e-mail addresses and a fixed list of person names, enough to drive the pseudonymiser.</summary>
internal sealed partial class EmailTestDetector : ISensitiveDataDetector
{
    private readonly string[] _names;

    public EmailTestDetector(params string[] names) => _names = names;

    public void Detect(ReadOnlySpan<char> text, ICollection<SensitiveSpan> spans)
    {
        foreach (ValueMatch match in Email().EnumerateMatches(text))
        {
            spans.Add(new SensitiveSpan(match.Index, match.Length, EntityTypes.Email, 0.9));
        }

        foreach (string name in _names)
        {
            int from = 0;
            int found;
            while ((found = text[from..].IndexOf(name, StringComparison.Ordinal)) >= 0)
            {
                spans.Add(new SensitiveSpan(from + found, name.Length, EntityTypes.Person, 0.8));
                from += found + name.Length;
            }
        }
    }

    [GeneratedRegex(@"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")]
    private static partial Regex Email();
}
