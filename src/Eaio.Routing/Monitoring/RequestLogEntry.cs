namespace Eaio.Routing;

/// <summary>One route attempt in the request log: the seed's fields (time, provider, model, response time, tokens, cost,
/// quality score, privacy level, complexity) plus outcome, fallbacks and time to first token.</summary>
/// <remarks>
/// The router logs every attempt, local and external: a request served after a fallback leaves one row per route it tried,
/// all with the same <see cref="RequestId"/>, so a provider's error rate counts the failures that were failed over.
/// </remarks>
public sealed record RequestLogEntry
{
    /// <summary>Gets the request's id, shared by all its attempts.</summary>
    public required string RequestId { get; init; }

    /// <summary>Gets the response's id (<c>ChatResponse.ResponseId</c>), the key for <see cref="IRequestLog.RecordFeedbackAsync"/>;
    /// <see langword="null"/> for attempts that produced no response.</summary>
    public string? ResponseId { get; init; }

    /// <summary>Gets when the attempt started.</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>Gets the provider's name.</summary>
    public required string Provider { get; init; }

    /// <summary>Gets the model id.</summary>
    public required string Model { get; init; }

    /// <summary>Gets whether the provider is local or external.</summary>
    public required ProviderTier Tier { get; init; }

    /// <summary>Gets the request's privacy level.</summary>
    public required PrivacyLevel Privacy { get; init; }

    /// <summary>Gets the request's complexity, 0 to 1.</summary>
    public required double Complexity { get; init; }

    /// <summary>Gets how the attempt ended.</summary>
    public required RequestOutcome Outcome { get; init; }

    /// <summary>Gets the exception type's name of a failed attempt.</summary>
    public string? ErrorType { get; init; }

    /// <summary>Gets the response time in milliseconds: to the response, or to a stream's last update, or to the failure.</summary>
    public required double LatencyMs { get; init; }

    /// <summary>Gets the time to the first streamed update with output in milliseconds; <see langword="null"/> when not streamed.</summary>
    public double? TimeToFirstTokenMs { get; init; }

    /// <summary>Gets the input tokens.</summary>
    public long InputTokens { get; init; }

    /// <summary>Gets the output tokens.</summary>
    public long OutputTokens { get; init; }

    /// <summary>Gets the cost in US dollars (0 for local models).</summary>
    public decimal CostUsd { get; init; }

    /// <summary>Gets how many routes of the same request failed before this attempt.</summary>
    public int Fallbacks { get; init; }

    /// <summary>Gets the user's quality score from 0 to 1, once given with <see cref="IRequestLog.RecordFeedbackAsync"/>.</summary>
    public double? QualityScore { get; init; }

    /// <summary>Gets the share of the provider's requests-per-minute limit in use when the attempt ended, 0 to 1.</summary>
    public double? RateLimitUtilization { get; init; }

    /// <summary>Gets a value indicating whether the call was streamed.</summary>
    public bool Streamed { get; init; }

    /// <summary>Gets the request's category (<see cref="ResolvedRequestProfile.Category"/>: the host's
    /// <see cref="RequestProfile.Category"/>, else the domain's name), for acceptance by category in the optimisation report;
    /// <see langword="null"/> for a call the router did not plan, or an entry stored before categories were logged.</summary>
    public string? Category { get; init; }
}
