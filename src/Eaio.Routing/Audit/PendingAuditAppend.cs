namespace Eaio.Routing;

/// <summary>One caller's record waiting in the audit store's group commit.</summary>
/// <param name="Entry">The entry.</param>
/// <param name="Json">The entry's canonical JSON, as it is stored and hashed.</param>
internal sealed record PendingAuditAppend(AuditEntry Entry, string Json)
{
    /// <summary>Wraps an entry with its canonical JSON, computed by the caller rather than by the writer holding the lock.</summary>
    public static PendingAuditAppend Of(AuditEntry entry) => new(entry, AuditChain.Serialize(entry));
}
