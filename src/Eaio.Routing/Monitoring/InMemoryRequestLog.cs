using System.Runtime.CompilerServices;

namespace Eaio.Routing;

/// <summary>A request log kept in memory, for tests and short-lived hosts; entries are stored as they are recorded.</summary>
/// <remarks>
/// With a retention, entries older than it are dropped when an entry is recorded and before the log is read, so a small
/// host that runs for months holds only a retention's worth of entries.
/// </remarks>
public sealed class InMemoryRequestLog : IRequestLog
{
    private readonly List<RequestLogEntry> _entries = [];
    private readonly Lock _lock = new();
    private readonly TimeSpan? _retention;
    private readonly TimeProvider _time;

    // The earliest timestamp held: recording checks it against the cutoff instead of scanning every entry each time.
    private DateTimeOffset _oldest = DateTimeOffset.MaxValue;

    /// <summary>Initializes a new instance of the <see cref="InMemoryRequestLog"/> class.</summary>
    /// <param name="retention">How long entries are kept; <see langword="null"/> keeps every entry.</param>
    /// <param name="timeProvider">The clock that gives "now" for the retention; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="retention"/> is not longer than zero.</exception>
    public InMemoryRequestLog(TimeSpan? retention = null, TimeProvider? timeProvider = null)
    {
        RequestLogRetention.Validate(retention, nameof(retention));
        _retention = retention;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Gets a snapshot of every entry, in the order recorded.</summary>
    public IReadOnlyList<RequestLogEntry> Entries
    {
        get
        {
            lock (_lock)
            {
                DropExpired();
                return [.. _entries];
            }
        }
    }

    /// <inheritdoc/>
    public void Record(RequestLogEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (_lock)
        {
            _entries.Add(entry);
            _oldest = entry.Timestamp < _oldest ? entry.Timestamp : _oldest;
            DropExpired();
        }
    }

    /// <inheritdoc/>
    public Task FlushAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    /// <inheritdoc/>
    public Task<bool> RecordFeedbackAsync(string responseId, double score, CancellationToken cancellationToken = default)
    {
        QualityScore.Validate(responseId, score);
        bool found = false;
        lock (_lock)
        {
            DropExpired();
            for (int i = 0; i < _entries.Count; i++)
            {
                if (string.Equals(_entries[i].ResponseId, responseId, StringComparison.Ordinal))
                {
                    _entries[i] = _entries[i] with { QualityScore = score };
                    found = true;
                }
            }
        }

        return Task.FromResult(found);
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<RequestLogEntry> ReadAsync(DateTimeOffset since, DateTimeOffset until, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        foreach (RequestLogEntry entry in Entries)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (entry.Timestamp >= since && entry.Timestamp < until)
            {
                yield return entry;
            }
        }
    }

    /// <summary>Drops the entries older than the retention; the caller holds the lock.</summary>
    private void DropExpired()
    {
        if (_retention is not { } retention || RequestLogRetention.Cutoff(_time.GetUtcNow(), retention) is not { } cutoff || _oldest >= cutoff)
        {
            return;
        }

        _entries.RemoveAll(e => e.Timestamp < cutoff);
        _oldest = DateTimeOffset.MaxValue;
        foreach (RequestLogEntry e in _entries)
        {
            _oldest = e.Timestamp < _oldest ? e.Timestamp : _oldest;
        }
    }
}
