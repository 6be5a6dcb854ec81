using Microsoft.Extensions.AI;

namespace Eaio.Routing;

/// <summary>One attempt of a request on one planned route: the route, its pipeline, the options it is sent with, and the
/// context its layers share.</summary>
internal sealed record RouteCall(PlannedRoute Planned, IChatClient Pipeline, ChatOptions? Options, RouteCallContext? Context)
{
    /// <summary>Prepares the attempt of <paramref name="planned"/>: the options the route's pipeline gets and, when a layer
    /// of it needs one, the per-call context.</summary>
    /// <param name="routes">The router's routes.</param>
    /// <param name="plan">The request's plan.</param>
    /// <param name="planned">The route to attempt, one of the plan's.</param>
    /// <param name="options">The caller's options, never changed.</param>
    /// <param name="lastRoute">Whether it is the plan's last route (no later route can see options a client changed).</param>
    /// <param name="fallbacks">How many routes failed before this one.</param>
    /// <param name="requestId">The request's id in the request log, shared by all its attempts.</param>
    /// <exception cref="InvalidOperationException">The route is external and the request local-only: the policy never
    /// plans that, so this is a defect, stopped before anything is sent.</exception>
    public static RouteCall Prepare(RouteTable routes, RoutePlan plan, PlannedRoute planned, ChatOptions? options, bool lastRoute, int fallbacks, string? requestId)
    {
        // Defence in depth: the policy never plans an external route for a local-only request; if it ever did, stop here.
        if (planned.Tier == ProviderTier.External && plan.Profile.IsLocalOnly)
        {
            throw new InvalidOperationException($"Refusing to send a local-only request to external provider '{planned.Provider}'.");
        }

        RouteTable.Route route = routes.For(planned);
        bool shares = planned.Tier == ProviderTier.External || route.HasRequestLog || (route.IsMeasured && EaioMetrics.RequestInstrumentsEnabled);

        // The plan's last route, local and with nothing to share with its middleware, gets what the caller passed as any
        // middleware passes it on: the options themselves when they already name the model, or a copy that only names it.
        // A client may change the options it gets (MEAI allows it), so earlier routes get deep copies a later route cannot see changed.
        if (options is not null && lastRoute && !shares)
        {
            return new RouteCall(planned, route.Pipeline!, string.Equals(options.ModelId, planned.Model, StringComparison.Ordinal) ? options : ChatOptionsCopy.WithModel(options, planned.Model), null);
        }

        ChatOptions attemptOptions = options?.Clone() ?? new ChatOptions();
        attemptOptions.ModelId = planned.Model;
        if (planned.Tier == ProviderTier.External)
        {
            // The limit the plan priced is the one sent (and held for by the budget layer, which then need not copy the options).
            attemptOptions.MaxOutputTokens ??= plan.Profile.MaxOutputTokens;
        }

        RouteCallContext? context = null;
        if (shares)
        {
            context = new RouteCallContext(planned.Provider, planned.Tier)
            {
                TenantId = plan.Profile.TenantId,
                Profile = plan.Profile,
                Reasons = planned.Reasons,
                DefaultMaxOutputTokens = plan.Profile.MaxOutputTokens,
                RequestId = requestId,
                Fallbacks = fallbacks,
                OwnsOptions = true, // a deep copy for this attempt alone: a later route gets its own
            };
            (attemptOptions.AdditionalProperties ??= [])[RouteCallContext.PropertyKey] = context;
        }

        return new RouteCall(planned, route.Pipeline!, attemptOptions, context);
    }

    /// <summary>A request id for the request log, made only when the route logs requests.</summary>
    public static string? NewRequestId(RouteTable routes, PlannedRoute planned) =>
        routes.For(planned).HasRequestLog ? RandomIds.NewId() : null;
}
