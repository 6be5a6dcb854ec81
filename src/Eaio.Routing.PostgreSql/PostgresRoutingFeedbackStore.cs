using Npgsql;

namespace Eaio.Routing;

/// <summary>The adaptive policy's feedback in PostgreSQL, so that every host of the database learns from every host's feedback.</summary>
/// <remarks>One row per category; each score is added with one upsert, so concurrent hosts never lose one another's scores.</remarks>
public sealed class PostgresRoutingFeedbackStore : IRoutingFeedbackStore
{
    private readonly PostgresStore _store;

    /// <summary>Initializes a new instance of the <see cref="PostgresRoutingFeedbackStore"/> class.</summary>
    /// <param name="store">The database.</param>
    /// <exception cref="ArgumentNullException"><paramref name="store"/> is <see langword="null"/>.</exception>
    public PostgresRoutingFeedbackStore(PostgresStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
    }

    /// <inheritdoc/>
    public async Task AddAsync(string category, ProviderTier tier, double score, CancellationToken cancellationToken = default)
    {
        RoutingFeedback.Validate(category, score);
        bool local = tier == ProviderTier.Local;
        await using NpgsqlConnection connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using NpgsqlCommand upsert = new(
            """
            INSERT INTO eaio_routing_feedback AS f (category, local_count, local_score, external_count, external_score)
            VALUES (@c, @lc, @ls, @ec, @es)
            ON CONFLICT (category) DO UPDATE SET
                local_count = f.local_count + excluded.local_count,
                local_score = f.local_score + excluded.local_score,
                external_count = f.external_count + excluded.external_count,
                external_score = f.external_score + excluded.external_score
            """,
            connection);
        upsert.Parameters.AddWithValue("c", category);
        upsert.Parameters.AddWithValue("lc", local ? 1L : 0L);
        upsert.Parameters.AddWithValue("ls", local ? score : 0.0);
        upsert.Parameters.AddWithValue("ec", local ? 0L : 1L);
        upsert.Parameters.AddWithValue("es", local ? 0.0 : score);
        await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyDictionary<string, CategoryFeedback>> ReadAsync(CancellationToken cancellationToken = default)
    {
        await using NpgsqlConnection connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using NpgsqlCommand select = new("SELECT category, local_count, local_score, external_count, external_score FROM eaio_routing_feedback", connection);
        await using NpgsqlDataReader reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        Dictionary<string, CategoryFeedback> categories = new(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            categories[reader.GetString(0)] = new CategoryFeedback(reader.GetInt64(1), reader.GetDouble(2), reader.GetInt64(3), reader.GetDouble(4));
        }

        return categories;
    }
}
