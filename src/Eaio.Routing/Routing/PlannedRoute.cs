namespace Eaio.Routing;

/// <summary>One route of a plan: a provider and model, with why it is there.</summary>
/// <param name="Provider">The provider's name.</param>
/// <param name="Model">The model id.</param>
/// <param name="Tier">Whether the route is local or external.</param>
/// <param name="EstimatedCostUsd">The worst-case cost estimate (input tokens plus the output limit), 0 for local routes.</param>
/// <param name="Reasons">Why the route was chosen and placed here.</param>
public sealed record PlannedRoute(string Provider, string Model, ProviderTier Tier, decimal EstimatedCostUsd, IReadOnlyList<string> Reasons)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Provider}/{Model} ({Tier.ToString().ToUpperInvariant()}): {string.Join("; ", Reasons)}";
}
