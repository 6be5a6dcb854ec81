using Npgsql;

namespace Eaio.Routing;

/// <summary>
/// The PostgreSQL database the EAIO stores share: one connection pool, and the schema migrated once, on first use.
/// </summary>
/// <remarks>Register one per database and give it to each store; it owns the pool and disposes it.</remarks>
public sealed class PostgresStore : IAsyncDisposable, IDisposable
{
    private readonly RetryingOnce _migration;

    /// <summary>Initializes a new instance of the <see cref="PostgresStore"/> class.</summary>
    /// <param name="connectionString">An Npgsql connection string, for example <c>Host=127.0.0.1;Port=5432;Database=eaio;Username=eaio;Password=…</c>.</param>
    /// <exception cref="ArgumentException"><paramref name="connectionString"/> is empty or not a valid connection string.</exception>
    public PostgresStore(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException ex)
        {
            // The message names the bad keyword; the value may hold a password, so it is not repeated.
            throw new ArgumentException($"The PostgreSQL connection string is not valid: {ex.Message}", nameof(connectionString), ex);
        }

        // The stores send the same few statements all the time: prepared once per connection, they skip parsing and planning.
        if (builder.MaxAutoPrepare == 0)
        {
            builder.MaxAutoPrepare = 32;
        }

        // What failures name: where the database is, never who logs in or with what password.
        Location = $"{builder.Host}:{builder.Port}/{builder.Database ?? builder.Username}";
        DataSource = NpgsqlDataSource.Create(builder);
        _migration = new RetryingOnce(() => PostgresSchema.MigrateAsync(DataSource, CancellationToken.None));
    }

    /// <summary>Gets where the database is (<c>host:port/database</c>), without credentials, as failures name it.</summary>
    public string Location { get; }

    /// <summary>Gets the pool the stores open their connections from.</summary>
    internal NpgsqlDataSource DataSource { get; }

    /// <summary>Opens a connection after the schema is at the version this code writes.</summary>
    internal async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        await _migration.EnsureAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        return await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Makes sure the schema exists now, so a wrong connection string fails at start-up rather than on the first call.</summary>
    /// <param name="cancellationToken">The token to cancel the operation.</param>
    /// <returns>A task that completes when the schema is current.</returns>
    public async Task EnsureSchemaAsync(CancellationToken cancellationToken = default)
    {
        await using NpgsqlConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether PostgreSQL aborted a transaction as a deadlock victim or a serialization failure: it changed nothing, and may run again.</summary>
    internal static bool IsConflict(Exception ex) =>
        ex is PostgresException { SqlState: PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure };

    /// <summary>The error a store's caller gets for a driver failure: it names the store and the database, never the password.</summary>
    /// <param name="store">The store, for example <c>ledger</c>.</param>
    /// <param name="operation">What failed, for example <c>reserve budget</c>.</param>
    /// <param name="exception">The driver's exception.</param>
    internal EaioStorageException Failure(string store, string operation, Exception exception) =>
        new($"PostgreSQL {store} {Location}", operation, exception);

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => DataSource.DisposeAsync();

    /// <inheritdoc/>
    public void Dispose() => DataSource.Dispose();
}
