using System.Threading.Channels;

namespace Eaio.Routing.Benchmarks;

/// <summary>
/// A request log that does on the request path exactly what <see cref="SqliteRequestLog"/> does (put the entry in an
/// unbounded channel) while its reader only drops entries: the router's cost of recording, without a disk writer
/// competing for the same two cores.
/// </summary>
public sealed class QueueOnlyRequestLog : IRequestLog, IDisposable
{
    private readonly Channel<RequestLogEntry> _queue = Channel.CreateUnbounded<RequestLogEntry>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _reader;

    public QueueOnlyRequestLog() => _reader = Task.Run(async () =>
    {
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (_queue.Reader.TryRead(out _))
            {
            }
        }
    });

    public void Record(RequestLogEntry entry) => _queue.Writer.TryWrite(entry);

    public Task FlushAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task<bool> RecordFeedbackAsync(string responseId, double score, CancellationToken cancellationToken = default) => Task.FromResult(false);

    public IAsyncEnumerable<RequestLogEntry> ReadAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken = default) =>
        AsyncEnumerable.Empty<RequestLogEntry>();

    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _reader.GetAwaiter().GetResult();
    }
}
