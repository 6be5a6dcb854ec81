using System.Runtime.CompilerServices;

namespace Eaio.Routing;

/// <summary>Everything a plan depends on besides provider availability; made by <see cref="RoutingPolicy.KeyFor"/>.</summary>
/// <remarks><see cref="LocalModel"/> stands in for the token counts (then 0) when only the local model's fit depends on them.</remarks>
internal readonly record struct PlanKey(
    PrivacyLevel Privacy,
    DataSensitivity Sensitivity,
    bool HighComplexity,
    RequestDomain Domain,
    Workload Workload,
    Urgency Urgency,
    CostSensitivity CostSensitivity,
    ModelCapabilities RequiredCapabilities,
    int InputTokens,
    int OutputTokens,
    ModelDescriptor? LocalModel,
    BudgetSnapshot Budget,
    string? PinnedProvider,
    string? PinnedModel)
{
    /// <summary>Gets what decided the complexity rule besides the fixed threshold: the adaptive choice, and 8 for a calibrated threshold.</summary>
    public byte Rule { get; init; }

    /// <summary>Gets a value indicating whether <see cref="Budget"/> leaves the remaining amount out, which the cache then
    /// checks against the least remaining budget the kept plan holds for.</summary>
    public bool BudgetBanded { get; init; }

    /// <summary>Compares the local model by reference: models come from one catalogue, and the record's own equality would
    /// hash its id string on every look-up.</summary>
    public bool Equals(PlanKey other) =>
        Privacy == other.Privacy
        && Sensitivity == other.Sensitivity
        && HighComplexity == other.HighComplexity
        && Domain == other.Domain
        && Workload == other.Workload
        && Urgency == other.Urgency
        && CostSensitivity == other.CostSensitivity
        && RequiredCapabilities == other.RequiredCapabilities
        && InputTokens == other.InputTokens
        && OutputTokens == other.OutputTokens
        && ReferenceEquals(LocalModel, other.LocalModel)
        && Budget == other.Budget
        && string.Equals(PinnedProvider, other.PinnedProvider, StringComparison.Ordinal)
        && string.Equals(PinnedModel, other.PinnedModel, StringComparison.Ordinal)
        && Rule == other.Rule
        && BudgetBanded == other.BudgetBanded;

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        // The enums fit in a few bits each; the rest is mixed in by HashCode.
        int profile = (int)Privacy | ((int)Sensitivity << 2) | ((HighComplexity ? 1 : 0) << 4) | ((int)Domain << 5) | ((int)Workload << 9)
            | ((int)Urgency << 12) | ((int)CostSensitivity << 15) | ((int)RequiredCapabilities << 18) | (Rule << 26) | ((BudgetBanded ? 1 : 0) << 30);
        return HashCode.Combine(profile, InputTokens, OutputTokens, RuntimeHelpers.GetHashCode(LocalModel), Budget, PinnedProvider, PinnedModel);
    }
}
