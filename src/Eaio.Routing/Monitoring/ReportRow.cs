namespace Eaio.Routing;

/// <summary>The columns of a request log entry the optimisation report aggregates.</summary>
internal readonly record struct ReportRow(
    string Provider,
    string Model,
    ProviderTier Tier,
    double Complexity,
    RequestOutcome Outcome,
    double LatencyMs,
    double? TimeToFirstTokenMs,
    long InputTokens,
    long OutputTokens,
    decimal CostUsd,
    double? QualityScore,
    double? RateLimitUtilization,
    string? Category)
{
    public static ReportRow From(RequestLogEntry e) => new(
        e.Provider, e.Model, e.Tier, e.Complexity, e.Outcome, e.LatencyMs, e.TimeToFirstTokenMs, e.InputTokens, e.OutputTokens, e.CostUsd, e.QualityScore, e.RateLimitUtilization, e.Category);
}
