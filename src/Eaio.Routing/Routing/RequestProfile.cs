namespace Eaio.Routing;

/// <summary>What the host says about a request; every property left <see langword="null"/> is resolved by the router.</summary>
/// <remarks>
/// Attach a profile with <see cref="EaioChatOptionsExtensions.WithEaio(Microsoft.Extensions.AI.ChatOptions, Action{RequestProfile})"/>.
/// The privacy level can only come from here or from configuration; nothing in the messages can change it.
/// </remarks>
public sealed class RequestProfile
{
    /// <summary>Gets or sets the privacy level; <see langword="null"/> uses <c>DEFAULT_PRIVACY_LEVEL</c> and the per-building and per-client overrides.</summary>
    public PrivacyLevel? Privacy { get; set; }

    /// <summary>Gets or sets the sensitivity of the data, combined (maximum) with the tags on messages and contents.</summary>
    public DataSensitivity? Sensitivity { get; set; }

    /// <summary>Gets or sets the complexity from 0 (trivial) to 1 (hardest); <see langword="null"/> lets the router estimate it.</summary>
    public double? Complexity { get; set; }

    /// <summary>Gets or sets the domain; <see langword="null"/> lets the router guess it from the text.</summary>
    public RequestDomain? Domain { get; set; }

    /// <summary>Gets or sets the workload; <see langword="null"/> means <see cref="Routing.Workload.Interactive"/>.</summary>
    public Workload? Workload { get; set; }

    /// <summary>Gets or sets the urgency; <see langword="null"/> means <see cref="Routing.Urgency.Normal"/>.</summary>
    public Urgency? Urgency { get; set; }

    /// <summary>Gets or sets the cost sensitivity; <see langword="null"/> means <see cref="Routing.CostSensitivity.Normal"/>.</summary>
    public CostSensitivity? CostSensitivity { get; set; }

    /// <summary>Gets or sets the tenant (client) the request is made for; it selects the per-client privacy override.</summary>
    public string? TenantId { get; set; }

    /// <summary>Gets or sets the building the request is about; it selects the per-building privacy override.</summary>
    public string? BuildingId { get; set; }

    /// <summary>Gets or sets the provider the request is pinned to (for example <c>openai</c>); <see langword="null"/> lets the router choose.</summary>
    /// <remarks>
    /// A pin narrows the plan to this provider's route and never widens it: privacy, sensitivity, strategy and budget
    /// exclusions still apply, and nothing fails over to another provider. A pinned route that is excluded leaves an
    /// empty plan, so the request fails with <see cref="NoRouteAvailableException"/> instead of going somewhere else.
    /// </remarks>
    public string? Provider { get; set; }

    /// <summary>Gets or sets the model of <see cref="Provider"/> the request is pinned to; <see langword="null"/> lets the router choose the model by task.</summary>
    /// <remarks>Only read together with <see cref="Provider"/>: a model id alone is ambiguous across providers.</remarks>
    public string? Model { get; set; }

    /// <summary>Gets or sets the kind of request, for the adaptive policy (<c>ADAPTIVE_ROUTING</c>) and the optimisation
    /// report's acceptance by category, for example the feature or prompt template it comes from; <see langword="null"/> uses the domain's name.</summary>
    /// <remarks>
    /// Feedback is learnt per category, so a category should group requests the local model answers about equally well.
    /// Without one, the guessed domain is the category, which is coarse. The category is stored in the request log and the
    /// adaptive policy's store: do not put personal or sensitive data in it.
    /// </remarks>
    public string? Category { get; set; }

    /// <summary>Creates a copy, so one profile can be reused as a template.</summary>
    /// <returns>A new <see cref="RequestProfile"/> with the same values.</returns>
    public RequestProfile Clone() => (RequestProfile)MemberwiseClone();
}
