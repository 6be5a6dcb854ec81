namespace Eaio.Routing;

/// <summary>One caller's record waiting to be written: queued, then claimed by a writer or withdrawn by its cancelled caller.</summary>
/// <param name="entry">The entry.</param>
/// <param name="json">The entry's canonical JSON, as it is stored and hashed.</param>
internal sealed class PendingAuditAppend(AuditEntry entry, string json)
{
    private readonly TaskCompletionSource<AuditRecord> _written = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _state; // 0 queued, 1 claimed by a writer, 2 withdrawn

    public AuditEntry Entry => entry;

    public string Json => json;

    public Task<AuditRecord> Written => _written.Task;

    public bool TryClaim() => Interlocked.CompareExchange(ref _state, 1, 0) == 0;

    /// <summary>Withdraws a record no writer has taken yet; one already taken is written, and its caller waits for it.</summary>
    public bool TryWithdraw() => Interlocked.CompareExchange(ref _state, 2, 0) == 0;

    public void Complete(AuditRecord record) => _written.SetResult(record);

    public void Fail(Exception exception) => _written.SetException(exception);
}
