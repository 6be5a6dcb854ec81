using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Eaio.Routing;

/// <summary>One provider's health: for Ollama whether it is reachable and its default model pulled, for external
/// providers whether their key is set; with the circuit breaker's state.</summary>
/// <param name="Provider">The provider's name.</param>
/// <param name="Tier">Whether the provider is local or external.</param>
/// <param name="Status"><see cref="HealthStatus.Healthy"/>; <see cref="HealthStatus.Degraded"/> while its circuit is open;
/// <see cref="HealthStatus.Unhealthy"/> when it cannot serve (unreachable, model not pulled, no key).</param>
/// <param name="Description">What was found, with what to do when it is not healthy.</param>
/// <param name="CheckedAt">When the provider was checked.</param>
/// <param name="Circuit">The circuit breaker's state (<c>closed</c>, <c>open</c>, <c>half-open</c>, <c>isolated</c>), or <see langword="null"/> when the router has no route to it.</param>
public sealed record ProviderHealth(
    string Provider,
    ProviderTier Tier,
    HealthStatus Status,
    string Description,
    DateTimeOffset CheckedAt,
    string? Circuit = null)
{
    /// <summary>Gets the models Ollama has pulled, from <c>/api/tags</c>; empty for external providers and when Ollama did not answer.</summary>
    public IReadOnlyList<string> Models { get; init; } = [];
}
