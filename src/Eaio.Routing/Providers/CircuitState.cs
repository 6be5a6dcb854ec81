namespace Eaio.Routing;

/// <summary>The state of a provider's circuit breaker, as <see cref="ProviderCircuitStateProvider"/> reports it.</summary>
public enum CircuitState
{
    /// <summary>Calls go through; outcomes are counted.</summary>
    Closed,

    /// <summary>Calls are refused until the break is over; the first call after it becomes the trial.</summary>
    Open,

    /// <summary>One trial call is in flight; its outcome closes or reopens the circuit, and other calls are refused meanwhile.</summary>
    HalfOpen,

    /// <summary>Calls are refused until the circuit is reset by hand (<see cref="ProviderCircuitStateProvider.Isolate"/>).</summary>
    Isolated,
}
