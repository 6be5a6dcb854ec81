using System.Diagnostics.CodeAnalysis;

namespace Eaio.Routing;

/// <summary>
/// A scope's mapping as read once from an <see cref="IPseudonymVault"/>: what each placeholder stands for, the stems in use
/// and the originals of the issued placeholders. Restoring reads it without calling the vault again.
/// </summary>
/// <remarks>
/// Placeholders are compared ignoring case, as models change it. A reserved literal maps to itself and an issued
/// placeholder never equals its value, which is how <see cref="Originals"/> tells them apart. It is immutable, safe for
/// concurrent use, and holds sensitive values: keep it local.
/// </remarks>
public sealed class PseudonymScopeSnapshot
{
    private readonly Dictionary<string, string> _originals;
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _originalsBySpan;

    /// <summary>Initializes a new instance of the <see cref="PseudonymScopeSnapshot"/> class.</summary>
    /// <param name="originalsByPlaceholder">Each placeholder issued or reserved in the scope with the text it stands for.</param>
    /// <exception cref="ArgumentNullException"><paramref name="originalsByPlaceholder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Two placeholders differ only in case.</exception>
    public PseudonymScopeSnapshot(IEnumerable<KeyValuePair<string, string>> originalsByPlaceholder)
    {
        ArgumentNullException.ThrowIfNull(originalsByPlaceholder);
        _originals = new Dictionary<string, string>(originalsByPlaceholder, StringComparer.OrdinalIgnoreCase);
        _originalsBySpan = _originals.GetAlternateLookup<ReadOnlySpan<char>>();
        HashSet<string> stems = new(StringComparer.OrdinalIgnoreCase);
        List<string> issued = [];
        foreach (KeyValuePair<string, string> entry in _originals)
        {
            if (PlaceholderSyntax.IsPlaceholderShaped(entry.Key))
            {
                _ = stems.Add(PlaceholderSyntax.ToStem(PlaceholderSyntax.Split(entry.Key).Stem));
            }

            if (!string.Equals(entry.Key, entry.Value, StringComparison.OrdinalIgnoreCase))
            {
                issued.Add(entry.Value);
            }
        }

        Stems = stems;
        Originals = issued;
    }

    /// <summary>Takes over a mapping that no longer changes (see <see cref="PseudonymScopeTable.Seal"/>), without copying it.</summary>
    internal PseudonymScopeSnapshot(Dictionary<string, string> originalsByPlaceholder, IReadOnlyCollection<string> stems, IReadOnlyCollection<string> issued)
    {
        _originals = originalsByPlaceholder;
        _originalsBySpan = _originals.GetAlternateLookup<ReadOnlySpan<char>>();
        Stems = stems;
        Originals = issued;
    }

    /// <summary>Gets the snapshot of an unknown, expired or empty scope.</summary>
    public static PseudonymScopeSnapshot Empty { get; } = new([]);

    /// <summary>Gets the number of placeholders issued or reserved.</summary>
    public int Count => _originals.Count;

    /// <summary>
    /// Gets the stems (the <c>TYPE</c> of <c>TYPE_n</c>) in use, so a stream restorer can tell whether a trailing
    /// lower-case word could still become a placeholder.
    /// </summary>
    public IReadOnlyCollection<string> Stems { get; }

    /// <summary>
    /// Gets the original values of the issued placeholders (not the reserved literals), so the egress guard can check that
    /// none of them is left anywhere in a payload of the conversation.
    /// </summary>
    public IReadOnlyCollection<string> Originals { get; }

    /// <summary>Looks up the text a placeholder stands for, ignoring case.</summary>
    /// <param name="placeholder">The placeholder as it appears in the response.</param>
    /// <param name="original">The text, when found.</param>
    /// <returns>Whether the placeholder was issued or reserved in the scope.</returns>
    public bool TryGetOriginal(ReadOnlySpan<char> placeholder, [NotNullWhen(true)] out string? original) =>
        _originalsBySpan.TryGetValue(placeholder, out original);
}
