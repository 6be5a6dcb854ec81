using Microsoft.Data.Sqlite;

namespace Eaio.Routing.Tests;

/// <summary>Reads and changes a SQLite file directly, outside every store and pool, as another process or an attacker would.</summary>
internal static class SqliteTestFile
{
    /// <summary>Runs SQL on the file.</summary>
    public static async Task ExecuteAsync(string path, string sql)
    {
        await using SqliteConnection connection = await OpenAsync(path);
        await using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Whether the file has the table.</summary>
    public static async Task<bool> TableExistsAsync(string path, string table)
    {
        await using SqliteConnection connection = await OpenAsync(path);
        await using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = $name";
        command.Parameters.AddWithValue("$name", table);
        return (long)(await command.ExecuteScalarAsync())! == 1;
    }

    private static async Task<SqliteConnection> OpenAsync(string path)
    {
        SqliteConnection connection = new($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        return connection;
    }
}
