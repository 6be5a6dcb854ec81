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
    string? PinnedModel);
