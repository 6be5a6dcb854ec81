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
/// Within one host, appends queue in memory and go to the database one at a time: they would only queue on the advisory
/// lock there anyway, and each waiting there holds a pooled connection. Under a burst (issue 16: 250 requests at once
/// per host) those waiting appends took the whole pool, and the ledger's statements and other appends timed out waiting
/// for a connection.
/// </para>
/// <para>Records are read and verified in insertion order (an identity column), so a record whose <c>seq</c> was edited
/// or a row moved is found like any other change.</para>
/// </remarks>
#pragma warning disable CA1001 // The semaphore is never asked for a wait handle: there is nothing to dispose.
public sealed class PostgresAuditLog : IAuditLog
#pragma warning restore CA1001
{
    /// <summary>The advisory lock key of the chain's head ('EAIOAUDT' as a number).</summary>
    private const long ChainLock = 0x4541494F41554454;

    private readonly PostgresStore _store;

    // Never asked for a wait handle (only WaitAsync and Release), so it holds nothing to dispose.
    private readonly SemaphoreSlim _appending = new(1, 1);

    /// <summary>Initializes a new instance of the <see cref="PostgresAuditLog"/> class.</summary>
    /// <param name="store">The database.</param>
    /// <exception cref="ArgumentNullException"><paramref name="store"/> is <see langword="null"/>.</exception>
    public PostgresAuditLog(PostgresStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
    }

    /// <inheritdoc/>
    /// <exception cref="EaioStorageException">The database could not be reached or refused the statement.</exception>
    public async Task<AuditRecord> AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        await _appending.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await AppendCoreAsync(entry, cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException ex)
        {
            throw _store.Failure("audit log", "append a record", ex);
        }
        finally
        {
            _appending.Release();
        }
    }

    private async Task<AuditRecord> AppendCoreAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
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

        string hash = AuditChain.Hash(previous, sequence, json);
        await using (NpgsqlCommand insert = new("INSERT INTO eaio_audit (seq, entry, prev, hash) VALUES (@seq, @entry, @prev, @hash)", connection, transaction))
        {
            insert.Parameters.AddWithValue("seq", sequence);
            insert.Parameters.AddWithValue("entry", json);
            insert.Parameters.AddWithValue("prev", previous);
            insert.Parameters.AddWithValue("hash", hash);
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        // Committed whatever the caller's token says once the record is written: it is durable before the response returns.
        await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
        return new AuditRecord(sequence, entry, previous, hash);
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<AuditRecord> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach ((long sequence, string json, string previous, string hash) in RowsAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return new AuditRecord(sequence, AuditChain.Deserialize(json), previous, hash);
        }
    }

    /// <inheritdoc/>
    public Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default) =>
        AuditChain.VerifyAsync(RowsAsync(cancellationToken), cancellationToken);

    private async IAsyncEnumerable<(long Sequence, string EntryJson, string PreviousHash, string Hash)> RowsAsync(
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using NpgsqlConnection connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using NpgsqlCommand select = new("SELECT seq, entry, prev, hash FROM eaio_audit ORDER BY id", connection);
        await using NpgsqlDataReader reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return (reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3));
        }
    }
}
