using System.Runtime.CompilerServices;

namespace Eaio.Routing;

/// <summary>An audit log in memory, for tests and short-lived hosts; the same hash chain as the SQLite store.</summary>
public sealed class InMemoryAuditLog : IAuditLog
{
    private readonly List<(long Sequence, string EntryJson, string PreviousHash, string Hash)> _rows = [];
    private readonly Lock _gate = new();

    /// <inheritdoc/>
    public Task<AuditRecord> AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        string json = AuditChain.Serialize(entry);
        lock (_gate)
        {
            long sequence = _rows.Count + 1;
            string previous = _rows.Count == 0 ? AuditChain.Genesis : _rows[^1].Hash;
            string hash = AuditChain.Hash(previous, sequence, json);
            _rows.Add((sequence, json, previous, hash));
            return Task.FromResult(new AuditRecord(sequence, entry, previous, hash));
        }
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<AuditRecord> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach ((long sequence, string json, string previous, string hash) in Snapshot())
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return new AuditRecord(sequence, AuditChain.Deserialize(json), previous, hash);
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default) =>
        AuditChain.VerifyAsync(Snapshot().ToAsyncEnumerable(), cancellationToken);

    /// <summary>Changes stored rows directly, as an attacker with access to the store could; for tamper tests.</summary>
    internal void Tamper(Action<List<(long Sequence, string EntryJson, string PreviousHash, string Hash)>> change)
    {
        lock (_gate)
        {
            change(_rows);
        }
    }

    private (long, string, string, string)[] Snapshot()
    {
        lock (_gate)
        {
            return [.. _rows];
        }
    }
}
