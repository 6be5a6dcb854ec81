using Microsoft.Data.Sqlite;

namespace Eaio.Routing.Benchmarks;

/// <summary>
/// The SQLite audit append as it was before issue 17, kept here only as the benchmark's baseline: each append its own
/// <c>BEGIN IMMEDIATE</c> transaction and flush, and a busy writer retried by Microsoft.Data.Sqlite (150 ms sleeps), as
/// connections had no <c>busy_timeout</c>.
/// </summary>
internal sealed class OneCommitPerRecordAuditLog
{
    private readonly string _connectionString;
    private readonly AuditChain _chain = new(hmacKey: null);

    public OneCommitPerRecordAuditLog(string path)
    {
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, DefaultTimeout = 30 }.ToString();
        using SqliteConnection connection = new(_connectionString);
        connection.Open();
        using SqliteCommand create = connection.CreateCommand();
        create.CommandText = "PRAGMA journal_mode = WAL; CREATE TABLE IF NOT EXISTS audit (seq INTEGER NOT NULL UNIQUE, entry TEXT NOT NULL, prev TEXT NOT NULL, hash TEXT NOT NULL, alg INTEGER NOT NULL DEFAULT 1);";
        create.ExecuteNonQuery();
    }

    public async Task<long> AppendAsync(AuditEntry entry)
    {
        string json = AuditChain.Serialize(entry);
        await using SqliteConnection connection = new(_connectionString);
        await connection.OpenAsync();
        await using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "PRAGMA synchronous = FULL; BEGIN IMMEDIATE";
        await command.ExecuteNonQueryAsync();
        command.CommandText = "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1";
        long sequence = 1;
        string previous = AuditChain.Genesis;
        await using (SqliteDataReader reader = await command.ExecuteReaderAsync())
        {
            if (await reader.ReadAsync())
            {
                sequence = reader.GetInt64(0) + 1;
                previous = reader.GetString(1);
            }
        }

        command.CommandText = "INSERT INTO audit (seq, entry, prev, hash, alg) VALUES ($seq, $entry, $prev, $hash, 1); COMMIT";
        command.Parameters.AddWithValue("$seq", sequence);
        command.Parameters.AddWithValue("$entry", json);
        command.Parameters.AddWithValue("$prev", previous);
        command.Parameters.AddWithValue("$hash", _chain.Link(previous, sequence, json));
        await command.ExecuteNonQueryAsync();
        return sequence;
    }
}
