using Npgsql;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>
/// A fresh database on the PostgreSQL server named by <c>EAIO_TEST_POSTGRES</c> (started by <c>.ci/postgres</c>),
/// dropped afterwards. Without a server the test is skipped with a message that says how to run it; in CI it fails.
/// </summary>
internal sealed class PostgresDatabase : IAsyncDisposable
{
    private readonly string _server;

    private PostgresDatabase(string server, string name)
    {
        _server = server;
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(server) { Database = name, MaxPoolSize = 50 }.ConnectionString;
    }

    public string Name { get; }

    public string ConnectionString { get; }

    public static async Task<PostgresDatabase> CreateAsync()
    {
        string? server = Environment.GetEnvironmentVariable("EAIO_TEST_POSTGRES");
        if (string.IsNullOrWhiteSpace(server))
        {
            if (Environment.GetEnvironmentVariable("CI") is { Length: > 0 })
            {
                Assert.Fail("EAIO_TEST_POSTGRES is not set in CI: .ci/run must start PostgreSQL (.ci/postgres) before the tests.");
            }

            Assert.Ignore("PostgreSQL tests skipped: no server. Run eval \"$(.ci/postgres)\" to start one on 127.0.0.1 and set EAIO_TEST_POSTGRES.");
        }

        string name = "eaio_test_" + Guid.NewGuid().ToString("N");
        await using NpgsqlConnection connection = new(server);
        await connection.OpenAsync();
        await using NpgsqlCommand create = new($"CREATE DATABASE {name}", connection);
        await create.ExecuteNonQueryAsync();
        return new PostgresDatabase(server!, name);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using NpgsqlConnection connection = new(_server);
        await connection.OpenAsync();
        await using NpgsqlCommand drop = new($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
