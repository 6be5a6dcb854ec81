using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>
/// A data directory for tests that wire the router with <c>AddEaioHybridChat</c> without one of their own: without it the
/// budget ledger and audit log would be created under the user's local application data folder.
/// </summary>
[SetUpFixture]
public sealed class TestDataDirectory
{
    /// <summary>Gets the folder, removed when the test run ends.</summary>
    public static string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "eaio-tests", "run-" + Guid.NewGuid().ToString("N"));

    [OneTimeTearDown]
    public void Remove()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
