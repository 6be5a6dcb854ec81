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
    }

    /// <inheritdoc/>
    public async Task<AuditRecord> AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        string json = AuditChain.Serialize(entry);
        await using NpgsqlConnection connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using NpgsqlTransaction transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        long sequence = 1;
        string previous = AuditChain.Genesis;
        await using (NpgsqlCommand head = new("SELECT pg_advisory_xact_lock(@lock); SELECT seq, hash FROM eaio_audit ORDER BY seq DESC LIMIT 1", connection, transaction))
        {
            head.Parameters.AddWithValue("lock", ChainLock);
            await using NpgsqlDataReader reader = await head.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                sequence = reader.GetInt64(0) + 1;
                previous = reader.GetString(1);
            }
        }

        string hash = _chain.Link(previous, sequence, json);
        await using (NpgsqlCommand insert = new("INSERT INTO eaio_audit (seq, entry, prev, hash, alg) VALUES (@seq, @entry, @prev, @hash, @alg)", connection, transaction))
        {
            insert.Parameters.AddWithValue("alg", (short)_chain.Algorithm);
            insert.Parameters.AddWithValue("seq", sequence);
            insert.Parameters.AddWithValue("entry", json);
            insert.Parameters.AddWithValue("prev", previous);
            insert.Parameters.AddWithValue("hash", hash);
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        // Committed whatever the caller's token says once the record is written: it is durable before the response returns.
        await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
        return new AuditRecord(sequence, entry, previous, hash) { Algorithm = _chain.Algorithm };
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
        _chain.VerifyAsync(RowsAsync(cancellationToken), cancellationToken);

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
