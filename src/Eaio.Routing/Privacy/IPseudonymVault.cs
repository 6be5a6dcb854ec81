namespace Eaio.Routing;

/// <summary>
/// Stores the mapping between sensitive values and their placeholders, one scope per conversation, so that a value gets
/// the same placeholder in every message of a request and in every turn of a conversation.
/// </summary>
/// <remarks>
/// <para>
/// Placeholders are <c>TYPE_n</c> (<c>EMAIL_1</c>, <c>BUILDING_2</c>), numbered per type per scope from 1. They are
/// restored only as whole ASCII words, so <c>PERSON_1</c> is never found inside <c>PERSON_10</c>. Implementations
/// compare placeholders ignoring case (a snapshot finds <c>BUILDING_1</c> as <c>building_1</c>), and a reserved literal
/// blocks its number in every case.
/// </para>
/// <para>
/// Text that merely looks like a placeholder (the user literally wrote <c>EMAIL_1</c>) must not be able to fool the
/// restorer. <see cref="Pseudonymizer"/> therefore sends every such word of the outgoing text as a
/// <see cref="PseudonymRequest.Literal"/>: a free word is reserved as mapping to itself (so numbering skips it and
/// restoring it is a no-op), and a word that is already the placeholder of another value is itself pseudonymised. Hence
/// every placeholder-shaped word the model sees restores to exactly the text it stood for.
/// </para>
/// <para>
/// The members are asynchronous because a vault may keep its scopes in a database, and they are shaped for few round
/// trips: masking a payload asks for all its placeholders and literal reservations in one
/// <see cref="PseudonymizeAsync"/> call, and restoring reads the scope once (<see cref="GetSnapshotAsync"/>) and then
/// restores whole responses, streamed chunks and tool-call arguments from that snapshot without further calls. A vault
/// that does no I/O should complete synchronously.
/// </para>
/// <para>
/// Scopes expire after a period without use (sliding); an expired scope restores nothing and numbers afresh. Reads and
/// writes renew it. Implementations must be safe for concurrent use. The mapping stays local: it is never sent to a
/// provider.
/// </para>
/// </remarks>
public interface IPseudonymVault
{
    /// <summary>Opens (creating or renewing) the scope of a conversation, or a fresh one for a request without a conversation.</summary>
    /// <param name="conversationId">The conversation id, or <see langword="null"/> for a fresh, request-only scope.</param>
    /// <param name="cancellationToken">The token to cancel the operation.</param>
    /// <returns>The scope id to pass to the other members; it equals <paramref name="conversationId"/> when one is given.</returns>
    ValueTask<string> OpenScopeAsync(string? conversationId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Answers a batch of requests in order, as if each were answered alone after the ones before it: a
    /// <see cref="PseudonymRequest.Value"/> gets the placeholder of its value, issuing the next free <c>TYPE_n</c> the first
    /// time the value is seen in the scope; a <see cref="PseudonymRequest.Literal"/> is returned unchanged when it is free
    /// or already stands for itself (and is then reserved), or gets a placeholder of its own when it is already issued for
    /// another value. A word that is not placeholder-shaped is returned as it is.
    /// </summary>
    /// <param name="scopeId">The scope from <see cref="OpenScopeAsync"/>; it is created when missing or expired.</param>
    /// <param name="requests">The requests, in the order the text holds them.</param>
    /// <param name="cancellationToken">The token to cancel the operation.</param>
    /// <returns>The text to send for each request, in the order of <paramref name="requests"/>.</returns>
    ValueTask<IReadOnlyList<string>> PseudonymizeAsync(string scopeId, IReadOnlyList<PseudonymRequest> requests, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads a scope's mapping once: every placeholder issued or reserved with the text it stands for, its stems, and the
    /// originals of its issued placeholders (not its reserved literals).
    /// </summary>
    /// <param name="scopeId">The scope from <see cref="OpenScopeAsync"/>.</param>
    /// <param name="cancellationToken">The token to cancel the operation.</param>
    /// <returns>The snapshot; <see cref="PseudonymScopeSnapshot.Empty"/> for an unknown or expired scope. It stays local, like the vault.</returns>
    ValueTask<PseudonymScopeSnapshot> GetSnapshotAsync(string scopeId, CancellationToken cancellationToken = default);

    /// <summary>Forgets a scope, for example a request-only scope once its response is restored.</summary>
    /// <param name="scopeId">The scope from <see cref="OpenScopeAsync"/>.</param>
    /// <param name="cancellationToken">The token to cancel the operation.</param>
    /// <returns>A task that completes when the scope is gone.</returns>
    ValueTask RemoveScopeAsync(string scopeId, CancellationToken cancellationToken = default);
}
