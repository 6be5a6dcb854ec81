namespace Eaio.Routing;

/// <summary>
/// Gives the planner the threshold of the complexity rule (fixed, or calibrated to <c>COMPLEXITY_STRONG_SHARE</c>) and the
/// adaptive policy's choice for the request's category (<c>ADAPTIVE_ROUTING</c>).
/// </summary>
/// <remarks>
/// A request that may only be served locally gets the fixed insight: neither its score nor a choice can matter to its plan,
/// so it does not move the calibration, and exploration never even considers it.
/// </remarks>
internal sealed class RoutingAdvisor(ComplexityCalibration? calibration, AdaptiveLearning? learning)
{
    public AdaptiveLearning? Learning => learning;

    public RoutingInsight Advise(ResolvedRequestProfile profile)
    {
        if (profile.IsLocalOnly)
        {
            return RoutingInsight.Fixed;
        }

        RoutingInsight insight = calibration?.Next(profile.TenantId, profile.Complexity) ?? RoutingInsight.Fixed;
        return learning is null ? insight : learning.Advise(profile.Category, insight, Random.Shared.NextDouble());
    }
}
