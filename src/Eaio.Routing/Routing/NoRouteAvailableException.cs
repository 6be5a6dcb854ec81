using System.Text;

namespace Eaio.Routing;

/// <summary>No route could serve a request: every provider was excluded or failed. The message lists each one and says what to do.</summary>
public sealed class NoRouteAvailableException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="NoRouteAvailableException"/> class.</summary>
    public NoRouteAvailableException()
        : base("No route is available.")
    {
        Attempts = [];
    }

    /// <summary>Initializes a new instance of the <see cref="NoRouteAvailableException"/> class.</summary>
    /// <param name="message">The message.</param>
    public NoRouteAvailableException(string message)
        : base(message)
    {
        Attempts = [];
    }

    /// <summary>Initializes a new instance of the <see cref="NoRouteAvailableException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The last failure.</param>
    public NoRouteAvailableException(string message, Exception innerException)
        : base(message, innerException)
    {
        Attempts = [];
    }

    /// <summary>Initializes a new instance of the <see cref="NoRouteAvailableException"/> class.</summary>
    /// <param name="plan">The plan that was tried.</param>
    /// <param name="attempts">The attempts that failed, in order.</param>
    /// <param name="lastFailure">The last failure, or <see langword="null"/> when nothing was tried.</param>
    public NoRouteAvailableException(RoutePlan plan, IReadOnlyList<RouteAttempt> attempts, Exception? lastFailure)
        : base(Describe(plan, attempts), lastFailure)
    {
        ArgumentNullException.ThrowIfNull(plan);
        Plan = plan;
        Attempts = attempts;
    }

    /// <summary>Gets the plan that was tried, with every excluded provider and its reason.</summary>
    public RoutePlan? Plan { get; }

    /// <summary>Gets the attempts that failed, in order.</summary>
    public IReadOnlyList<RouteAttempt> Attempts { get; }

    /// <summary>Gets a value indicating whether asking for log-probabilities (see
    /// <see cref="EaioChatOptionsExtensions.WithLogProbabilities"/>) is what left the request without a route, so that
    /// asking again will not help: the plan says so, or every route tried refused the call for them because it had values
    /// to mask.</summary>
    public bool LogProbabilitiesUnavailable => Plan is { } plan && LogProbabilitiesStoppedIt(plan, Attempts);

    private static string Describe(RoutePlan plan, IReadOnlyList<RouteAttempt> attempts)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(attempts);

        StringBuilder text = new();
        text.Append(attempts.Count == 0 ? "No route is allowed for this request" : "Every allowed route failed")
            .Append(" (privacy ").Append(plan.Profile.Privacy.ToString().ToUpperInvariant())
            .Append(", sensitivity ").Append(plan.Profile.Sensitivity.ToString().ToUpperInvariant()).Append(").");
        foreach (RouteAttempt attempt in attempts)
        {
            text.Append(" Tried ").Append(attempt).Append('.');
        }

        foreach (RouteExclusion exclusion in plan.Exclusions)
        {
            text.Append(" Excluded ").Append(exclusion).Append('.');
        }

        text.Append(' ').Append(AdviceFor(plan, attempts));
        return text.ToString();
    }

    /// <summary>What to do: about the budget or the pin when that is what stopped the request, else the plan's advice.</summary>
    private static string AdviceFor(RoutePlan plan, IReadOnlyList<RouteAttempt> attempts)
    {
        if (attempts.Count > 0 && attempts.All(a => a.ErrorType == nameof(BudgetExceededException)))
        {
            return "The budget refused every route tried: raise LLM_MONTHLY_BUDGET (or the tenant's TenantBudgets entry), lower the request's MaxOutputTokens, or let it run locally.";
        }

        // No budget or outage is the reason: the request asked for what no route it may take can give. The
        // pseudonymiser's refusal is the same, found on the route (a value the profile did not rate, in a tool's text).
        if (LogProbabilitiesStoppedIt(plan, attempts))
        {
            return RoutePlan.LogProbabilitiesAdvice;
        }

        if (plan.Profile.PinnedProvider is { } provider)
        {
            return $"The request is pinned to {provider}{(plan.Profile.PinnedModel is { } model ? "/" + model : string.Empty)} and a pinned request does not fail over: pin a route its privacy level and the budget allow, or let the router choose.";
        }

        return plan.Advice;
    }

    /// <summary>Whether asking for log-probabilities is what left the request without a route: the plan says so (see
    /// <see cref="RoutePlan.LogProbabilitiesUnavailable"/>), or every route tried refused the call for them because it had
    /// values to mask.</summary>
    private static bool LogProbabilitiesStoppedIt(RoutePlan plan, IReadOnlyList<RouteAttempt> attempts) =>
        plan.LogProbabilitiesUnavailable
        || ((plan.Profile.RequiredCapabilities & ModelCapabilities.LogProbabilities) != 0
            && attempts.Count > 0
            && attempts.All(a => a.ErrorType == nameof(NotSupportedException)));
}
