using Polly;
using Polly.CircuitBreaker;

namespace Eaio.Routing;

/// <summary>A provider's circuit breaker (Polly.Core), fed with the outcome of every call, streamed calls included.</summary>
/// <remarks>
/// Polly runs a callback inside its pipeline, but a streamed call outlives any one callback. So each call runs a
/// pipeline execution that waits for the call's outcome, which the caller reports when the stream ends or fails.
/// </remarks>
internal sealed class ProviderCircuitBreaker
{
    private readonly ResiliencePipeline _pipeline;
    private readonly CircuitBreakerStateProvider _state = new();
    private readonly TimeProvider _time;
    private long _openUntilUtcTicks; // written by Polly's callback, read by planners on other threads: one atomic word

    public ProviderCircuitBreaker(string provider, int minimumThroughput, TimeSpan breakDuration, TimeProvider time)
    {
        Provider = provider;
        _time = time;
        _pipeline = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = 0.5,
                MinimumThroughput = minimumThroughput,
                SamplingDuration = TimeSpan.FromSeconds(30),
                BreakDuration = breakDuration,
                StateProvider = _state,
                ShouldHandle = new PredicateBuilder().Handle<Exception>(static ex => ex is not OperationCanceledException),
                OnOpened = args =>
                {
                    Volatile.Write(ref _openUntilUtcTicks, (_time.GetUtcNow() + args.BreakDuration).UtcTicks);
                    return default;
                },
            })
            .Build();
    }

    public string Provider { get; }

    public CircuitState State => _state.CircuitState;

    /// <summary>Gets why the provider is out of plans, or <see langword="null"/> while its circuit lets calls through.</summary>
    /// <remarks>Polly moves an open circuit to half-open only when the next call arrives, so once the break is over the
    /// provider counts as available again and that call becomes the trial.</remarks>
    public string? UnavailableReason => State switch
    {
        CircuitState.Isolated => "circuit isolated",
        CircuitState.Open when _time.GetUtcNow().UtcTicks < Volatile.Read(ref _openUntilUtcTicks)
            => $"circuit open after repeated failures, until {new DateTimeOffset(Volatile.Read(ref _openUntilUtcTicks), TimeSpan.Zero):u}",
        _ => null,
    };

    /// <summary>Runs a call inside the breaker; throws <see cref="ProviderUnavailableException"/> when the circuit does not let it through.</summary>
    public async ValueTask<TResult> ExecuteAsync<TResult, TState>(Func<TState, CancellationToken, ValueTask<TResult>> callback, TState state, CancellationToken cancellationToken)
    {
        try
        {
            return await _pipeline.ExecuteAsync(callback, state, cancellationToken).ConfigureAwait(false);
        }
        catch (BrokenCircuitException)
        {
            throw new ProviderUnavailableException(Provider, UnavailableReason ?? "circuit half-open, a trial call is in flight");
        }
    }

    /// <summary>Starts a streamed call, whose outcome is reported later; throws <see cref="ProviderUnavailableException"/> when the circuit does not let it through.</summary>
    public Call Begin()
    {
        TaskCompletionSource outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);
        Task execution;
        try
        {
            execution = _pipeline.ExecuteAsync(static async (o, _) => await o.Task.ConfigureAwait(false), outcome).AsTask();
        }
        catch (BrokenCircuitException)
        {
            execution = Task.FromException(new BrokenCircuitException());
        }

        if (execution.IsFaulted && execution.Exception?.InnerException is BrokenCircuitException)
        {
            throw new ProviderUnavailableException(Provider, UnavailableReason ?? "circuit half-open, a trial call is in flight");
        }

        return new Call(outcome, execution);
    }

    /// <summary>One call through the breaker, completed once with its outcome.</summary>
    internal sealed class Call(TaskCompletionSource outcome, Task execution)
    {
        /// <summary>Reports the call's outcome; <paramref name="failure"/> is <see langword="null"/> on success, and a cancelled call is not held against the provider.</summary>
        public async ValueTask CompleteAsync(Exception? failure, bool canceled)
        {
            if (canceled)
            {
                outcome.TrySetCanceled();
            }
            else if (failure is null)
            {
                outcome.TrySetResult();
            }
            else
            {
                outcome.TrySetException(failure);
            }

            try
            {
                await execution.ConfigureAwait(false);
            }
#pragma warning disable CA1031 // The execution only rethrows the outcome reported above.
            catch
#pragma warning restore CA1031
            {
            }
        }
    }
}
