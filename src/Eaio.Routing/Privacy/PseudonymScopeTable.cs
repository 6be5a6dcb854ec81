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

    /// <summary>The stems in use, searched in order: a scope has one per kind of value (a dozen at most), which a list
    /// finds faster than two dictionaries cost to build for every call.</summary>
    private readonly List<Stem> _stems = [];

    /// <summary>The placeholder for a value, or what a literal the user wrote becomes.</summary>
    public string Answer(PseudonymRequest request) =>
        request.IsLiteral ? Reserve(request.Text) : GetOrAdd(GetStemOfType(request.EntityType!), request.Text);

    /// <summary>Answers requests in order, as <see cref="Answer"/> does each, with the tables sized for them first.</summary>
    /// <param name="requests">The requests.</param>
    /// <returns>The answers, one per request.</returns>
    public string[] AnswerAll(IReadOnlyList<PseudonymRequest> requests)
    {
        // Grown by doubling, the tables of an 8 KB payload's 82 values left about 12 KB of smaller tables behind.
        _ = Originals.EnsureCapacity(Originals.Count + requests.Count);
        for (int i = 0; i < requests.Count; i++)
        {
            if (!requests[i].IsLiteral)
            {
                GetStemOfType(requests[i].EntityType!).Pending++;
            }
        }

        foreach (Stem stem in _stems)
        {
            _ = stem.Placeholders.EnsureCapacity(stem.Placeholders.Count + stem.Pending);
            stem.Pending = 0;
        }

        string[] answers = new string[requests.Count];
        for (int i = 0; i < answers.Length; i++)
        {
            answers[i] = Answer(requests[i]);
        }

        return answers;
    }

    /// <summary>A snapshot that takes the mapping over instead of copying it: for a table that will not change again.</summary>
    public PseudonymScopeSnapshot Seal()
    {
        // An exact array: the snapshot keeps it, and a list would add its own object to every call's scope.
        int count = 0;
        foreach (KeyValuePair<string, string> entry in Originals)
        {
            count += string.Equals(entry.Key, entry.Value, StringComparison.OrdinalIgnoreCase) ? 0 : 1;
        }

        string[] issued = new string[count];
        int next = 0;
        foreach (KeyValuePair<string, string> entry in Originals)
        {
            if (!string.Equals(entry.Key, entry.Value, StringComparison.OrdinalIgnoreCase))
            {
                issued[next++] = entry.Value;
            }
        }

        string[] stems = new string[_stems.Count];
        for (int i = 0; i < stems.Length; i++)
        {
            stems[i] = _stems[i].Name;
        }

        return new PseudonymScopeSnapshot(Originals, stems, issued);
    }

    /// <summary>Called after a placeholder was issued or a literal reserved.</summary>
    protected virtual void OnChanged()
    {
    }

    /// <summary>The stem of an entity type as given, so the stem's name is computed once per type, not once per value.</summary>
    private Stem GetStemOfType(string entityType)
    {
        foreach (Stem candidate in _stems)
        {
            if (candidate.HasType(entityType))
            {
                return candidate;
            }
        }

        Stem stem = GetStemNamed(PlaceholderSyntax.ToStem(entityType));
        stem.AddType(entityType);
        return stem;
    }

    /// <summary>The stem of a name, ignoring case as placeholders are compared: types that normalise to the same stem share one numbering.</summary>
    private Stem GetStemNamed(string name)
    {
        foreach (Stem candidate in _stems)
        {
            if (string.Equals(candidate.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return candidate;
            }
        }

        Stem stem = new(name);
        _stems.Add(stem);
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

    private string GetOrAdd(Stem stem, string original)
    {
        if (stem.Placeholders.TryGetValue(original, out string? existing))
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

        Originals.Add(placeholder, original);
        stem.Placeholders.Add(original, placeholder);
        OnChanged();
        return placeholder;
    }

    private sealed class Stem
    {
        public Stem(string name)
        {
            Name = name;
        }

        private string[] _types = [];

        public string Name { get; }

        /// <summary>The last number issued.</summary>
        public int LastNumber { get; set; }

        /// <summary>How many requests of <see cref="AnswerAll"/> name this stem's types, while it sizes the tables.</summary>
        public int Pending { get; set; }

        /// <summary>Original to placeholder.</summary>
        public Dictionary<string, string> Placeholders { get; } = new(StringComparer.Ordinal);

        /// <summary>Whether values of an entity type, as given, are numbered under this stem.</summary>
        public bool HasType(string entityType)
        {
            foreach (string type in _types)
            {
                if (ReferenceEquals(type, entityType) || string.Equals(type, entityType, StringComparison.Ordinal))
                {
                    return true;
                }
            }

            return false;
        }

        public void AddType(string entityType) => _types = [.. _types, entityType];
    }
}
