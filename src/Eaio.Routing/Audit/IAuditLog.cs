namespace Eaio.Routing;

/// <summary>A tamper-evident log of external calls and blocks: each record is chained to the one before by a hash.</summary>
public interface IAuditLog
{
    /// <summary>Appends an entry; the record is durable when the returned task completes.</summary>
    /// <param name="entry">The entry.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The stored record.</returns>
    Task<AuditRecord> AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default);

    /// <summary>Reads every record in sequence order.</summary>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The records.</returns>
    IAsyncEnumerable<AuditRecord> ReadAllAsync(CancellationToken cancellationToken = default);

    /// <summary>Checks the hash chain and names the first record that was edited, deleted or moved.</summary>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The result.</returns>
    Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default);
}
