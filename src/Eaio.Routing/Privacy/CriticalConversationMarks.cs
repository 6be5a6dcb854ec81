namespace Eaio.Routing;

/// <summary>
/// Remembers that a conversation carried CRITICAL data, so that it stays local for the life of its vault scope: a local
/// answer that restates the readings in prose, sent back with the next PUBLIC turn, must not leave.
/// </summary>
/// <remarks>
/// The mark is an entry of the conversation's scope in the <see cref="IPseudonymVault"/>, so it is kept, shared and
/// expired wherever the vault keeps placeholders. Conversations are scoped per tenant (see <see cref="ScopeOf"/>), the
/// same scope <see cref="PseudonymizingChatClient"/> masks the conversation in.
/// </remarks>
public sealed class CriticalConversationMarks
{
    /// <summary>The entry type that marks a conversation's scope as having carried CRITICAL data.</summary>
    internal const string MarkType = "CRITICAL_CONVERSATION";

    /// <summary>The mark's value: a control character first, so it can never be taken for text left in a payload.</summary>
    private const string MarkValue = "\u0001conversation carried CRITICAL data";

    private readonly IPseudonymVault _vault;

    /// <summary>Initializes a new instance of the <see cref="CriticalConversationMarks"/> class.</summary>
    /// <param name="vault">The vault the conversations' scopes live in.</param>
    /// <exception cref="ArgumentNullException"><paramref name="vault"/> is <see langword="null"/>.</exception>
    public CriticalConversationMarks(IPseudonymVault vault)
    {
        ArgumentNullException.ThrowIfNull(vault);
        _vault = vault;
    }

    /// <summary>Gets whether a conversation carried CRITICAL data within its scope's life.</summary>
    /// <param name="tenantId">The tenant, or <see langword="null"/> for the host's own.</param>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="cancellationToken">The token to cancel the operation.</param>
    /// <returns>Whether the conversation is marked. A vault failure propagates: treat it as marked (fail closed).</returns>
    public async ValueTask<bool> IsMarkedAsync(string? tenantId, string conversationId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        PseudonymScopeSnapshot snapshot = await _vault.GetSnapshotAsync(ScopeOf(tenantId, conversationId), cancellationToken).ConfigureAwait(false);
        return IsMarked(snapshot);
    }

    /// <summary>Marks a conversation as having carried CRITICAL data.</summary>
    /// <param name="tenantId">The tenant, or <see langword="null"/> for the host's own.</param>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="cancellationToken">The token to cancel the operation.</param>
    /// <returns>A task that completes when the mark is kept.</returns>
    public async ValueTask MarkAsync(string? tenantId, string conversationId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        string scope = await _vault.OpenScopeAsync(ScopeOf(tenantId, conversationId), cancellationToken).ConfigureAwait(false);
        await MarkScopeAsync(_vault, scope, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The vault scope of a conversation: per tenant, whose length makes the id unambiguous whatever characters it holds,
    /// so two tenants' conversations can never share placeholders.</summary>
    /// <param name="tenantId">The tenant, or <see langword="null"/> for the host's own.</param>
    /// <param name="conversationId">The conversation.</param>
    /// <returns>The scope id.</returns>
    public static string ScopeOf(string? tenantId, string conversationId)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        return $"tenant:{tenantId?.Length ?? -1}:{tenantId}|conversation:{conversationId}";
    }

    /// <summary>Marks an open scope.</summary>
    internal static async ValueTask MarkScopeAsync(IPseudonymVault vault, string scopeId, CancellationToken cancellationToken) =>
        _ = await vault.PseudonymizeAsync(scopeId, [PseudonymRequest.Value(MarkType, MarkValue)], cancellationToken).ConfigureAwait(false);

    /// <summary>Whether a scope's snapshot holds the mark.</summary>
    internal static bool IsMarked(PseudonymScopeSnapshot snapshot) => snapshot.Stems.Contains(MarkType);
}
