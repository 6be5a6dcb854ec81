using System.Runtime.CompilerServices;

namespace Eaio.Routing.Benchmarks;

/// <summary>
/// An audit log that does what <see cref="InMemoryAuditLog"/> does per record (serialise the entry, extend the hash chain)
/// but keeps only the chain's head: a benchmark making millions of calls measures the work of each record, not a heap that
/// grows by every record and the collections that follow.
/// </summary>
/// <param name="hmacKey">The bytes of <c>AUDIT_HMAC_KEY</c> (a keyed chain, as production runs), or <see langword="null"/>.</param>
public sealed class ChainOnlyAuditLog(byte[]? hmacKey = null) : IAuditLog
{
    private readonly AuditChain _chain = new(hmacKey);
    private readonly Lock _gate = new();
    private long _sequence;
    private string _head = AuditChain.Genesis;

    public Task<AuditRecord> AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        string json = AuditChain.Serialize(entry);
        lock (_gate)
        {
            string previous = _head;
            _head = _chain.Link(previous, ++_sequence, json);
            return Task.FromResult(new AuditRecord(_sequence, entry, previous, _head) { Algorithm = _chain.Algorithm });
        }
    }

    public async IAsyncEnumerable<AuditRecord> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        yield break;
    }

    public Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(new AuditVerification(true, 0, null, "only the chain's head is kept"));
}
