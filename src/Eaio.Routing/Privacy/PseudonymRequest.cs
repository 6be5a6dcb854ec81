namespace Eaio.Routing;

/// <summary>
/// One question of a batch sent to <see cref="IPseudonymVault.PseudonymizeAsync"/>: the placeholder of a sensitive value,
/// or the reservation of a placeholder-shaped word the text already holds.
/// </summary>
public readonly record struct PseudonymRequest
{
    private PseudonymRequest(string? entityType, string text)
    {
        EntityType = entityType;
        Text = text;
    }

    /// <summary>Gets the entity type (the stem of the placeholder) of a value; <see langword="null"/> for a literal.</summary>
    public string? EntityType { get; }

    /// <summary>Gets the sensitive value, or the placeholder-shaped word as the restorer will look it up.</summary>
    public string Text { get; }

    /// <summary>Gets whether this reserves a literal rather than asking for a value's placeholder.</summary>
    public bool IsLiteral => EntityType is null;

    /// <summary>Asks for the placeholder of a value, issued the first time the value is seen in the scope.</summary>
    /// <param name="entityType">The entity type, the stem of the placeholder.</param>
    /// <param name="value">The sensitive value.</param>
    /// <returns>The request.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static PseudonymRequest Value(string entityType, string value)
    {
        ArgumentNullException.ThrowIfNull(entityType);
        ArgumentNullException.ThrowIfNull(value);
        return new PseudonymRequest(entityType, value);
    }

    /// <summary>Reserves a placeholder-shaped word found in the outgoing text.</summary>
    /// <param name="literal">The word as written (Markdown escapes removed).</param>
    /// <returns>The request.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="literal"/> is <see langword="null"/>.</exception>
    public static PseudonymRequest Literal(string literal)
    {
        ArgumentNullException.ThrowIfNull(literal);
        return new PseudonymRequest(null, literal);
    }
}
