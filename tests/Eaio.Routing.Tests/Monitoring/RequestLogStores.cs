namespace Eaio.Routing.Tests;

/// <summary>The three request log stores, made alike for tests that run over each: in memory, SQLite in a test folder, and
/// PostgreSQL in a fresh database (skipped without a server).</summary>
internal static class RequestLogStores
{
    public static IEnumerable<string> Kinds() => ["memory", "sqlite", "postgres"];

    /// <summary>A test folder's path, created by the SQLite log on first use.</summary>
    public static string NewFolder(string prefix) => Path.Combine(Path.GetTempPath(), "eaio-tests", prefix + Guid.NewGuid().ToString("N"));

    /// <summary>Deletes a test folder once SQLite has let go of its files.</summary>
    public static void RemoveFolder(string folder)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Opens a store of <paramref name="kind"/>; disposing the result disposes it and what it was made with.</summary>
    public static async Task<Disposable<IRequestLog>> CreateAsync(string kind, string folder, TimeSpan? retention = null, TimeProvider? time = null)
    {
        switch (kind)
        {
            case "memory":
                return new Disposable<IRequestLog>(new InMemoryRequestLog(retention, time), null);
            case "sqlite":
                return new Disposable<IRequestLog>(
                    new SqliteRequestLog(Path.Combine(folder, "eaio.db"), retention: retention, timeProvider: time),
                    l => ((SqliteRequestLog)l).DisposeAsync());
            default:
                PostgresDatabase database = await PostgresDatabase.CreateAsync();
                PostgresStore store = new(database.ConnectionString);
                return new Disposable<IRequestLog>(new PostgresRequestLog(store, retention: retention, timeProvider: time), async l =>
                {
                    await ((PostgresRequestLog)l).DisposeAsync();
                    await store.DisposeAsync();
                    await database.DisposeAsync();
                });
        }
    }
}

/// <summary>A value with how to dispose it, for tests that run alike over stores disposed differently.</summary>
internal sealed class Disposable<T>(T value, Func<T, ValueTask>? dispose) : IAsyncDisposable
{
    public T Value { get; } = value;

    public ValueTask DisposeAsync() => dispose?.Invoke(Value) ?? ValueTask.CompletedTask;
}
