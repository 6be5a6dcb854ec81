using System.Collections.Concurrent;

namespace Eaio.Routing;

/// <summary>
/// A store-backed ledger's answer to planning: the last status this process saw of each tenant while it is young enough,
/// else one read of the store that every request planning meanwhile awaits, never a blocked thread per request.
/// </summary>
/// <remarks>
/// Under a burst every plan asks at once when the status has just aged: one query per tenant, not one per request
/// (which would queue a thousand requests on the connection pool). The read is shared, so it runs without any one
/// caller's token; each caller stops waiting on its own.
/// </remarks>
internal sealed class BudgetSnapshotCache
{
    private readonly ConcurrentDictionary<string, (BudgetStatus Status, long At)> _seen = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task<BudgetStatus>> _reading = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly Func<string?, Task<BudgetStatus>> _read;

    /// <param name="time">The clock ages and periods are measured on.</param>
    /// <param name="read">Reads a tenant's status from the store (and <see cref="Remember"/>s it).</param>
    public BudgetSnapshotCache(TimeProvider time, Func<string?, Task<BudgetStatus>> read)
    {
        _time = time;
        _read = read;
    }

    /// <summary>Gets or sets how old a status may be to answer without reading the store.</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Keeps a status the ledger just read or wrote, as the tenant's latest.</summary>
    public void Remember(BudgetStatus status) => _seen[status.TenantId ?? string.Empty] = (status, _time.GetTimestamp());

    /// <summary>Gets a tenant's snapshot: at once (without allocating) from a fresh status, else from one shared read.</summary>
    public ValueTask<BudgetSnapshot> GetAsync(string? tenantId, CancellationToken cancellationToken)
    {
        string key = tenantId ?? string.Empty;
        if (_seen.TryGetValue(key, out (BudgetStatus Status, long At) seen)
            && _time.GetElapsedTime(seen.At) <= MaxAge && seen.Status.Period.Contains(_time.GetUtcNow()))
        {
            return new ValueTask<BudgetSnapshot>(seen.Status.ToSnapshot());
        }

        return ReadAsync(key, tenantId, cancellationToken);
    }

    private async ValueTask<BudgetSnapshot> ReadAsync(string key, string? tenantId, CancellationToken cancellationToken)
    {
        TaskCompletionSource<BudgetStatus> mine = new(TaskCreationOptions.RunContinuationsAsynchronously);
        Task<BudgetStatus> shared = _reading.GetOrAdd(key, mine.Task);
        if (shared == mine.Task)
        {
            // Not awaited here: the owner, too, stops waiting when its own token is cancelled.
            _ = FillAsync(key, tenantId, mine);
        }

        BudgetStatus status = await shared.WaitAsync(cancellationToken).ConfigureAwait(false);
        return status.ToSnapshot();
    }

    /// <summary>Reads for everyone waiting on <paramref name="target"/>; its outcome is theirs, so nothing escapes here.</summary>
    private async Task FillAsync(string key, string? tenantId, TaskCompletionSource<BudgetStatus> target)
    {
        try
        {
            BudgetStatus status = await _read(tenantId).ConfigureAwait(false);
            _ = _reading.TryRemove(new KeyValuePair<string, Task<BudgetStatus>>(key, target.Task));
            target.SetResult(status);
        }
#pragma warning disable CA1031 // Not handled: handed to every waiter through the shared task.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _ = _reading.TryRemove(new KeyValuePair<string, Task<BudgetStatus>>(key, target.Task));
            target.SetException(ex);
        }
    }
}
