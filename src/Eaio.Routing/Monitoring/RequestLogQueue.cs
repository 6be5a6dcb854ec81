using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Eaio.Routing;

/// <summary>
/// The request path's side of a request log store: a bounded queue that never makes a request wait, and one background
/// writer that hands what has queued up to the store in batches. A full queue drops the entry and counts it (a field,
/// the <c>eaio.request_log.dropped</c> metric, a warning at the 1st, 2nd, 4th… drop); a flush waits for room.
/// With a <see cref="RequestLogRetention"/>, the same writer also deletes entries older than the retention, a minute after
/// start and then once an hour, between batches: a purge never races a batch for the store and never fails one.
/// </summary>
internal sealed partial class RequestLogQueue : IAsyncDisposable, IDisposable
{
    private readonly Channel<(RequestLogEntry? Entry, TaskCompletionSource? Flush)> _queue;
    private readonly Func<List<RequestLogEntry>, Task> _writeBatch;
    private readonly Action? _stopped;
    private readonly ILogger _logger;
    private readonly string _store;
    private readonly int _batchSize;
    private readonly Task _writer;
    private readonly RequestLogRetention? _retention;
    private readonly ITimer? _purgeTimer;
    private long _dropped;

    // Set by the purge timer, taken by the writer: a flag rather than only a queue item, so a purge still runs when the
    // queue is too full to take its wake-up.
    private int _purgeDue;
    private volatile bool _disposed;

    /// <param name="queueCapacity">The most entries waiting.</param>
    /// <param name="batchSize">The most entries handed to <paramref name="writeBatch"/> at once.</param>
    /// <param name="writeBatch">Stores a batch; it reports its own failures and never throws.</param>
    /// <param name="stopped">Runs on the writer after the last batch, to release what the writes held.</param>
    /// <param name="logger">Where drops are reported.</param>
    /// <param name="store">The store's name in those reports.</param>
    /// <param name="retention">How old entries are purged, or <see langword="null"/> to keep every entry.</param>
    public RequestLogQueue(int queueCapacity, int batchSize, Func<List<RequestLogEntry>, Task> writeBatch, Action? stopped, ILogger logger, string store, RequestLogRetention? retention = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(queueCapacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        _queue = Channel.CreateBounded<(RequestLogEntry?, TaskCompletionSource?)>(new BoundedChannelOptions(queueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        _batchSize = batchSize;
        _writeBatch = writeBatch;
        _stopped = stopped;
        _logger = logger;
        _store = store;
        _retention = retention;
        _writer = Task.Run(WriteLoopAsync);
        _purgeTimer = retention?.Time.CreateTimer(_ => RequestPurge(), null, RequestLogRetention.FirstPurgeDelay, RequestLogRetention.PurgeInterval);
    }

    public long Dropped => Interlocked.Read(ref _dropped);

    public void Record(RequestLogEntry entry)
    {
        // After dispose a late entry is dropped silently rather than thrown at the request path.
        if (!_queue.Writer.TryWrite((entry, null)) && !_disposed)
        {
            long count = Interlocked.Increment(ref _dropped);
            EaioMetrics.RequestLogDropped.Add(1);
            if ((count & (count - 1)) == 0)
            {
                LogDropped(_logger, _store, count);
            }
        }
    }

    /// <summary>Completes when everything recorded before the call is stored.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        TaskCompletionSource flushed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            // The marker waits for room: a flush must not be dropped like an entry.
            await _queue.Writer.WriteAsync((null, flushed), cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        await flushed.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        _purgeTimer?.Dispose();
        _queue.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
    }

    public void Dispose()
    {
        _disposed = true;
        _purgeTimer?.Dispose();
        _queue.Writer.TryComplete();
        _writer.GetAwaiter().GetResult();
    }

    private async Task WriteLoopAsync()
    {
        List<RequestLogEntry> batch = new(_batchSize);
        List<TaskCompletionSource> flushes = [];
        ChannelReader<(RequestLogEntry? Entry, TaskCompletionSource? Flush)> reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            // Take what has queued up (up to a batch), stopping at a flush marker so it completes right after its entries.
            while (batch.Count < _batchSize && reader.TryRead(out (RequestLogEntry? Entry, TaskCompletionSource? Flush) item))
            {
                if (item.Flush is { } flush)
                {
                    flushes.Add(flush);
                    break;
                }

                // An item with neither entry nor flush only wakes the writer for a purge.
                if (item.Entry is { } entry)
                {
                    batch.Add(entry);
                }
            }

            if (batch.Count > 0)
            {
                await _writeBatch(batch).ConfigureAwait(false);
                batch.Clear();
            }

            // Before the flushes complete: a flush after the timer fired sees the purge done (how tests observe it).
            if (Interlocked.Exchange(ref _purgeDue, 0) == 1)
            {
                await PurgeAsync().ConfigureAwait(false);
            }

            foreach (TaskCompletionSource flush in flushes)
            {
                flush.TrySetResult();
            }

            flushes.Clear();
        }

        _stopped?.Invoke();
    }

    private void RequestPurge()
    {
        Volatile.Write(ref _purgeDue, 1);
        _queue.Writer.TryWrite((null, null));
    }

    private async Task PurgeAsync()
    {
        if (_retention is null || RequestLogRetention.Cutoff(_retention.Time.GetUtcNow(), _retention.Retention) is not { } cutoff)
        {
            return;
        }

        try
        {
            long deleted = await _retention.DeleteOlderThanAsync(cutoff).ConfigureAwait(false);
            if (deleted > 0)
            {
                LogPurged(_logger, _store, deleted, cutoff);
            }
        }
#pragma warning disable CA1031 // A failed purge is reported and tried again in an hour; it must not stop the writer.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogPurgeFailed(_logger, _store, cutoff, ex);
        }
    }

    [LoggerMessage(LogLevel.Information, "The request log ({Store}) deleted {Count} entries older than {Cutoff:u} (its retention).")]
    private static partial void LogPurged(ILogger logger, string store, long count, DateTimeOffset cutoff);

    [LoggerMessage(LogLevel.Warning, "The request log ({Store}) could not delete entries older than {Cutoff:u}; it tries again in an hour. No entries were lost.")]
    private static partial void LogPurgeFailed(ILogger logger, string store, DateTimeOffset cutoff, Exception exception);

    [LoggerMessage(LogLevel.Warning, "The request log ({Store}) cannot keep up: {Count} entries dropped so far because its queue was full.")]
    private static partial void LogDropped(ILogger logger, string store, long count);
}
