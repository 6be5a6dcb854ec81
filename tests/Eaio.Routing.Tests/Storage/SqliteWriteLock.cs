using Microsoft.Data.Sqlite;

namespace Eaio.Routing.Tests;

/// <summary>
/// Another process's write transaction on a SQLite file, held by a connection of its own (outside every pool), so a test
/// can make a store's writes queue behind it and then let them go.
/// </summary>
internal sealed class SqliteWriteLock : IAsyncDisposable
{
    private readonly SqliteConnection _holder;
    private bool _released;

    private SqliteWriteLock(SqliteConnection holder) => _holder = holder;

    /// <summary>Takes the file's write lock (<c>BEGIN IMMEDIATE</c>).</summary>
    public static async Task<SqliteWriteLock> TakeAsync(string path)
    {
        SqliteConnection holder = new($"Data Source={path};Pooling=False");
        await holder.OpenAsync();
        await using SqliteCommand begin = holder.CreateCommand();
        begin.CommandText = "BEGIN IMMEDIATE";
        await begin.ExecuteNonQueryAsync();
        return new SqliteWriteLock(holder);
    }

    /// <summary>Ends the transaction (it wrote nothing, so committing and rolling back are alike) and closes the connection.</summary>
    public async Task ReleaseAsync()
    {
        if (_released)
        {
            return;
        }

        _released = true;
        await using (SqliteCommand end = _holder.CreateCommand())
        {
            end.CommandText = "ROLLBACK";
            await end.ExecuteNonQueryAsync();
        }

        await _holder.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_released)
        {
            _released = true;
            await _holder.DisposeAsync();
        }
    }
}
