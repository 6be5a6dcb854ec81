namespace Eaio.Routing.Benchmarks;

/// <summary>Takes the result of a vault call that completes synchronously (in memory, SQLite), so a benchmark measures the work, not the await.</summary>
internal static class Synchronously
{
    public static T Result<T>(ValueTask<T> task) =>
        task.IsCompletedSuccessfully ? task.Result : throw new InvalidOperationException("The call did not complete synchronously.");
}
