using Microsoft.Data.Sqlite;

namespace Eaio.Routing;

/// <summary>
/// One embedded SQLite file as a store uses it: pooled connections, the folder, WAL mode and the store's tables created
/// on first use (again after a failed attempt), and the store's own durability setting on every connection it opens.
/// </summary>
/// <remarks>
/// The setting is applied per connection, not per file, because stores that share a file share its connection pool: a
/// connection the request log left at NORMAL may next be handed to a store that needs FULL. (By default the ledger has
/// <c>eaio.db</c>, the request log and routing feedback <c>eaio-requests.db</c>, the audit log <c>eaio-audit.db</c>, since
/// issue 17; a host may still give every store one path.)
/// </remarks>
internal sealed class SqliteFile
{
    /// <summary>
    /// A lock held by another connection is waited for inside SQLite, which retries within a millisecond or a few of its
    /// release. Without it Microsoft.Data.Sqlite retries a busy statement itself, sleeping 150 ms between tries: a 20 ms
    /// lock cost 173 ms (measured), and requests stalled in steps of 150 ms (issue 17).
    /// </summary>
    private const string BusyTimeout = "PRAGMA busy_timeout = 30000;";

    private readonly string _connectionString;
    private readonly string _schema;
    private readonly string? _synchronous;
    private readonly Func<SqliteConnection, Task>? _upgrade;
    private readonly RetryingOnce _creation;

    /// <param name="path">The database file (already a full path); its folder is created when missing.</param>
    /// <param name="schema">The store's <c>CREATE … IF NOT EXISTS</c> statements.</param>
    /// <param name="synchronous"><c>FULL</c> or <c>NORMAL</c> for every connection opened, or <see langword="null"/> to leave it.</param>
    /// <param name="upgrade">Brings a file written by an earlier version to the schema, after <paramref name="schema"/> ran;
    /// it must be safe to run again and by several processes at once.</param>
    public SqliteFile(string path, string schema, string? synchronous, Func<SqliteConnection, Task>? upgrade = null)
    {
        Path = path;
        _schema = schema;
        _synchronous = synchronous;
        _upgrade = upgrade;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        _creation = new RetryingOnce(CreateAsync);
    }

    public string Path { get; }

    /// <summary>Opens a connection once the tables exist.</summary>
    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        await _creation.EnsureAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        SqliteConnection connection = new(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using SqliteCommand pragma = connection.CreateCommand();
        pragma.CommandText = _synchronous is null ? BusyTimeout : $"{BusyTimeout} PRAGMA synchronous = {_synchronous};";
        await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    private async Task CreateAsync()
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        await using SqliteConnection connection = new(_connectionString);
        await connection.OpenAsync().ConfigureAwait(false);
        await using SqliteCommand create = connection.CreateCommand();
        create.CommandText = BusyTimeout + "\nPRAGMA journal_mode = WAL;\n" + _schema;
        await create.ExecuteNonQueryAsync().ConfigureAwait(false);
        if (_upgrade is not null)
        {
            await _upgrade(connection).ConfigureAwait(false);
        }
    }

    /// <summary>Adds a column to a table written by an earlier version, once: checked and added under the write lock, so
    /// two processes opening one old file do not both add it.</summary>
    /// <param name="connection">An open connection to the file.</param>
    /// <param name="table">The table.</param>
    /// <param name="column">The column's name.</param>
    /// <param name="definition">The column's type and default, as <c>ALTER TABLE … ADD COLUMN</c> takes them.</param>
    public static async Task AddColumnIfMissingAsync(SqliteConnection connection, string table, string column, string definition)
    {
        await using SqliteCommand upgrade = connection.CreateCommand();
        upgrade.CommandText = "BEGIN IMMEDIATE";
        await upgrade.ExecuteNonQueryAsync().ConfigureAwait(false);
        try
        {
            upgrade.CommandText = $"SELECT COUNT(*) FROM pragma_table_info('{table}') WHERE name = '{column}'";
            if ((long)(await upgrade.ExecuteScalarAsync().ConfigureAwait(false))! == 0)
            {
                upgrade.CommandText = $"ALTER TABLE {table} ADD COLUMN {column} {definition}";
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
