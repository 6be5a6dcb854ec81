using System.Diagnostics.CodeAnalysis;

namespace Eaio.Routing;

/// <summary>
/// Stores the mapping between sensitive values and their placeholders, one scope per conversation, so that a value gets
/// the same placeholder in every message of a request and in every turn of a conversation.
/// </summary>
/// <remarks>
/// <para>
/// Placeholders are <c>TYPE_n</c> (<c>EMAIL_1</c>, <c>BUILDING_2</c>), numbered per type per scope from 1. They are
/// restored only as whole ASCII words, so <c>PERSON_1</c> is never found inside <c>PERSON_10</c>. Implementations
/// compare placeholders ignoring case (<see cref="TryGetOriginal"/> finds <c>BUILDING_1</c> as <c>building_1</c>), and
/// a reserved literal blocks its number in every case.
/// </para>
/// <para>
/// Text that merely looks like a placeholder (the user literally wrote <c>EMAIL_1</c>) must not be able to fool the
/// restorer. <see cref="Pseudonymizer"/> therefore passes every such word of the outgoing text to
/// <see cref="ReserveLiteral"/>: a free word is reserved as mapping to itself (so numbering skips it and restoring it is
/// a no-op), and a word that is already the placeholder of another value is itself pseudonymised. Hence every
/// placeholder-shaped word the model sees restores to exactly the text it stood for.
/// </para>
/// <para>Implementations must be safe for concurrent use. The mapping stays local: it is never sent to a provider.</para>
/// </remarks>
public interface IPseudonymVault
{
    /// <summary>Opens the scope of a conversation, or a fresh one for a request without a conversation.</summary>
    /// <param name="conversationId">The conversation id, or <see langword="null"/> for a fresh, request-only scope.</param>
    /// <returns>The scope id to pass to the other members; it equals <paramref name="conversationId"/> when one is given.</returns>
    string OpenScope(string? conversationId);

    /// <summary>Gets the placeholder of a value, issuing the next free <c>TYPE_n</c> the first time it is seen in the scope.</summary>
    /// <param name="scopeId">The scope from <see cref="OpenScope"/>.</param>
    /// <param name="entityType">The entity type, the stem of the placeholder.</param>
    /// <param name="originalValue">The sensitive value.</param>
    /// <returns>The placeholder.</returns>
    string GetOrAddPlaceholder(string scopeId, string entityType, ReadOnlySpan<char> originalValue);

    /// <summary>
    /// Reserves a placeholder-shaped word found in the outgoing text: returns it unchanged when it is free or already
    /// stands for itself, or a placeholder for it when it is already issued for another value.
    /// </summary>
    /// <param name="scopeId">The scope from <see cref="OpenScope"/>.</param>
    /// <param name="literal">The placeholder-shaped word as written.</param>
    /// <returns>The text to send in its place.</returns>
    string ReserveLiteral(string scopeId, string literal);

    /// <summary>Looks up the value a placeholder stands for.</summary>
    /// <param name="scopeId">The scope from <see cref="OpenScope"/>.</param>
    /// <param name="placeholder">The placeholder as it appears in the response.</param>
    /// <param name="originalValue">The value, when found.</param>
    /// <returns>Whether the placeholder was issued (or reserved) in the scope and has not expired.</returns>
    bool TryGetOriginal(string scopeId, ReadOnlySpan<char> placeholder, [NotNullWhen(true)] out string? originalValue);

    /// <summary>
    /// Gets the stems (the <c>TYPE</c> of <c>TYPE_n</c>) of the placeholders issued or reserved in a scope, so a stream
    /// restorer can tell whether a trailing lower-case word could still become one of them.
    /// </summary>
    /// <param name="scopeId">The scope from <see cref="OpenScope"/>.</param>
    /// <returns>A snapshot of the stems; empty for an unknown or expired scope.</returns>
    IReadOnlyCollection<string> GetStems(string scopeId);

    /// <summary>
    /// Gets the original values of the placeholders issued in a scope (not the literals it reserved), so the egress guard
    /// can check that none of them is left anywhere in a payload of the conversation.
    /// </summary>
    /// <param name="scopeId">The scope from <see cref="OpenScope"/>.</param>
    /// <returns>A snapshot of the originals; empty for an unknown or expired scope. They stay local, like the vault.</returns>
    IReadOnlyCollection<string> GetOriginals(string scopeId);

    /// <summary>Forgets a scope, for example a request-only scope once its response is restored.</summary>
    /// <param name="scopeId">The scope from <see cref="OpenScope"/>.</param>
    void RemoveScope(string scopeId);
}
