using Polly;
using Polly.Retry;

namespace Eaio.Routing;

/// <summary>
/// Runs a store operation again when the store aborted it as a conflict (a PostgreSQL deadlock victim or serialization
/// failure, SQLite busy or locked): at most <see cref="MaxRetries"/> times, after exponentially growing pauses with
/// jitter, so hosts that collided once do not collide again in step.
/// </summary>
/// <remarks>
/// Only for operations the store rolled back whole when it aborted them (one statement, one batch or one transaction):
/// a failure that may have come after the commit (a broken connection) is not retried, because settling twice would
/// charge twice.
/// </remarks>
internal sealed class StoreRetry
{
    /// <summary>How many times an aborted operation runs again; with the pauses, at most about a second and a half in all.</summary>
    public const int MaxRetries = 4;

    private readonly ResiliencePipeline _pipeline;
    private long _retries;

    /// <param name="isConflict">Whether an exception is the store aborting the operation as a conflict.</param>
    /// <param name="randomizer">The jitter's source of numbers in [0, 1); Polly's own when <see langword="null"/>. Tests pass a fixed one.</param>
    /// <param name="timeProvider">The clock the pauses are timed on; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="baseDelay">The median first pause; 20 ms when <see langword="null"/>.</param>
    public StoreRetry(Func<Exception, bool> isConflict, Func<double>? randomizer = null, TimeProvider? timeProvider = null, TimeSpan? baseDelay = null)
    {
        RetryStrategyOptions options = new()
        {
            ShouldHandle = args => new ValueTask<bool>(args.Outcome.Exception is { } ex && isConflict(ex)),
            MaxRetryAttempts = MaxRetries,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = baseDelay ?? TimeSpan.FromMilliseconds(20),
            MaxDelay = TimeSpan.FromSeconds(1),
            OnRetry = _ =>
            {
                Interlocked.Increment(ref _retries);
                return default;
            },
        };
        if (randomizer is not null)
        {
            options.Randomizer = randomizer;
        }

        _pipeline = new ResiliencePipelineBuilder { TimeProvider = timeProvider ?? TimeProvider.System }.AddRetry(options).Build();
    }

    /// <summary>Gets how many times an operation was run again, for tests and diagnostics.</summary>
    public long Retries => Interlocked.Read(ref _retries);

    /// <summary>Runs <paramref name="attempt"/>, again after a conflict; the last conflict is thrown when the retries are used up.</summary>
    public ValueTask<T> ExecuteAsync<T, TState>(Func<TState, CancellationToken, ValueTask<T>> attempt, TState state, CancellationToken cancellationToken) =>
        _pipeline.ExecuteAsync(attempt, state, cancellationToken);
}
