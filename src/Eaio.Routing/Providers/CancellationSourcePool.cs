using System.Collections.Concurrent;

namespace Eaio.Routing;

/// <summary>Reuses the cancellation sources that carry a call's time limits, so a call does not create and tear down a timer.</summary>
internal sealed class CancellationSourcePool(TimeProvider time)
{
    private const int MaxPooled = 64;
    private readonly ConcurrentQueue<CancellationTokenSource> _pool = new();

    /// <summary>Rents a source with no time limit armed yet; <see cref="CancellationTokenSource.CancelAfter(TimeSpan)"/> arms it on the pool's clock.</summary>
    public CancellationTokenSource Rent() =>
        _pool.TryDequeue(out CancellationTokenSource? source) ? source : new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);

    /// <summary>Returns a source; one that was cancelled cannot be reset and is disposed instead.</summary>
    public void Return(CancellationTokenSource source)
    {
        if (_pool.Count < MaxPooled && source.TryReset())
        {
            _pool.Enqueue(source);
        }
        else
        {
            source.Dispose();
        }
    }

    /// <summary>Disposes the pooled sources, when their owner is disposed; sources rented meanwhile are disposed as they come back.</summary>
    public void Clear()
    {
        while (_pool.TryDequeue(out CancellationTokenSource? source))
        {
            source.Dispose();
        }
    }
}
