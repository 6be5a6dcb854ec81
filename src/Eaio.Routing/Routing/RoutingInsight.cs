using System.Globalization;
using System.Text;

namespace Eaio.Routing;

/// <summary>
/// What the planner brought to a request's plan besides its profile: the complexity threshold in effect (fixed or
/// calibrated to <c>COMPLEXITY_STRONG_SHARE</c>) and what the adaptive policy learnt for the request's category and chose.
/// </summary>
/// <remarks>
/// Both only decide whether the rule "complexity above the threshold: external by domain" fires. They come after every
/// exclusion, so they reorder the routes the policy allows and never add one: a PRIVATE, CRITICAL, real-time or
/// emergency request, or one the budget keeps local, is planned as before.
/// </remarks>
public sealed record RoutingInsight
{
    /// <summary>Gets the insight of a planner with neither a calibrated threshold nor the adaptive policy: the fixed threshold 0.8.</summary>
    public static RoutingInsight Fixed { get; } = new() { ComplexityThreshold = RoutingPolicy.HighComplexity };

    /// <summary>Gets the complexity (with the adaptive policy, the <see cref="Score"/>) above which the complexity rule fires.</summary>
    public double ComplexityThreshold { get; init; }

    /// <summary>Gets the configured share of strong-tier requests (<c>COMPLEXITY_STRONG_SHARE</c>), or <see langword="null"/> for the fixed threshold.</summary>
    public double? StrongShare { get; init; }

    /// <summary>Gets how many recent complexity scores of the tenant the threshold was calibrated on; 0 while the fixed threshold applies.</summary>
    public int CalibrationWindow { get; init; }

    /// <summary>Gets the request's category the adaptive policy looked up, or <see langword="null"/> when it is off or did not apply.</summary>
    public string? Category { get; init; }

    /// <summary>Gets what the adaptive policy chose.</summary>
    public AdaptiveChoice Choice { get; init; }

    /// <summary>Gets the feedback of the category, over every host sharing the store, as last read.</summary>
    public CategoryFeedback Feedback { get; init; }

    /// <summary>Gets the estimated share of the local tier's answers accepted in the category (feedback and prior), or <see cref="double.NaN"/>.</summary>
    public double LocalAcceptance { get; init; }

    /// <summary>Gets the estimated share of the external tier's answers accepted in the category (feedback and prior), or <see cref="double.NaN"/>.</summary>
    public double ExternalAcceptance { get; init; }

    /// <summary>Gets the request's routing score, which the adaptive policy compares with <see cref="ComplexityThreshold"/>: its
    /// complexity plus the category's estimated gain (<see cref="ExternalAcceptance"/> minus <see cref="LocalAcceptance"/>);
    /// the complexity alone while the category has no feedback. 0 when the adaptive policy did not apply.</summary>
    public double Score { get; init; }

    /// <summary>Gets whether the complexity rule fires for a request of this complexity.</summary>
    /// <param name="complexity">The request's complexity.</param>
    /// <returns><see langword="true"/> when the rule "complexity above the threshold: external by domain" applies.</returns>
    public bool PrefersStrong(double complexity) => Choice switch
    {
        AdaptiveChoice.External or AdaptiveChoice.ExploreExternal => true,
        AdaptiveChoice.Local or AdaptiveChoice.ExploreLocal => false,
        _ => complexity > ComplexityThreshold,
    };

    /// <inheritdoc/>
    public override string ToString()
    {
        StringBuilder text = new();
        text.Append(CultureInfo.InvariantCulture, $"complexity threshold {ComplexityThreshold:0.000}");
        text.Append(StrongShare is { } share
            ? CalibrationWindow > 0
                ? string.Create(CultureInfo.InvariantCulture, $" (calibrated to send {share:P0} to the strong tier, over the tenant's last {CalibrationWindow} scores)")
                : string.Create(CultureInfo.InvariantCulture, $" (fixed until enough scores are seen to calibrate {share:P0} to the strong tier)")
            : " (fixed)");
        if (Category is null)
        {
            return text.ToString();
        }

        text.Append(CultureInfo.InvariantCulture, $"; category '{Category}': ");
        if (Feedback.Count == 0)
        {
            return text.Append("no feedback yet, so the complexity estimate decides").ToString();
        }

        text.Append(CultureInfo.InvariantCulture, $"local accepted {LocalAcceptance:P0} ({Feedback.LocalCount} scored), external {ExternalAcceptance:P0} ({Feedback.ExternalCount} scored); ")
            .Append(CultureInfo.InvariantCulture, $"score {Score:0.000} (complexity plus gain {ExternalAcceptance - LocalAcceptance:+0.000;-0.000}) ");
        return text.Append(Choice switch
        {
            AdaptiveChoice.External => "above the threshold, so external",
            AdaptiveChoice.Local => "at or below the threshold, so local",
            AdaptiveChoice.ExploreLocal => "above the threshold, but exploring local so that its estimate can recover",
            AdaptiveChoice.ExploreExternal => "at or below the threshold, but exploring external so that it is measured too",
            _ => "against the threshold",
        }).ToString();
    }
}
