namespace Eaio.Routing;

/// <summary>A provider left out of a plan, and why.</summary>
/// <param name="Provider">The provider's name.</param>
/// <param name="Tier">Whether it is local or external.</param>
/// <param name="Reason">Why it was excluded.</param>
public sealed record RouteExclusion(string Provider, ProviderTier Tier, string Reason)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Provider}: {Reason}";
}
