using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace Eaio.Routing;

/// <summary>The default audit store: one embedded SQLite file in WAL mode, created on first use.</summary>
/// <remarks>
/// An append is one <c>BEGIN IMMEDIATE</c> transaction that reads the chain's head and inserts the next record, so
/// concurrent writers, in this process or others sharing the file, serialise on SQLite's write lock and the chain never forks.
/// </remarks>
public sealed class SqliteAuditLog : IAuditLog
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS audit (
            seq   INTEGER NOT NULL UNIQUE,
            entry TEXT    NOT NULL,
            prev  TEXT    NOT NULL,
            hash  TEXT    NOT NULL);
        """;

    private readonly SqliteFile _file;

    /// <summary>Initializes a new instance of the <see cref="SqliteAuditLog"/> class.</summary>
    /// <param name="path">The database file; its folder is created when missing.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    public SqliteAuditLog(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
        _file = new SqliteFile(Path, Schema, "FULL");
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

            string hash = AuditChain.Hash(previous, sequence, json);
            await using (SqliteCommand insert = connection.CreateCommand())
            {
                insert.CommandText = "INSERT INTO audit (seq, entry, prev, hash) VALUES ($seq, $entry, $prev, $hash)";
                insert.Parameters.AddWithValue("$seq", sequence);
                insert.Parameters.AddWithValue("$entry", json);
                insert.Parameters.AddWithValue("$prev", previous);
                insert.Parameters.AddWithValue("$hash", hash);
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await using (SqliteCommand commit = connection.CreateCommand())
            {
                commit.CommandText = "COMMIT";
                await commit.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
            }

            return new AuditRecord(sequence, entry, previous, hash);
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
        await using SqliteConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteCommand select = connection.CreateCommand();

        // Ordered by rowid, the order of insertion: ordering by seq would hide a record whose seq was changed.
        select.CommandText = "SELECT seq, entry, prev, hash FROM audit ORDER BY rowid";
        await using SqliteDataReader reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return (reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3));
        }
    }

    internal Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken) => _file.OpenAsync(cancellationToken);

}
