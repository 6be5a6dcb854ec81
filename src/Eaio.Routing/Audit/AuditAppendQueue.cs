using System.Collections.Concurrent;

namespace Eaio.Routing;

/// <summary>
/// Group commit for an audit store: appends queue in memory, and whichever caller gets to write takes everything queued
/// (up to a batch) into one transaction, so many requests share one lock and one flush to disk. Each caller's append
/// completes only once the batch holding its record is committed.
/// </summary>
/// <remarks>
/// <para>Records are written in the order they were queued, so the chain's order is the queue's. A caller cancelled before
/// a writer took its record withdraws it (it is never written); one cancelled after is written, and the caller gets it.</para>
/// <para>The queue is bounded: when <see cref="Capacity"/> records wait, further appends wait for room (back-pressure)
/// rather than the host's memory growing while the disk is slow.</para>
/// </remarks>
#pragma warning disable CA1001 // The semaphores are never asked for a wait handle: there is nothing to dispose.
internal sealed class AuditAppendQueue
#pragma warning restore CA1001
{
    private readonly Func<IReadOnlyList<PendingAuditAppend>, Task<AuditRecord[]>> _writeBatch;
    private readonly Func<Exception, Exception> _failure;
    private readonly SemaphoreSlim _writing = new(1, 1);
    private readonly SemaphoreSlim _room;
    private readonly ConcurrentQueue<PendingAuditAppend> _pending = new();
    private long _commits;
    private int _inFlight;

    /// <param name="capacity">The most records waiting to be taken by a writer.</param>
    /// <param name="maxBatch">The most records one transaction writes.</param>
    /// <param name="writeBatch">Appends the records in order, after the chain's head, in one transaction, and returns them as stored.</param>
    /// <param name="failure">Turns what the write threw into what each caller of the batch gets.</param>
    public AuditAppendQueue(int capacity, int maxBatch, Func<IReadOnlyList<PendingAuditAppend>, Task<AuditRecord[]>> writeBatch, Func<Exception, Exception> failure)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        Capacity = capacity;
        MaxBatch = maxBatch;
        _writeBatch = writeBatch;
        _failure = failure;
        _room = new SemaphoreSlim(capacity, capacity);
    }

    /// <summary>Gets the most records waiting to be taken by a writer.</summary>
    public int Capacity { get; }

    /// <summary>Gets the most records one transaction writes.</summary>
    public int MaxBatch { get; }

    /// <summary>Gets how many transactions have committed records (each one flush to disk).</summary>
    public long Commits => Interlocked.Read(ref _commits);

    /// <summary>Gets how many records wait for a writer to take them.</summary>
    public int Queued => Capacity - _room.CurrentCount;

    /// <summary>Gets how many records a writer has taken and not yet written.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Queues the entry and returns its record once the transaction holding it has committed.</summary>
    public async Task<AuditRecord> AppendAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        PendingAuditAppend mine = new(entry, AuditChain.Serialize(entry));
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

            // A writer already took the record: it is written whatever the token says, and this caller gets it.
        }

        return await mine.Written.ConfigureAwait(false);
    }

    /// <summary>Writes what is queued, up to a batch, in one transaction, and tells each caller its record or the failure.</summary>
    private async Task WriteQueuedAsync()
    {
        List<PendingAuditAppend> batch = [];
        while (batch.Count < MaxBatch && _pending.TryDequeue(out PendingAuditAppend? next))
        {
            if (next.TryClaim())
            {
                batch.Add(next);
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
            AuditRecord[] records = await _writeBatch(batch).ConfigureAwait(false);
            Interlocked.Increment(ref _commits);
            for (int i = 0; i < batch.Count; i++)
            {
                batch[i].Complete(records[i]);
            }
        }
#pragma warning disable CA1031 // Not handled: each caller whose record was in the batch gets the failure.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Exception failure = _failure(ex);
            foreach (PendingAuditAppend pending in batch)
            {
                pending.Fail(failure);
            }
        }
        finally
        {
            Volatile.Write(ref _inFlight, 0);
        }
    }
}
