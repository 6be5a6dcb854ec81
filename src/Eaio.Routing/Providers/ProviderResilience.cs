using System.Threading.RateLimiting;

namespace Eaio.Routing;

/// <summary>What guards one provider's calls: time limits, its request rate limit, the tier's concurrency limit and its circuit breaker.</summary>
internal sealed class ProviderResilience
{
    public required string Provider { get; init; }

    /// <summary>Gets the longest wait for the first update, queueing included: the bound on the time to fall back.</summary>
    public required TimeSpan FirstUpdateTimeout { get; init; }

    public required TimeSpan TotalTimeout { get; init; }

    /// <summary>Gets the configuration key of <see cref="FirstUpdateTimeout"/>, for messages.</summary>
    public required string TimeoutSetting { get; init; }

    public required string ConcurrencySetting { get; init; }

    public required RateLimiter RequestRate { get; init; }

    public required int RequestsPerMinute { get; init; }

    public required RateLimiter Concurrency { get; init; }

    public required ProviderCircuitBreaker Circuit { get; init; }

    public required TimeProvider Time { get; init; }

    public required CancellationSourcePool Timeouts { get; init; }
}
