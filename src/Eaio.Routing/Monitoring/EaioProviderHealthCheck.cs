using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Eaio.Routing;

/// <summary>One provider's <see cref="IHealthCheck"/>: reads the monitor's cached snapshot, so a health probe never waits on a provider.</summary>
/// <param name="monitor">The monitor whose snapshot is read.</param>
/// <param name="provider">The provider's name.</param>
/// <param name="unregisteredReason">Why the provider is out of plans although its key is set (its package is not registered);
/// the key alone would otherwise report it healthy.</param>
internal sealed class EaioProviderHealthCheck(ProviderHealthMonitor monitor, string provider, string? unregisteredReason = null) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (unregisteredReason is not null)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, unregisteredReason);
        }

        IReadOnlyList<ProviderHealth> snapshot = await monitor.GetHealthAsync(cancellationToken).ConfigureAwait(false);
        ProviderHealth? health = snapshot.FirstOrDefault(h => string.Equals(h.Provider, provider, StringComparison.OrdinalIgnoreCase));
        if (health is null)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"{provider} is not in the provider catalogue");
        }

        Dictionary<string, object> data = new(StringComparer.Ordinal)
        {
            ["provider"] = health.Provider,
            ["checkedAt"] = health.CheckedAt,
        };
        if (health.Circuit is { } circuit)
        {
            data["circuit"] = circuit;
        }

        if (health.Models.Count > 0)
        {
            data["models"] = string.Join(", ", health.Models);
        }

        HealthStatus status = health.Status == HealthStatus.Unhealthy ? context.Registration.FailureStatus : health.Status;
        return new HealthCheckResult(status, health.Description, data: data);
    }
}
