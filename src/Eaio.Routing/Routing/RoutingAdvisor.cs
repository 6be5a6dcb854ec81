namespace Eaio.Routing;

/// <summary>
/// Gives the planner the threshold of the complexity rule (fixed, or calibrated to <c>COMPLEXITY_STRONG_SHARE</c>) and the
/// adaptive policy's choice for the request's category (<c>ADAPTIVE_ROUTING</c>).
/// </summary>
/// <remarks>
/// <para>
/// With the adaptive policy, the threshold applies to the request's routing score (<see cref="AdaptivePolicy.Score"/>:
/// complexity plus its category's estimated gain), and the calibration window holds those scores, so
/// <c>COMPLEXITY_STRONG_SHARE</c> still sets the share sent to the strong tier.
/// </para>
/// <para>
/// A request that may only be served locally gets the fixed insight: neither its score nor a choice can matter to its plan,
/// so it does not move the calibration, and exploration never even considers it. Explaining (<c>record</c> false) changes
/// nothing: it reads the threshold without counting a score and never explores.
/// </para>
/// </remarks>
internal sealed class RoutingAdvisor(ComplexityCalibration? calibration, AdaptiveLearning? learning)
{
    public AdaptiveLearning? Learning => learning;

    /// <summary>The insight for a request.</summary>
    /// <param name="profile">The request's profile.</param>
    /// <param name="record">Whether the request is being served: its score counts into the calibration, and it may explore.</param>
    public RoutingInsight Advise(ResolvedRequestProfile profile, bool record)
    {
        if (profile.IsLocalOnly)
        {
            return RoutingInsight.Fixed;
        }

        if (learning is null)
        {
            return Threshold(profile.TenantId, profile.Complexity, record);
        }

        learning.Lookup(profile.Category, out CategoryFeedback feedback, out CategoryFeedback all);
        double score = AdaptivePolicy.Score(feedback, all, profile.Complexity, AdaptivePolicy.Default, out double local, out double external);
        RoutingInsight threshold = Threshold(profile.TenantId, score, record);
        return AdaptiveLearning.Decide(profile.Category, feedback, score, local, external, threshold, record ? Random.Shared.NextDouble() : 1.0);
    }

    private RoutingInsight Threshold(string? tenant, double score, bool record) => calibration is null
        ? RoutingInsight.Fixed
        : record ? calibration.Next(tenant, score) : calibration.Peek(tenant);
}
