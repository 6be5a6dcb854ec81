using System.Text;
using System.Text.RegularExpressions;

namespace Eaio.Routing;

/// <summary>Finds the person names a host configures (customers, staff, tenants): whole words, case-insensitive.</summary>
/// <remarks>
/// There is no name recogniser here: finding names that nobody listed needs a language model, which would run
/// locally on every request. Multi-word names (<c>Grace Thompson</c>) match with any run of spaces between the words.
/// </remarks>
public sealed class PersonNameDetector : ISensitiveDataDetector
{
    private readonly Regex? _pattern;

    /// <summary>Initializes a new instance of the <see cref="PersonNameDetector"/> class.</summary>
    /// <param name="names">The names to find; blank entries are ignored, and any whitespace inside a name (a line break,
    /// several spaces) counts as one space, so <c>"Grace  Thompson"</c> is the same name as <c>"Grace Thompson"</c>.</param>
    public PersonNameDetector(IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);

        // Longest first, so "Grace Thompson" wins over "Grace" at the same position.
        List<string> sorted = names
            .Where(n => !string.IsNullOrWhiteSpace(n))
            .Select(n => string.Join(' ', n.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .OrderByDescending(n => n.Length)
            .ToList();
        Names = sorted;
        if (sorted.Count == 0)
        {
            return;
        }

        // Directories and e-mail signatures write names surname first ("THOMPSON, Grace", "Thompson Grace"), and keyboards
        // drop accents ("Jurgen" for "Jürgen"): each form of a listed name is the same person.
        sorted = [.. sorted.SelectMany(Forms).Distinct(StringComparer.OrdinalIgnoreCase).OrderByDescending(n => n.Length)];

        StringBuilder alternation = new();
        foreach (string name in sorted)
        {
            if (alternation.Length > 0)
            {
                alternation.Append('|');
            }

            alternation.Append(Regex.Escape(name).Replace(@"\ ", @"\s+", StringComparison.Ordinal));
        }

        // One alternation of escaped literals: the engine folds common prefixes, so thousands of names stay cheap.
        _pattern = new Regex(
            @"(?<![\p{L}\p{N}_])(?:" + alternation + @")(?![\p{L}\p{N}_])",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant,
            TimeSpan.FromSeconds(1));
    }

    private static IEnumerable<string> Forms(string name)
    {
        foreach (string form in Orders(name))
        {
            yield return form;
            string plain = WithoutAccents(form);
            if (!string.Equals(plain, form, StringComparison.Ordinal))
            {
                yield return plain;
            }
        }
    }

    private static IEnumerable<string> Orders(string name)
    {
        yield return name;
        int last = name.LastIndexOf(' ');
        if (last > 0)
        {
            string surname = name[(last + 1)..];
            string given = name[..last];
            yield return surname + ", " + given;
            yield return surname + " " + given;
        }
    }

    private static string WithoutAccents(string text)
    {
        string decomposed = text.Normalize(NormalizationForm.FormD);
        StringBuilder builder = new(decomposed.Length);
        foreach (char c in decomposed)
        {
            if (System.Globalization.CharUnicodeInfo.GetUnicodeCategory(c) != System.Globalization.UnicodeCategory.NonSpacingMark)
            {
                // Letters that carry no separate mark to drop: a keyboard without them writes the nearest Latin letters
                // (Yıldız as Yildiz, Łukasz as Lukasz, Søren as Soren, Weiß as Weiss).
                string? plain = c switch
                {
                    'ı' => "i",
                    'ł' => "l",
                    'Ł' => "L",
                    'ø' => "o",
                    'Ø' => "O",
                    'đ' => "d",
                    'Đ' => "D",
                    'ß' => "ss",
                    'æ' => "ae",
                    'Æ' => "Ae",
                    'œ' => "oe",
                    'Œ' => "Oe",
                    'þ' => "th",
                    'Þ' => "Th",
                    _ => null,
                };

                if (plain is null)
                {
                    builder.Append(c);
                }
                else
                {
                    builder.Append(plain);
                }
            }
        }

        return builder.ToString().Normalize(NormalizationForm.FormC);
    }

    /// <summary>Gets the configured names, longest first.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <inheritdoc />
    public void Detect(ReadOnlySpan<char> text, ICollection<SensitiveSpan> spans)
    {
        ArgumentNullException.ThrowIfNull(spans);
        if (_pattern is null)
        {
            return;
        }

        foreach (ValueMatch match in _pattern.EnumerateMatches(text))
        {
            spans.Add(new SensitiveSpan(match.Index, match.Length, EntityTypes.Person, 0.9));
        }
    }
}
