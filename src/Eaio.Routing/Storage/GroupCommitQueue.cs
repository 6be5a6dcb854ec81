using System.Collections.Concurrent;

namespace Eaio.Routing;

/// <summary>
/// Group commit for a store: writes queue in memory, and whichever caller gets to write takes everything queued (up to a
/// batch) into one transaction, so many requests share one lock and one flush to disk. Each caller's write completes only
/// once the batch holding it is committed, with its own result; a batch that fails fails every caller in it.
/// </summary>
/// <remarks>
/// <para>Items are written in the order they were queued: a caller that queues two writes without awaiting the first has
/// them applied in that order. A caller cancelled before a writer took its item withdraws it (it is never written); one
/// cancelled after is written, and the caller gets its result.</para>
/// <para>The queue is bounded: when <see cref="Capacity"/> items wait, further writes wait for room (back-pressure) rather
/// than the host's memory growing while the disk is slow.</para>
/// </remarks>
/// <typeparam name="TItem">What one caller asks to write.</typeparam>
/// <typeparam name="TResult">What that caller gets back once the batch is committed.</typeparam>
#pragma warning disable CA1001 // The semaphores are never asked for a wait handle: there is nothing to dispose.
internal sealed class GroupCommitQueue<TItem, TResult>
#pragma warning restore CA1001
{
    private readonly Func<IReadOnlyList<TItem>, Task<TResult[]>> _writeBatch;
    private readonly Func<TItem, Exception, Exception> _failure;
    private readonly SemaphoreSlim _writing = new(1, 1);
    private readonly SemaphoreSlim _room;
    private readonly ConcurrentQueue<Pending> _pending = new();
    private long _commits;
    private int _inFlight;

    /// <param name="capacity">The most items waiting to be taken by a writer.</param>
    /// <param name="maxBatch">The most items one transaction writes.</param>
    /// <param name="writeBatch">Writes the items in order in one transaction and returns each one's result, in the same order;
    /// it throws (having rolled back) when the transaction did not commit.</param>
    /// <param name="failure">Turns what the write threw into what the caller of each item in the batch gets.</param>
    public GroupCommitQueue(int capacity, int maxBatch, Func<IReadOnlyList<TItem>, Task<TResult[]>> writeBatch, Func<TItem, Exception, Exception> failure)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        Capacity = capacity;
        MaxBatch = maxBatch;
        _writeBatch = writeBatch;
        _failure = failure;
        _room = new SemaphoreSlim(capacity, capacity);
    }

    /// <summary>Gets the most items waiting to be taken by a writer.</summary>
    public int Capacity { get; }

    /// <summary>Gets the most items one transaction writes.</summary>
    public int MaxBatch { get; }

    /// <summary>Gets how many transactions have committed (each one lock and one flush to disk).</summary>
    public long Commits => Interlocked.Read(ref _commits);

    /// <summary>Gets how many items wait for a writer to take them.</summary>
    public int Queued => Capacity - _room.CurrentCount;

    /// <summary>Gets how many items a writer has taken and not yet written.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Queues the item and returns its result once the transaction holding it has committed.</summary>
    /// <remarks>The item is queued before this method first yields when there is room, so the order of calls is the order of writes.</remarks>
    public async Task<TResult> WriteAsync(TItem item, CancellationToken cancellationToken)
    {
        Pending mine = new(item);
        await _room.WaitAsync(cancellationToken).ConfigureAwait(false);
        _pending.Enqueue(mine);
        try
        {
            while (!mine.Written.IsCompleted)
            {
                await _writing.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    if (!mine.Written.IsCompleted)
                    {
                        await WriteQueuedAsync().ConfigureAwait(false);
                    }
                }
                finally
                {
                    _writing.Release();
                }
            }
        }
        catch (OperationCanceledException)
        {
            if (mine.TryWithdraw())
            {
                // Never taken: it leaves the queue unwritten (a writer skips it), and its room is free again.
                _room.Release();
                throw;
            }

            // A writer already took the item: it is written whatever the token says, and this caller gets its result.
        }

        return await mine.Written.ConfigureAwait(false);
    }

    /// <summary>Writes what is queued, up to a batch, in one transaction, and tells each caller its result or the failure.</summary>
    private async Task WriteQueuedAsync()
    {
        List<Pending> batch = [];
        List<TItem> items = [];
        while (batch.Count < MaxBatch && _pending.TryDequeue(out Pending? next))
        {
            if (next.TryClaim())
            {
                batch.Add(next);
                items.Add(next.Item);
                _room.Release();
            }
        }

        if (batch.Count == 0)
        {
            return;
        }

        Volatile.Write(ref _inFlight, batch.Count);
        try
        {
            TResult[] results = await _writeBatch(items).ConfigureAwait(false);
            Interlocked.Increment(ref _commits);
            for (int i = 0; i < batch.Count; i++)
            {
                batch[i].Complete(results[i]);
            }
        }
#pragma warning disable CA1031 // Not handled: each caller whose item was in the batch gets the failure.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            foreach (Pending pending in batch)
            {
                pending.Fail(_failure(pending.Item, ex));
            }
        }
        finally
        {
            Volatile.Write(ref _inFlight, 0);
        }
    }

    /// <summary>One caller's item waiting to be written: queued, then claimed by a writer or withdrawn by its cancelled caller.</summary>
    private sealed class Pending(TItem item)
    {
        private readonly TaskCompletionSource<TResult> _written = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _state; // 0 queued, 1 claimed by a writer, 2 withdrawn

        public TItem Item => item;

        public Task<TResult> Written => _written.Task;

        public bool TryClaim() => Interlocked.CompareExchange(ref _state, 1, 0) == 0;

        /// <summary>Withdraws an item no writer has taken yet; one already taken is written, and its caller waits for it.</summary>
        public bool TryWithdraw() => Interlocked.CompareExchange(ref _state, 2, 0) == 0;

        public void Complete(TResult result) => _written.SetResult(result);

        public void Fail(Exception exception) => _written.SetException(exception);
    }
}
