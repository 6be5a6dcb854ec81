using Eaio.Routing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Eaio.Routing.Gateway;

/// <summary>Healthy when the chat client resolves to the EAIO router and it can plan a request; calls no model.</summary>
/// <remarks>
/// Planning reads the budget ledger (the SQLite file or PostgreSQL), so a broken store shows here. Provider health is the
/// library's own health checks' job (<c>AddEaioHealthChecks</c>); <c>/healthz</c> reports whatever checks are registered.
/// </remarks>
internal sealed class RouterHealthCheck : IHealthCheck
{
    private static readonly ChatMessage[] s_probe = [new(ChatRole.User, "health probe")];
    private readonly IServiceProvider _services;

    /// <summary>Initializes a new instance of the <see cref="RouterHealthCheck"/> class.</summary>
    /// <param name="services">The services to resolve the chat client from, on each check (a failure to build it is the finding).</param>
    public RouterHealthCheck(IServiceProvider services) => _services = services;

    /// <inheritdoc/>
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            HybridRouterChatClient? router = _services.GetRequiredService<IChatClient>().GetService<HybridRouterChatClient>();
            if (router is null)
            {
                return Task.FromResult(HealthCheckResult.Unhealthy("The registered IChatClient is not the EAIO router."));
            }

            RoutePlan plan = router.Explain(s_probe, new ChatOptions().WithEaio(p => p.Privacy = PrivacyLevel.Private));
            return Task.FromResult(plan.IsEmpty
                ? HealthCheckResult.Degraded("The router has no route for a PRIVATE request: " + string.Join("; ", plan.Exclusions))
                : HealthCheckResult.Healthy($"The router plans PRIVATE requests to {plan.Routes[0].Provider}/{plan.Routes[0].Model}."));
        }
#pragma warning disable CA1031 // A health check reports every failure as unhealthy instead of throwing.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("The router could not be built or could not plan: " + ex.Message, ex));
        }
    }
}
