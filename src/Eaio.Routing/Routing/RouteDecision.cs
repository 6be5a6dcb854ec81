namespace Eaio.Routing;

/// <summary>Where a request went and why: the route that served it, every attempt before it, and the plan it came from.</summary>
/// <param name="Provider">The provider that served the request.</param>
/// <param name="Model">The model that served it.</param>
/// <param name="Tier">Whether that route was local or external.</param>
/// <param name="Reasons">Why the route was chosen.</param>
/// <param name="Attempts">Every attempt in order, the successful one last.</param>
/// <param name="TimeToFirstToken">The time from the request to the first streamed update, over all attempts; <see langword="null"/> when not streamed.</param>
/// <param name="Plan">The plan, with the excluded providers and the resolved profile.</param>
public sealed record RouteDecision(
    string Provider,
    string Model,
    ProviderTier Tier,
    IReadOnlyList<string> Reasons,
    IReadOnlyList<RouteAttempt> Attempts,
    TimeSpan? TimeToFirstToken,
    RoutePlan Plan)
{
    /// <summary>Gets the key under which the decision is stored in a response's or update's <c>AdditionalProperties</c>.</summary>
    public const string PropertyKey = "eaio.route";

    /// <summary>Gets what the call cost: on a response, and on the last update of a stream (the one with its usage),
    /// <see langword="null"/> on earlier updates. Local calls cost 0 and carry the tokens they reported.</summary>
    public CallCost? Cost { get; init; }

    /// <summary>Gets how many routes failed before this one served the request.</summary>
    public int Fallbacks => Attempts.Count - 1;

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Provider}/{Model} ({Tier.ToString().ToUpperInvariant()}) after {Attempts.Count} attempt(s): {string.Join("; ", Reasons)}";
}
