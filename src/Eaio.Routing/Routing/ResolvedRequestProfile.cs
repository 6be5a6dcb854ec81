namespace Eaio.Routing;

/// <summary>A request's profile with every value decided: what the routing policy works on.</summary>
/// <param name="Privacy">The privacy level after defaults and per-building and per-client overrides.</param>
/// <param name="Sensitivity">The highest sensitivity of the profile and the tags on messages and contents.</param>
/// <param name="Complexity">The complexity, given or estimated, from 0 to 1.</param>
/// <param name="Domain">The domain, given or guessed.</param>
/// <param name="Workload">The workload.</param>
/// <param name="Urgency">The urgency.</param>
/// <param name="CostSensitivity">The cost sensitivity.</param>
/// <param name="RequiredCapabilities">What a model must support to serve the request (tools, vision, JSON).</param>
/// <param name="EstimatedInputTokens">A rough count of the input tokens, for context-window and cost checks.</param>
/// <param name="MaxOutputTokens">The output tokens the request may produce (its <c>MaxOutputTokens</c> or the configured default).</param>
/// <param name="TenantId">The tenant, if given.</param>
/// <param name="BuildingId">The building, if given.</param>
/// <param name="Notes">How values were decided (for example "complexity estimated" or "CRITICAL: profiling failed").</param>
public sealed record ResolvedRequestProfile(
    PrivacyLevel Privacy,
    DataSensitivity Sensitivity,
    double Complexity,
    RequestDomain Domain,
    Workload Workload,
    Urgency Urgency,
    CostSensitivity CostSensitivity,
    ModelCapabilities RequiredCapabilities,
    int EstimatedInputTokens,
    int MaxOutputTokens,
    string? TenantId,
    string? BuildingId,
    IReadOnlyList<string> Notes)
{
    /// <summary>Gets the provider the host pinned the request to (<see cref="RequestProfile.Provider"/>), or <see langword="null"/>.</summary>
    public string? PinnedProvider { get; init; }

    /// <summary>Gets the model the host pinned the request to (<see cref="RequestProfile.Model"/>), or <see langword="null"/>.</summary>
    public string? PinnedModel { get; init; }

    /// <summary>Gets the request's category (<see cref="RequestProfile.Category"/>, else the domain's name), which the adaptive policy learns by.</summary>
    public string Category { get; init; } = DomainNames.Of(RequestDomain.General);

    /// <summary>Gets a value indicating whether the request may only be served locally (PRIVATE, CRITICAL, real-time or emergency).</summary>
    public bool IsLocalOnly =>
        Privacy == PrivacyLevel.Private
        || Sensitivity == DataSensitivity.Critical
        || Workload is Workload.RealTimeMonitoring or Workload.EmergencyResponse;
}
