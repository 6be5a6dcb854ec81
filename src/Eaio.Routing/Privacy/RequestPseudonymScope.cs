namespace Eaio.Routing;

/// <summary>
/// The scope of one call that belongs to no conversation, kept by the call itself rather than a vault.
/// </summary>
/// <remarks>
/// Such a scope is used by its call alone (masked, sent, its answer restored) and dropped after it, so storing it in a
/// vault only cost: a GUID-named scope, the locks of a shared dictionary, a copied snapshot, and for the SQLite and
/// PostgreSQL vaults three database round trips per call. It implements <see cref="IPseudonymVault"/> only so the
/// pseudonymiser and <see cref="MaskedCall"/> use it as they use a vault.
/// </remarks>
internal sealed class RequestPseudonymScope : IPseudonymVault
{
    private const string ScopeId = "request";

    private readonly PseudonymScopeTable _table = new();
    private PseudonymScopeSnapshot? _snapshot;

    /// <inheritdoc />
    public ValueTask<string> OpenScopeAsync(string? conversationId, CancellationToken cancellationToken = default) =>
        conversationId is null ? new ValueTask<string>(ScopeId) : throw new ArgumentException("A request-only scope has no conversation.", nameof(conversationId));

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<string>> PseudonymizeAsync(string scopeId, IReadOnlyList<PseudonymRequest> requests, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);

        // The snapshot took the mapping over: a later change would alter what it restores.
        if (_snapshot is not null)
        {
            throw new InvalidOperationException("A request-only scope is complete once its snapshot is read.");
        }

        return new ValueTask<IReadOnlyList<string>>(_table.AnswerAll(requests));
    }

    /// <inheritdoc />
    public ValueTask<PseudonymScopeSnapshot> GetSnapshotAsync(string scopeId, CancellationToken cancellationToken = default) =>
        new(_snapshot ??= _table.Originals.Count == 0 ? PseudonymScopeSnapshot.Empty : _table.Seal());

    /// <inheritdoc />
    public ValueTask RemoveScopeAsync(string scopeId, CancellationToken cancellationToken = default) => default;
}
