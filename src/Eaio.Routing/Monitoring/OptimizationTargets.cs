namespace Eaio.Routing;

/// <summary>The targets the optimisation report checks, with the seed's values as defaults.</summary>
public sealed class OptimizationTargets
{
    /// <summary>Gets the p95 response time a local model should stay under (default 500 ms).</summary>
    public TimeSpan LocalLatency { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Gets the p95 response time an external API should stay under (default 3 s).</summary>
    public TimeSpan ApiLatency { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Gets the error rate to stay under (default 1 %).</summary>
    public double ErrorRate { get; init; } = 0.01;

    /// <summary>Gets the availability an external API should exceed (default 99.9 %).</summary>
    public double Availability { get; init; } = 0.999;

    /// <summary>Gets the rate-limit utilisation to stay under (default 80 %).</summary>
    public double RateLimitUtilization { get; init; } = 0.8;

    /// <summary>Gets the lowest output tokens per second of a local model (default 20).</summary>
    public double LocalMinTokensPerSecond { get; init; } = 20;

    /// <summary>Gets the highest output tokens per second expected of a local model (default 60); above it the figure is suspect.</summary>
    public double LocalMaxTokensPerSecond { get; init; } = 60;

    /// <summary>Gets the complexity under which an external request could have gone to the local model (default 0.5).</summary>
    public double LocalComplexity { get; init; } = 0.5;

    /// <summary>Gets the complexity up to which an external request could have gone to its provider's cheapest model (default 0.8,
    /// where the routing policy starts preferring premium models).</summary>
    public double CheaperModelComplexity { get; init; } = 0.8;
}
