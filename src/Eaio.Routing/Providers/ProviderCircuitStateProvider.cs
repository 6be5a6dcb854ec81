namespace Eaio.Routing;

/// <summary>
/// Reads, and by hand overrides, the circuit breaker of the <see cref="ProviderResilienceChatClient"/> it is given to
/// through <see cref="ProviderResilienceOptions.CircuitStateProvider"/>: what a host, a health check or a planner reads to
/// know whether a provider takes calls, and why not.
/// </summary>
/// <remarks>
/// <para>
/// Like Polly's <c>CircuitBreakerStateProvider</c>, it is created by the host and bound to one breaker when the client is
/// created; giving it to a second client throws. Before it is bound it reports <see cref="CircuitState.Closed"/>.
/// </para>
/// <para>
/// Reading the state takes no lock, so a planner may read it on every request. An open circuit whose break is over still
/// reads <see cref="CircuitState.Open"/> until the next call, which becomes the trial; <see cref="UnavailableReason"/> is
/// already <see langword="null"/> then, because that call would be let through.
/// </para>
/// </remarks>
public sealed class ProviderCircuitStateProvider
{
    private ProviderCircuitBreaker? _breaker;

    /// <summary>Gets the circuit's state.</summary>
    public CircuitState CircuitState => _breaker?.State ?? CircuitState.Closed;

    /// <summary>Gets why the circuit refuses calls now (with the failures that opened it and until when), or
    /// <see langword="null"/> while it lets calls through.</summary>
    public string? UnavailableReason => _breaker?.UnavailableReason;

    /// <summary>Gets whether a <see cref="ProviderResilienceChatClient"/> uses this provider's breaker.</summary>
    public bool IsBound => _breaker is not null;

    /// <summary>Gets the bound breaker, for the router and the health monitor.</summary>
    internal ProviderCircuitBreaker? Breaker => _breaker;

    /// <summary>Holds the circuit open until <see cref="Reset"/>: every call is refused with
    /// <see cref="ProviderUnavailableException"/>, whatever the provider does (for maintenance, or a provider known to be down).</summary>
    /// <param name="reason">Why, shown in <see cref="UnavailableReason"/> and in the refusals; a default when <see langword="null"/> or empty.</param>
    /// <exception cref="InvalidOperationException">No client uses this provider yet.</exception>
    public void Isolate(string? reason = null) =>
        BoundBreaker().Isolate(string.IsNullOrEmpty(reason) ? "circuit isolated by hand" : $"circuit isolated by hand: {reason}");

    /// <summary>Closes the circuit, whatever its state (ends an isolation, or ends a break early), and forgets the outcomes counted so far.</summary>
    /// <exception cref="InvalidOperationException">No client uses this provider yet.</exception>
    public void Reset() => BoundBreaker().Reset();

    /// <summary>Binds the provider to the breaker of the client being created.</summary>
    internal void Bind(ProviderCircuitBreaker breaker)
    {
        if (Interlocked.CompareExchange(ref _breaker, breaker, null) is not null)
        {
            throw new InvalidOperationException(
                $"This {nameof(ProviderCircuitStateProvider)} is already used by another {nameof(ProviderResilienceChatClient)}; give each client its own.");
        }
    }

    private ProviderCircuitBreaker BoundBreaker() =>
        _breaker ?? throw new InvalidOperationException(
            $"This {nameof(ProviderCircuitStateProvider)} is not used by any {nameof(ProviderResilienceChatClient)} yet: set it as {nameof(ProviderResilienceOptions)}.{nameof(ProviderResilienceOptions.CircuitStateProvider)} and build the client first.");
}
