namespace Eaio.Routing;

/// <summary>A text with its sensitive values replaced, and how many values of each type were replaced.</summary>
public sealed class PseudonymizedText
{
    /// <summary>Initializes a new instance of the <see cref="PseudonymizedText"/> class.</summary>
    /// <param name="text">The sanitised text.</param>
    /// <param name="entityCounts">The number of values replaced per entity type.</param>
    public PseudonymizedText(string text, IReadOnlyDictionary<string, int> entityCounts)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(entityCounts);
        Text = text;
        EntityCounts = entityCounts;
    }

    /// <summary>Gets the sanitised text.</summary>
    public string Text { get; }

    /// <summary>Gets the number of values replaced per entity type, for audit records; it never holds the values.</summary>
    public IReadOnlyDictionary<string, int> EntityCounts { get; }
}
