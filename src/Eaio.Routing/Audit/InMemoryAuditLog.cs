using System.Runtime.CompilerServices;

namespace Eaio.Routing;

/// <summary>An audit log in memory, for tests and short-lived hosts; the same hash chain as the SQLite store.</summary>
/// <param name="hmacKey">The bytes of <c>AUDIT_HMAC_KEY</c>, which keys the chain (HMAC-SHA256) so a record cannot be forged
/// without it; <see langword="null"/> for an unkeyed (SHA-256) chain, which finds accidental damage only.</param>
/// <exception cref="ArgumentException"><paramref name="hmacKey"/> is empty.</exception>
public sealed class InMemoryAuditLog(byte[]? hmacKey = null) : IAuditLog
{
    private readonly AuditChain _chain = new(hmacKey);
    private readonly List<AuditRow> _rows = [];
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
            string hash = _chain.Link(previous, sequence, json);
            _rows.Add(new AuditRow(sequence, json, previous, hash, _chain.Algorithm));
            return Task.FromResult(new AuditRecord(sequence, entry, previous, hash) { Algorithm = _chain.Algorithm });
        }
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<AuditRecord> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (AuditRow row in Snapshot())
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return new AuditRecord(row.Sequence, AuditChain.Deserialize(row.EntryJson), row.PreviousHash, row.Hash) { Algorithm = row.Algorithm };
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default) =>
        _chain.VerifyAsync(Snapshot().ToAsyncEnumerable(), start: null, cancellationToken);

    /// <summary>Changes stored rows directly, as an attacker with access to the store could; for tamper tests.</summary>
    internal void Tamper(Action<List<AuditRow>> change)
    {
        lock (_gate)
        {
            change(_rows);
        }
    }

    private AuditRow[] Snapshot()
    {
        lock (_gate)
        {
            return [.. _rows];
        }
    }
}
