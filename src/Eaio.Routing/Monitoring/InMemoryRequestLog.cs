using System.Runtime.CompilerServices;

namespace Eaio.Routing;

/// <summary>A request log kept in memory, for tests and short-lived hosts; entries are stored as they are recorded.</summary>
public sealed class InMemoryRequestLog : IRequestLog
{
    private readonly List<RequestLogEntry> _entries = [];
    private readonly Lock _lock = new();

    /// <summary>Gets a snapshot of every entry, in the order recorded.</summary>
    public IReadOnlyList<RequestLogEntry> Entries
    {
        get
        {
            lock (_lock)
            {
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
}
