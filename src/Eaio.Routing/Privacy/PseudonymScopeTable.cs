using System.Globalization;

namespace Eaio.Routing;

/// <summary>
/// The mapping of one pseudonym scope: placeholders by original per stem, and originals by placeholder. The one
/// implementation of how placeholders are numbered, shared by the in-memory vault's scopes and a call's request-only scope.
/// </summary>
/// <remarks>Not thread-safe: the vault locks a scope around its use; a request-only scope serves one call.</remarks>
internal class PseudonymScopeTable
{
    /// <summary>Placeholder to original, ignoring case as models change it; reserved literals map to themselves.</summary>
    public Dictionary<string, string> Originals { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Stems by the entity type as given, so the stem is computed once per type, not once per value.</summary>
    private Dictionary<string, Stem> StemsByType { get; } = new(StringComparer.Ordinal);

    /// <summary>Stems by name, ignoring case as placeholders are compared: types that normalise to the same stem share one numbering.</summary>
    private Dictionary<string, Stem> StemsByName { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The placeholder for a value, or what a literal the user wrote becomes.</summary>
    public string Answer(PseudonymRequest request) =>
        request.IsLiteral ? Reserve(request.Text) : GetOrAdd(GetStemOfType(request.EntityType!), request.Text);

    /// <summary>A snapshot that takes the mapping over instead of copying it: for a table that will not change again.</summary>
    public PseudonymScopeSnapshot Seal()
    {
        List<string> issued = new(Originals.Count);
        foreach (KeyValuePair<string, string> entry in Originals)
        {
            if (!string.Equals(entry.Key, entry.Value, StringComparison.OrdinalIgnoreCase))
            {
                issued.Add(entry.Value);
            }
        }

        return new PseudonymScopeSnapshot(Originals, StemsByName.Keys, issued);
    }

    /// <summary>Called after a placeholder was issued or a literal reserved.</summary>
    protected virtual void OnChanged()
    {
    }

    private Stem GetStemOfType(string entityType)
    {
        if (!StemsByType.TryGetValue(entityType, out Stem? stem))
        {
            stem = GetStemNamed(PlaceholderSyntax.ToStem(entityType));
            StemsByType.Add(entityType, stem);
        }

        return stem;
    }

    private Stem GetStemNamed(string name)
    {
        if (!StemsByName.TryGetValue(name, out Stem? stem))
        {
            stem = new Stem(name);
            StemsByName.Add(name, stem);
        }

        return stem;
    }

    private string Reserve(string literal)
    {
        if (!PlaceholderSyntax.IsPlaceholderShaped(literal))
        {
            return literal;
        }

        if (Originals.TryGetValue(literal, out string? original))
        {
            // Already the placeholder of something else: the literal gets a placeholder of its own, which restores
            // to the literal text.
            return original == literal ? literal : GetOrAdd(GetStemNamed(PlaceholderSyntax.ToStem(PlaceholderSyntax.Split(literal).Stem)), literal);
        }

        Originals.Add(literal, literal);
        GetStemNamed(PlaceholderSyntax.ToStem(PlaceholderSyntax.Split(literal).Stem)).Placeholders[literal] = literal;
        OnChanged();
        return literal;
    }

    private string GetOrAdd(Stem stem, ReadOnlySpan<char> original)
    {
        // Looked up by span, so a value seen before costs no allocation.
        if (stem.PlaceholdersByValue.TryGetValue(original, out string? existing))
        {
            return existing;
        }

        string placeholder;
        do
        {
            // Skips numbers reserved by literals the user wrote, so an issued placeholder never equals one.
            stem.LastNumber++;
            placeholder = string.Concat(stem.Name, "_", stem.LastNumber.ToString(CultureInfo.InvariantCulture));
        }
        while (Originals.ContainsKey(placeholder));

        string value = original.ToString();
        Originals.Add(placeholder, value);
        stem.Placeholders.Add(value, placeholder);
        OnChanged();
        return placeholder;
    }

    private sealed class Stem
    {
        public Stem(string name)
        {
            Name = name;
            PlaceholdersByValue = Placeholders.GetAlternateLookup<ReadOnlySpan<char>>();
        }

        public string Name { get; }

        /// <summary>The last number issued.</summary>
        public int LastNumber { get; set; }

        /// <summary>Original to placeholder.</summary>
        public Dictionary<string, string> Placeholders { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> PlaceholdersByValue { get; }
    }
}
