using System.Collections.Frozen;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Eaio.Routing;

/// <summary>
/// The router's routes: each catalogue provider's pipeline (checked at construction), its circuit, and whether it can
/// take a request now, as the availability a plan is made with.
/// </summary>
internal sealed class RouteTable
{
    private readonly FrozenDictionary<string, Route> _routes; // looked up by name: frozen for the cheaper hash
    private readonly Route[] _all;
    private readonly Route[] _configured; // the ones whose health each plan checks

    /// <summary>The availability of every provider while no circuit is open: only the missing routes are out.</summary>
    private readonly ProviderAvailability[] _healthy;

    public RouteTable(ProviderCatalog catalog, IReadOnlyDictionary<string, IChatClient> pipelines)
    {
        Dictionary<string, Route> byName = new(StringComparer.OrdinalIgnoreCase);
        foreach (ProviderDescriptor provider in catalog.Providers)
        {
            if (!pipelines.TryGetValue(provider.Name, out IChatClient? pipeline) || pipeline is UnregisteredProviderChatClient)
            {
                string reason = (pipeline as UnregisteredProviderChatClient)?.Reason ?? $"{provider.KeySetting ?? "its client"} is not set";
                byName[provider.Name] = new Route(provider, null, null, reason);
                continue;
            }

            if (provider.Tier == ProviderTier.External)
            {
                RoutePipelineCheck.ThrowIfUnsafe(provider.Name, pipeline);
            }

            RequestLogChatClient? log = pipeline.GetService<RequestLogChatClient>();
            byName[provider.Name] = new Route(provider, pipeline, pipeline.GetService<ProviderResilienceChatClient>()?.Circuit, null)
            {
                HasRequestLog = log?.RequestLog is not null,
                IsMeasured = log is not null,
                Overruns = pipeline.GetService<BudgetChatClient>()?.OutputLimitOverruns,
            };
        }

        _routes = byName.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        _all = [.. _routes.Values];
        _configured = [.. _all.Where(r => r.MissingReason is null)];
        _healthy = [.. _all.Select(r => r.MissingReason is null ? r.Available : new ProviderAvailability(r.Descriptor.Name, false, r.MissingReason))];
        ExternalConfigured = _configured.Any(r => r.Descriptor.Tier == ProviderTier.External);
    }

    /// <summary>Gets a value indicating whether any external provider has a route.</summary>
    public bool ExternalConfigured { get; }

    /// <summary>Gets the routes that have a pipeline.</summary>
    public IReadOnlyList<Route> Configured => _configured;

    /// <summary>Gets the availability of every provider while all configured ones are healthy.</summary>
    public ProviderAvailability[] Healthy => _healthy;

    /// <summary>The route of a provider, or <see langword="null"/> for a name outside the catalogue.</summary>
    public Route? Find(string provider) => _routes.TryGetValue(provider, out Route? route) ? route : null;

    /// <summary>The route of a planned provider.</summary>
    /// <remarks>Plans name providers by the catalogue's own strings, so comparing references finds the route without the
    /// case-insensitive hash of a dictionary look-up; the dictionary stays for any other string.</remarks>
    public Route For(PlannedRoute planned)
    {
        foreach (Route route in _configured)
        {
            if (ReferenceEquals(route.Descriptor.Name, planned.Provider))
            {
                return route;
            }
        }

        return _routes[planned.Provider];
    }

    /// <summary>Whether every configured provider can take requests: no open circuit, no exclusion for output overruns and no failed health check.</summary>
    public bool AllAvailable(IReadOnlyList<ProviderHealth>? health)
    {
        foreach (Route route in _configured)
        {
            if (route.Circuit?.UnavailableReason is not null || route.Overruns?.IsExcluded == true || UnhealthyReason(health, route) is not null)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The availability of every provider now, with the reason of each one that is out.</summary>
    public ProviderAvailability[] Availability(IReadOnlyList<ProviderHealth>? health)
    {
        ProviderAvailability[] availability = new ProviderAvailability[_healthy.Length];
        for (int i = 0; i < availability.Length; i++)
        {
            Route route = _all[i];
            availability[i] = route.MissingReason is null
                && (route.Circuit?.UnavailableReason ?? route.Overruns?.ExclusionReason(route.Descriptor.Name) ?? UnhealthyReason(health, route)) is { } reason
                ? new ProviderAvailability(route.Descriptor.Name, false, reason)
                : _healthy[i];
        }

        return availability;
    }

    /// <summary>Why the health snapshot takes a configured provider out of plans (Ollama unreachable or its model not pulled), or <see langword="null"/>.</summary>
    private static string? UnhealthyReason(IReadOnlyList<ProviderHealth>? health, Route route)
    {
        // Only probed providers count: an external provider's key and circuit are already the route's own state.
        if (health is null || route.Descriptor.Tier != ProviderTier.Local)
        {
            return null;
        }

        foreach (ProviderHealth entry in health)
        {
            if (entry.Status == HealthStatus.Unhealthy && string.Equals(entry.Provider, route.Descriptor.Name, StringComparison.OrdinalIgnoreCase))
            {
                return "health check: " + entry.Description;
            }
        }

        return null;
    }

    /// <summary>One provider's route: its pipeline and circuit, or why it has none.</summary>
    internal sealed record Route(ProviderDescriptor Descriptor, IChatClient? Pipeline, ProviderCircuitBreaker? Circuit, string? MissingReason)
    {
        /// <summary>Gets the snapshot entry of a healthy provider, made once because it never changes.</summary>
        public ProviderAvailability Available { get; } = new(Descriptor.Name, true);

        /// <summary>Gets a value indicating whether the pipeline logs requests, which then need the call's context.</summary>
        public bool HasRequestLog { get; init; }

        /// <summary>Gets a value indicating whether the pipeline records metrics, which need the call's context while a listener is on.</summary>
        public bool IsMeasured { get; init; }

        /// <summary>Gets the count of calls that used more output than their limit, which takes the route out of plans at
        /// its threshold, or <see langword="null"/> for a route without a budget layer.</summary>
        public OutputLimitOverruns? Overruns { get; init; }
    }
}
