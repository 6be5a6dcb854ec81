using Microsoft.Data.Sqlite;

namespace Eaio.Routing;

/// <summary>
/// A store's writing connection, kept open between group-committed batches with every statement prepared once: the
/// group commit lets one batch write at a time, so one connection serves every batch of the process.
/// </summary>
/// <remarks>
/// Taking a pooled connection, setting its pragmas and preparing <c>BEGIN IMMEDIATE</c>, the batch's statements and
/// <c>COMMIT</c> again for every batch cost about 160 µs of a single durable audit append's 370 µs on the test machine, as
/// much as the flush itself, and the ledger paid it twice per external call, on the request's path (docs/benchmarks.md,
/// issue 17). A store drops its writer after any failure and the next batch opens a new one, as a pooled connection
/// would have been.
/// </remarks>
internal sealed class SqliteWriterConnection : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly List<SqliteCommand> _commands = [];
    private readonly SqliteCommand _begin;
    private readonly SqliteCommand _commit;

    private SqliteWriterConnection(SqliteConnection connection)
    {
        _connection = connection;
        _begin = Prepare("BEGIN IMMEDIATE");
        _commit = Prepare("COMMIT");
    }

    /// <summary>Opens a writer on a store's file (created on first use, with the store's durability setting).</summary>
    /// <param name="file">The store's file.</param>
    /// <returns>The writer.</returns>
    public static async Task<SqliteWriterConnection> OpenAsync(SqliteFile file) =>
        new(await file.OpenAsync(CancellationToken.None).ConfigureAwait(false));

    /// <summary>Makes a command on the writer's connection, kept and disposed with it, prepared on its first run.</summary>
    /// <param name="sql">The statement.</param>
    /// <param name="parameters">Its parameters' names, in the order their values will be set.</param>
    /// <returns>The command.</returns>
    public SqliteCommand Prepare(string sql, params ReadOnlySpan<string> parameters)
    {
        SqliteCommand command = Command(_connection, sql, parameters);
        _commands.Add(command);
        return command;
    }

    /// <summary>Makes a command with named parameters on any connection (the caller disposes it).</summary>
    /// <param name="connection">The connection.</param>
    /// <param name="sql">The statement.</param>
    /// <param name="parameters">Its parameters' names, in the order their values will be set.</param>
    /// <returns>The command.</returns>
    public static SqliteCommand Command(SqliteConnection connection, string sql, params ReadOnlySpan<string> parameters)
    {
        SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (string name in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        return command;
    }

    /// <summary>Starts the batch's transaction, taking the write lock.</summary>
    /// <returns>A task that completes when the lock is held.</returns>
    public Task BeginAsync() => _begin.ExecuteNonQueryAsync(CancellationToken.None);

    /// <summary>Commits the batch's transaction (a flush to disk under <c>synchronous = FULL</c>).</summary>
    /// <returns>A task that completes when it is committed.</returns>
    public Task CommitAsync() => _commit.ExecuteNonQueryAsync(CancellationToken.None);

    /// <summary>Rolls the batch's transaction back, when one is open; a failure to do so is left to the batch's own.</summary>
    public void RollBack()
    {
        try
        {
            using SqliteCommand rollback = Command(_connection, "ROLLBACK");
            rollback.ExecuteNonQuery();
        }
        catch (Exception ex) when (ex is SqliteException or InvalidOperationException)
        {
            // No transaction was open (BEGIN itself failed), or the connection broke: nothing to undo, and the batch's
            // own failure is what its callers get.
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (SqliteCommand command in _commands)
        {
            command.Dispose();
        }

        _connection.Dispose();
    }
}
