namespace Eaio.Routing;

/// <summary>
/// Runs a set-up step (creating a database file, migrating a schema) once for all callers; a failed or cancelled attempt
/// is not remembered, so the next caller tries again (the disk was full, the server was down).
/// </summary>
internal sealed class RetryingOnce(Func<Task> step)
{
    private Task? _attempt;

    /// <summary>Gets the step's task: the one in progress or done, or a new attempt after a failure.</summary>
    public Task EnsureAsync()
    {
        Task? current = Volatile.Read(ref _attempt);
        if (current is not null && !current.IsFaulted && !current.IsCanceled)
        {
            return current;
        }

        Task started = step();
        return Interlocked.CompareExchange(ref _attempt, started, current) == current ? started : _attempt!;
    }
}
