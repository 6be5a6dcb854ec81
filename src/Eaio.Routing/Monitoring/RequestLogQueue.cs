using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Eaio.Routing;

/// <summary>
/// The request path's side of a request log store: a bounded queue that never makes a request wait, and one background
/// writer that hands what has queued up to the store in batches. A full queue drops the entry and counts it (a field,
/// the <c>eaio.request_log.dropped</c> metric, a warning at the 1st, 2nd, 4th… drop); a flush waits for room.
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
    private long _dropped;
    private volatile bool _disposed;

    /// <param name="queueCapacity">The most entries waiting.</param>
    /// <param name="batchSize">The most entries handed to <paramref name="writeBatch"/> at once.</param>
    /// <param name="writeBatch">Stores a batch; it reports its own failures and never throws.</param>
    /// <param name="stopped">Runs on the writer after the last batch, to release what the writes held.</param>
    /// <param name="logger">Where drops are reported.</param>
    /// <param name="store">The store's name in those reports.</param>
    public RequestLogQueue(int queueCapacity, int batchSize, Func<List<RequestLogEntry>, Task> writeBatch, Action? stopped, ILogger logger, string store)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(queueCapacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        _queue = Channel.CreateBounded<(RequestLogEntry?, TaskCompletionSource?)>(new BoundedChannelOptions(queueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        _batchSize = batchSize;
        _writeBatch = writeBatch;
        _stopped = stopped;
        _logger = logger;
        _store = store;
        _writer = Task.Run(WriteLoopAsync);
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
        _queue.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
    }

    public void Dispose()
    {
        _disposed = true;
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

                batch.Add(item.Entry!);
            }

            if (batch.Count > 0)
            {
                await _writeBatch(batch).ConfigureAwait(false);
                batch.Clear();
            }

            foreach (TaskCompletionSource flush in flushes)
            {
                flush.TrySetResult();
            }

            flushes.Clear();
        }

        _stopped?.Invoke();
    }

    [LoggerMessage(LogLevel.Warning, "The request log ({Store}) cannot keep up: {Count} entries dropped so far because its queue was full.")]
    private static partial void LogDropped(ILogger logger, string store, long count);
}
