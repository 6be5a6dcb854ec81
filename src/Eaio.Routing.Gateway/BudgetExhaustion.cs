using Eaio.Routing;

namespace Eaio.Routing.Gateway;

/// <summary>Tells a client that its <c>eaio-auto</c> request was answered locally because the budget kept external routes out.</summary>
internal static class BudgetExhaustion
{
    /// <summary>The response header, <c>exhausted</c> when it applies and absent otherwise.</summary>
    public const string Header = "X-Eaio-Budget";

    /// <summary>The header's and the <c>eaio.budget</c> field's value when it applies (the field says <c>ok</c> otherwise).</summary>
    public const string Exhausted = "exhausted";

    /// <summary>
    /// Whether a routed (not pinned) request that could have gone external was answered locally while the budget refused or
    /// excluded an external route: below 10 % left, a route costing more than 5 % of what is left, or a reservation refused.
    /// </summary>
    /// <param name="decision">The route decision.</param>
    /// <returns><see langword="true"/> when it applies.</returns>
    public static bool AnsweredLocallyFor(RouteDecision decision)
    {
        ResolvedRequestProfile profile = decision.Plan.Profile;
        if (decision.Tier != ProviderTier.Local || profile.IsLocalOnly || profile.PinnedProvider is not null)
        {
            return false;
        }

        foreach (RouteExclusion exclusion in decision.Plan.Exclusions)
        {
            // The policy's budget reasons are the only exclusions that speak of the budget.
            if (exclusion.Tier == ProviderTier.External && exclusion.Reason.Contains("budget", StringComparison.Ordinal))
            {
                return true;
            }
        }

        return decision.Attempts.Any(a => a.ErrorType == nameof(BudgetExceededException));
    }
}
