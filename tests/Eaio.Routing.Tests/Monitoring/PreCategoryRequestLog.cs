using Microsoft.Data.Sqlite;

namespace Eaio.Routing.Tests;

/// <summary>The <c>request_log</c> table as versions before the category column wrote it, for the upgrade and move tests.</summary>
internal static class PreCategoryRequestLog
{
    /// <summary>Creates the old table in a file with one row: request <c>old</c>, served by Ollama in 100 ms.</summary>
    /// <param name="path">The SQLite file (its folder must exist).</param>
    /// <param name="at">The row's time.</param>
    /// <returns>A task that completes when the file is written and closed.</returns>
    public static async Task CreateAsync(string path, DateTimeOffset at)
    {
        await using SqliteConnection old = new($"Data Source={path};Pooling=False");
        await old.OpenAsync();
        await using SqliteCommand create = old.CreateCommand();
        create.CommandText = """
            CREATE TABLE request_log (
                id INTEGER PRIMARY KEY, request_id TEXT NOT NULL, response_id TEXT, ts INTEGER NOT NULL, provider TEXT NOT NULL,
                model TEXT NOT NULL, tier INTEGER NOT NULL, privacy INTEGER NOT NULL, complexity REAL NOT NULL, outcome INTEGER NOT NULL,
                error_type TEXT, latency_ms REAL NOT NULL, ttft_ms REAL, input_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL,
                cost_usd REAL NOT NULL, fallbacks INTEGER NOT NULL, quality REAL, rate_limit REAL, streamed INTEGER NOT NULL);
            INSERT INTO request_log (request_id, ts, provider, model, tier, privacy, complexity, outcome, latency_ms, input_tokens, output_tokens, cost_usd, fallbacks, streamed)
            VALUES ('old', $ts, 'ollama', 'llama3.2:3b', 0, 2, 0.3, 0, 100, 12, 7, 0, 0, 0);
            """;
        create.Parameters.AddWithValue("$ts", at.ToUnixTimeMilliseconds());
        await create.ExecuteNonQueryAsync();
    }
}
