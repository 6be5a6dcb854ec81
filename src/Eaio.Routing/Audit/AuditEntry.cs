namespace Eaio.Routing;

/// <summary>What is recorded about one external call or one blocked call. It never holds a raw sensitive value or an API key.</summary>
public sealed record AuditEntry
{
    /// <summary>Gets when the call ended.</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>Gets the request's id.</summary>
    public required string RequestId { get; init; }

    /// <summary>Gets the conversation's id, if any.</summary>
    public string? ConversationId { get; init; }

    /// <summary>Gets the tenant, if any.</summary>
    public string? TenantId { get; init; }

    /// <summary>Gets the building, if any.</summary>
    public string? BuildingId { get; init; }

    /// <summary>Gets the provider the call was for.</summary>
    public required string Provider { get; init; }

    /// <summary>Gets the model the call was for.</summary>
    public required string Model { get; init; }

    /// <summary>Gets the request's privacy level.</summary>
    public required PrivacyLevel Privacy { get; init; }

    /// <summary>Gets the request's sensitivity.</summary>
    public required DataSensitivity Sensitivity { get; init; }

    /// <summary>Gets why the route was chosen.</summary>
    public IReadOnlyList<string> Reasons { get; init; } = [];

    /// <summary>Gets how many values of each entity type were pseudonymised, generalised or redacted.</summary>
    public IReadOnlyDictionary<string, int> EntityCounts { get; init; } = new Dictionary<string, int>();

    /// <summary>Gets the HMAC-SHA256 (hex) of the payload exactly as it was (or would have been) sent.</summary>
    public required string PayloadHmac { get; init; }

    /// <summary>Gets the input tokens the provider reported, if any.</summary>
    public long? InputTokens { get; init; }

    /// <summary>Gets the output tokens the provider reported, if any.</summary>
    public long? OutputTokens { get; init; }

    /// <summary>Gets the estimated cost in US dollars, if known.</summary>
    public decimal? CostUsd { get; init; }

    /// <summary>Gets how long the call took, in milliseconds.</summary>
    public double LatencyMs { get; init; }

    /// <summary>Gets how the call ended: <c>ok</c>, <c>blocked</c>, or <c>failed: ExceptionType</c>.</summary>
    public required string Outcome { get; init; }
}
