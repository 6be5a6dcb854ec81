namespace Eaio.Routing;

/// <summary>One provider and model over a report's period.</summary>
/// <remarks>
/// Latency and time to first token are over succeeded attempts (a failure's time says nothing about the model's speed);
/// percentiles are nearest-rank. Error rate and availability leave out attempts the router blocked or the caller cancelled:
/// error rate = (failed + unavailable) / counted, availability = 1 − unavailable / counted.
/// </remarks>
public sealed record ProviderModelStatistics
{
    /// <summary>Gets the provider's name.</summary>
    public required string Provider { get; init; }

    /// <summary>Gets the model id.</summary>
    public required string Model { get; init; }

    /// <summary>Gets whether the provider is local or external.</summary>
    public required ProviderTier Tier { get; init; }

    /// <summary>Gets the number of attempts logged.</summary>
    public required int Requests { get; init; }

    /// <summary>Gets the number that succeeded.</summary>
    public required int Succeeded { get; init; }

    /// <summary>Gets the number that failed with the provider's error or an unusable answer.</summary>
    public required int Failed { get; init; }

    /// <summary>Gets the number that found the provider unreachable or too slow.</summary>
    public required int Unavailable { get; init; }

    /// <summary>Gets the number the router blocked itself (egress guard, budget).</summary>
    public required int Blocked { get; init; }

    /// <summary>Gets the number the caller cancelled.</summary>
    public required int Cancelled { get; init; }

    /// <summary>Gets the mean response time in milliseconds, or <see langword="null"/> without a success.</summary>
    public double? MeanLatencyMs { get; init; }

    /// <summary>Gets the median response time in milliseconds.</summary>
    public double? P50LatencyMs { get; init; }

    /// <summary>Gets the 95th percentile response time in milliseconds.</summary>
    public double? P95LatencyMs { get; init; }

    /// <summary>Gets the mean time to first token of streamed calls in milliseconds, or <see langword="null"/> without one.</summary>
    public double? MeanTimeToFirstTokenMs { get; init; }

    /// <summary>Gets the median time to first token in milliseconds.</summary>
    public double? P50TimeToFirstTokenMs { get; init; }

    /// <summary>Gets the 95th percentile time to first token in milliseconds.</summary>
    public double? P95TimeToFirstTokenMs { get; init; }

    /// <summary>Gets the share of counted attempts that failed or found the provider unavailable, 0 to 1.</summary>
    public required double ErrorRate { get; init; }

    /// <summary>Gets the share of counted attempts that found the provider available, 0 to 1.</summary>
    public required double Availability { get; init; }

    /// <summary>Gets the cost in US dollars.</summary>
    public required decimal CostUsd { get; init; }

    /// <summary>Gets the input tokens.</summary>
    public required long InputTokens { get; init; }

    /// <summary>Gets the output tokens.</summary>
    public required long OutputTokens { get; init; }

    /// <summary>Gets the mean quality score of the responses that were rated, or <see langword="null"/> when none was.</summary>
    public double? MeanQuality { get; init; }

    /// <summary>Gets how many responses were rated.</summary>
    public required int Rated { get; init; }

    /// <summary>Gets the output tokens per second of succeeded attempts, end to end (all their output tokens over all their time).</summary>
    public double? TokensPerSecond { get; init; }

    /// <summary>Gets the 95th percentile of the logged rate-limit utilisation, 0 to 1, or <see langword="null"/> when none was logged.</summary>
    public double? RateLimitUtilization { get; init; }
}
