using System.Runtime.CompilerServices;
using Npgsql;

namespace Eaio.Routing;

/// <summary>The audit trail in PostgreSQL: one hash chain for every host that shares the database.</summary>
/// <remarks>
/// <para>
/// One serialised chain rather than a chain per host: an append takes a transaction-scoped advisory lock, reads the head
/// and inserts the next record, so writers from every host queue for a moment and the chain never forks. Per-host chains
/// would avoid that queue but need a merge rule to verify, and a deleted host chain (all of one host's records) would look
/// like a host that never wrote. External calls take hundreds of milliseconds; an append takes about one round trip more
/// than an insert, so the queue is not what limits a fleet.
/// </para>
/// <para>
/// Within one host, appends queue in memory, and whichever caller gets to write takes everything queued (up to 256
/// records) into one transaction: one lock, one commit (one flush to disk) for many records, each caller returning once
/// its own record is durable. One by one, each append waited for the advisory lock holding a pooled connection, and
/// paid its own commit: under a burst (issue 16: 250 requests at once per host) the waiting appends took the whole pool,
/// and the chain, one flushed commit at a time, was what limited the hosts. At most 1,024 records wait; further appends
/// wait for room, so a slow server holds callers back rather than growing the host's memory. The queue is shared with
/// <see cref="SqliteAuditLog"/>.
/// </para>
/// <para>Records are read and verified in insertion order (an identity column), so a record whose <c>seq</c> was edited
/// or a row moved is found like any other change.</para>
/// <para>Every host appending to one chain needs the same <c>AUDIT_HMAC_KEY</c>: a record appended without it is unkeyed,
/// and a keyed verification names it as written without the key.</para>
/// </remarks>
public sealed class PostgresAuditLog : IAuditLog
{
    /// <summary>The advisory lock key of the chain's head ('EAIOAUDT' as a number).</summary>
    private const long ChainLock = 0x4541494F41554454;

    private readonly PostgresStore _store;
    private readonly AuditChain _chain;

    /// <summary>The most records one transaction appends.</summary>
    private const int MaxBatch = 256;

    private readonly GroupCommitQueue<PendingAuditAppend, AuditRecord> _queue;

    /// <summary>Initializes a new instance of the <see cref="PostgresAuditLog"/> class.</summary>
    /// <param name="store">The database.</param>
    /// <param name="hmacKey">The bytes of <c>AUDIT_HMAC_KEY</c>, which keys the chain (HMAC-SHA256) so a record cannot be
    /// forged without it; <see langword="null"/> for an unkeyed (SHA-256) chain, which finds accidental damage only.</param>
    /// <exception cref="ArgumentNullException"><paramref name="store"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="hmacKey"/> is empty.</exception>
    public PostgresAuditLog(PostgresStore store, byte[]? hmacKey = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _chain = new AuditChain(hmacKey);
        _queue = new GroupCommitQueue<PendingAuditAppend, AuditRecord>(
            capacity: 4 * MaxBatch,
            MaxBatch,
            AppendBatchAsync,
            (_, ex) => ex is NpgsqlException driver ? _store.Failure("audit log", "append a record", driver) : ex);
    }

    /// <inheritdoc/>
    /// <exception cref="EaioStorageException">The database could not be reached or refused the statement.</exception>
    public Task<AuditRecord> AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return _queue.WriteAsync(PendingAuditAppend.Of(entry), cancellationToken);
    }

    /// <summary>Appends the batch's records in order, after the chain's head, in one transaction under the chain's lock.</summary>
    private async Task<AuditRecord[]> AppendBatchAsync(IReadOnlyList<PendingAuditAppend> batch)
    {
        // Written whatever any caller's token says: the batch belongs to every caller in it, and is durable before any returns.
        await using NpgsqlConnection connection = await _store.OpenAsync(CancellationToken.None).ConfigureAwait(false);
        await using NpgsqlTransaction transaction = await connection.BeginTransactionAsync(CancellationToken.None).ConfigureAwait(false);

        long sequence = 1;
        string previous = AuditChain.Genesis;
        await using (NpgsqlCommand head = new("SELECT pg_advisory_xact_lock(@lock); SELECT seq, hash FROM eaio_audit ORDER BY seq DESC LIMIT 1", connection, transaction))
        {
            head.Parameters.AddWithValue("lock", ChainLock);
            await using NpgsqlDataReader reader = await head.ExecuteReaderAsync(CancellationToken.None).ConfigureAwait(false);
            await reader.NextResultAsync(CancellationToken.None).ConfigureAwait(false);
            if (await reader.ReadAsync(CancellationToken.None).ConfigureAwait(false))
            {
                sequence = reader.GetInt64(0) + 1;
                previous = reader.GetString(1);
            }
        }

        AuditRecord[] records = new AuditRecord[batch.Count];
        await using NpgsqlBatch inserts = new(connection, transaction);
        for (int i = 0; i < batch.Count; i++, sequence++)
        {
            string hash = _chain.Link(previous, sequence, batch[i].Json);
            NpgsqlBatchCommand insert = new("INSERT INTO eaio_audit (seq, entry, prev, hash, alg) VALUES (@seq, @entry, @prev, @hash, @alg)");
            insert.Parameters.AddWithValue("alg", (short)_chain.Algorithm);
            insert.Parameters.AddWithValue("seq", sequence);
            insert.Parameters.AddWithValue("entry", batch[i].Json);
            insert.Parameters.AddWithValue("prev", previous);
            insert.Parameters.AddWithValue("hash", hash);
            inserts.BatchCommands.Add(insert);
            records[i] = new AuditRecord(sequence, batch[i].Entry, previous, hash) { Algorithm = _chain.Algorithm };
            previous = hash;
        }

        await inserts.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
        return records;
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<AuditRecord> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (AuditRow row in RowsAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return new AuditRecord(row.Sequence, AuditChain.Deserialize(row.EntryJson), row.PreviousHash, row.Hash) { Algorithm = row.Algorithm };
        }
    }

    /// <inheritdoc/>
    public Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default) =>
        _chain.VerifyAsync(RowsAsync(cancellationToken), start: null, cancellationToken);

    private async IAsyncEnumerable<AuditRow> RowsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using NpgsqlConnection connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using NpgsqlCommand select = new("SELECT seq, entry, prev, hash, alg FROM eaio_audit ORDER BY id", connection);
        await using NpgsqlDataReader reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return new AuditRow(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), (AuditHashAlgorithm)reader.GetInt16(4));
        }
    }
}
