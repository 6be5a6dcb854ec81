using Microsoft.Data.Sqlite;

namespace Eaio.Routing;

/// <summary>The default routing feedback store: a table in the request log's embedded SQLite file (<c>eaio-requests.db</c>), so what the adaptive policy learnt survives a restart.</summary>
/// <remarks>
/// One row per category; each score is added with one upsert, so hosts sharing the file never lose one another's scores.
/// Scores arrive with the request log's quality feedback, so they share its file, away from the budget ledger's.
/// </remarks>
public sealed class SqliteRoutingFeedbackStore : IRoutingFeedbackStore
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS routing_feedback (
            category       TEXT    PRIMARY KEY,
            local_count    INTEGER NOT NULL,
            local_score    REAL    NOT NULL,
            external_count INTEGER NOT NULL,
            external_score REAL    NOT NULL);
        """;

    /// <summary>The move of a <c>routing_feedback</c> table left in <c>eaio.db</c>.</summary>
    private static readonly SqliteTableMove s_move = new()
    {
        Table = "routing_feedback",
        Columns = ["category", "local_count", "local_score", "external_count", "external_score"],
        Order = "category",
        Remedy = "drop the old table (DROP TABLE routing_feedback) to keep what the new file learnt",
    };

    private readonly SqliteFile _file;

    /// <summary>Initializes a new instance of the <see cref="SqliteRoutingFeedbackStore"/> class.</summary>
    /// <param name="path">The database file; its folder is created when missing.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    public SqliteRoutingFeedbackStore(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
        _file = new SqliteFile(Path, Schema, synchronous: "NORMAL", UpgradeAsync);
    }

    /// <summary>Gets the database file.</summary>
    public string Path { get; }

    /// <summary>Gets the file whose <c>routing_feedback</c> table is moved into this one on first use (an <c>eaio.db</c>
    /// written before the request log had its own file), or <see langword="null"/>.</summary>
    internal string? MoveFrom { get; init; }

    /// <inheritdoc/>
    public async Task AddAsync(string category, ProviderTier tier, double score, CancellationToken cancellationToken = default)
    {
        RoutingFeedback.Validate(category, score);
        await using SqliteConnection connection = await _file.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteCommand upsert = connection.CreateCommand();
        upsert.CommandText = """
            INSERT INTO routing_feedback (category, local_count, local_score, external_count, external_score)
            VALUES ($c, $lc, $ls, $ec, $es)
            ON CONFLICT (category) DO UPDATE SET
                local_count = local_count + excluded.local_count,
                local_score = local_score + excluded.local_score,
                external_count = external_count + excluded.external_count,
                external_score = external_score + excluded.external_score
            """;
        bool local = tier == ProviderTier.Local;
        upsert.Parameters.AddWithValue("$c", category);
        upsert.Parameters.AddWithValue("$lc", local ? 1 : 0);
        upsert.Parameters.AddWithValue("$ls", local ? score : 0.0);
        upsert.Parameters.AddWithValue("$ec", local ? 0 : 1);
        upsert.Parameters.AddWithValue("$es", local ? 0.0 : score);
        await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyDictionary<string, CategoryFeedback>> ReadAsync(CancellationToken cancellationToken = default)
    {
        await using SqliteConnection connection = await _file.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteCommand select = connection.CreateCommand();
        select.CommandText = "SELECT category, local_count, local_score, external_count, external_score FROM routing_feedback";
        Dictionary<string, CategoryFeedback> categories = new(StringComparer.Ordinal);
        await using SqliteDataReader reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            categories[reader.GetString(0)] = new CategoryFeedback(reader.GetInt64(1), reader.GetDouble(2), reader.GetInt64(3), reader.GetDouble(4));
        }

        return categories;
    }

    private Task UpgradeAsync(SqliteConnection connection) =>
        MoveFrom is { } legacy ? s_move.RunAsync(legacy, connection, Path) : Task.CompletedTask;
}
