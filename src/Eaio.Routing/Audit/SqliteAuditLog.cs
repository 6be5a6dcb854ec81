using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace Eaio.Routing;

/// <summary>The default audit store: one embedded SQLite file in WAL mode, created on first use.</summary>
/// <remarks>
/// An append is one <c>BEGIN IMMEDIATE</c> transaction that reads the chain's head and inserts the next record, so
/// concurrent writers, in this process or others sharing the file, serialise on SQLite's write lock and the chain never forks.
/// A file written before keyed chains gets the <c>alg</c> column on first use; its records stay SHA-256 and verify as before.
/// </remarks>
public sealed class SqliteAuditLog : IAuditLog
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS audit (
            seq   INTEGER NOT NULL UNIQUE,
            entry TEXT    NOT NULL,
            prev  TEXT    NOT NULL,
            hash  TEXT    NOT NULL,
            alg   INTEGER NOT NULL DEFAULT 1);
        """;

    private readonly SqliteFile _file;
    private readonly AuditChain _chain;

    /// <summary>Initializes a new instance of the <see cref="SqliteAuditLog"/> class.</summary>
    /// <param name="path">The database file; its folder is created when missing.</param>
    /// <param name="hmacKey">The bytes of <c>AUDIT_HMAC_KEY</c>, which keys the chain (HMAC-SHA256) so a record cannot be
    /// forged without it; <see langword="null"/> for an unkeyed (SHA-256) chain, which finds accidental damage only.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> or <paramref name="hmacKey"/> is empty.</exception>
    public SqliteAuditLog(string path, byte[]? hmacKey = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        _chain = new AuditChain(hmacKey);
        Path = System.IO.Path.GetFullPath(path);
        _file = new SqliteFile(Path, Schema, "FULL", AddAlgorithmColumnAsync);
    }

    /// <summary>Gets the database file.</summary>
    public string Path { get; }

    /// <inheritdoc/>
    /// <exception cref="EaioStorageException">The file could not be read or written.</exception>
    public async Task<AuditRecord> AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        try
        {
            return await AppendCoreAsync(entry, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException)
        {
            throw new EaioStorageException($"SQLite audit log at {Path}", "append a record", ex);
        }
    }

    private async Task<AuditRecord> AppendCoreAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        string json = AuditChain.Serialize(entry);
        await using SqliteConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);

        // BEGIN IMMEDIATE takes the write lock before reading the head, so no other writer can append in between.
        await using (SqliteCommand begin = connection.CreateCommand())
        {
            begin.CommandText = "BEGIN IMMEDIATE";
            await begin.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            long sequence = 1;
            string previous = AuditChain.Genesis;
            await using (SqliteCommand head = connection.CreateCommand())
            {
                head.CommandText = "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1";
                await using SqliteDataReader reader = await head.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    sequence = reader.GetInt64(0) + 1;
                    previous = reader.GetString(1);
                }
            }

            string hash = _chain.Link(previous, sequence, json);
            await using (SqliteCommand insert = connection.CreateCommand())
            {
                insert.CommandText = "INSERT INTO audit (seq, entry, prev, hash, alg) VALUES ($seq, $entry, $prev, $hash, $alg)";
                insert.Parameters.AddWithValue("$seq", sequence);
                insert.Parameters.AddWithValue("$entry", json);
                insert.Parameters.AddWithValue("$prev", previous);
                insert.Parameters.AddWithValue("$hash", hash);
                insert.Parameters.AddWithValue("$alg", (int)_chain.Algorithm);
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await using (SqliteCommand commit = connection.CreateCommand())
            {
                commit.CommandText = "COMMIT";
                await commit.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
            }

            return new AuditRecord(sequence, entry, previous, hash) { Algorithm = _chain.Algorithm };
        }
        catch
        {
            await using SqliteCommand rollback = connection.CreateCommand();
            rollback.CommandText = "ROLLBACK";
            await rollback.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
            throw;
        }
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
        await using SqliteConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteCommand select = connection.CreateCommand();

        // Ordered by rowid, the order of insertion: ordering by seq would hide a record whose seq was changed.
        select.CommandText = "SELECT seq, entry, prev, hash, alg FROM audit ORDER BY rowid";
        await using SqliteDataReader reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return new AuditRow(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), (AuditHashAlgorithm)reader.GetInt32(4));
        }
    }

    internal Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken) => _file.OpenAsync(cancellationToken);

    /// <summary>Adds the <c>alg</c> column to a file written before keyed chains; its records are all SHA-256 (the default).</summary>
    private static async Task AddAlgorithmColumnAsync(SqliteConnection connection)
    {
        // Checked and added under the write lock, so two processes opening one old file do not both add it.
        await using SqliteCommand upgrade = connection.CreateCommand();
        upgrade.CommandText = "BEGIN IMMEDIATE";
        await upgrade.ExecuteNonQueryAsync().ConfigureAwait(false);
        try
        {
            upgrade.CommandText = "SELECT COUNT(*) FROM pragma_table_info('audit') WHERE name = 'alg'";
            if ((long)(await upgrade.ExecuteScalarAsync().ConfigureAwait(false))! == 0)
            {
                upgrade.CommandText = "ALTER TABLE audit ADD COLUMN alg INTEGER NOT NULL DEFAULT 1";
                await upgrade.ExecuteNonQueryAsync().ConfigureAwait(false);
            }

            upgrade.CommandText = "COMMIT";
            await upgrade.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
        catch
        {
            upgrade.CommandText = "ROLLBACK";
            await upgrade.ExecuteNonQueryAsync().ConfigureAwait(false);
            throw;
        }
    }
}
