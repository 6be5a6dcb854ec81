using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Eaio.Routing;

/// <summary>The library's meter, instruments and activity source; any OpenTelemetry exporter that listens to <see cref="MeterName"/> sees them.</summary>
internal static class EaioMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = EaioTelemetry.MeterName;

    /// <summary>The tag naming the provider (gen_ai semantic convention).</summary>
    public const string ProviderTag = "gen_ai.provider.name";

    /// <summary>The tag naming the model (gen_ai semantic convention).</summary>
    public const string ModelTag = "gen_ai.request.model";

    /// <summary>The tag naming the request's privacy level.</summary>
    public const string PrivacyTag = "eaio.privacy.level";

    private static readonly Meter s_meter = new(MeterName);

    /// <summary>Gets the activity source of the router's spans.</summary>
    public static ActivitySource Source { get; } = new(EaioTelemetry.ActivitySourceName);

    /// <summary>Gets the count of budget alerts, tagged by tenant: one per tenant and period.</summary>
    public static Counter<long> BudgetAlerts { get; } = s_meter.CreateCounter<long>("eaio.budget.alerts", "{alert}", "Budget alerts raised: spending reached COST_ALERT_THRESHOLD of a budget.");

    /// <summary>Gets the cost of external calls in US dollars, tagged by provider, model and whether it was estimated.</summary>
    public static Counter<double> CostUsd { get; } = s_meter.CreateCounter<double>("eaio.cost", "USD", "What external calls cost, from the usage providers reported.");

    /// <summary>Gets the count of settlements above the call's hold, tagged by provider, model and whether the output passed
    /// the limit the call was sent with (else the input was under-estimated).</summary>
    public static Counter<long> SettlementsOverHold { get; } = s_meter.CreateCounter<long>("eaio.budget.over_hold", "{settlement}", "Calls that cost more than the worst case held for them.");

    /// <summary>Gets the count of served calls whose settlement the ledger could not take and that were recorded as pending, tagged by provider.</summary>
    public static Counter<long> SettlementsPending { get; } = s_meter.CreateCounter<long>("eaio.budget.settlements_pending", "{settlement}", "Settlements of served calls recorded to be applied once the ledger works again.");

    /// <summary>Gets what is left of a budget after each settled call, tagged by tenant.</summary>
    public static Gauge<double> BudgetRemainingUsd { get; } = s_meter.CreateGauge<double>("eaio.budget.remaining", "USD", "What is left of the month's budget after the last settled call.");

    /// <summary>Gets the count of route attempts, tagged by provider, model, privacy level and outcome.</summary>
    public static Counter<long> Requests { get; } = s_meter.CreateCounter<long>("eaio.requests", "{request}", "Route attempts: every request that reached a provider, or failed on the way to one.");

    /// <summary>Gets the duration of route attempts in seconds (gen_ai semantic convention), with the convention's buckets.</summary>
    public static Histogram<double> OperationDuration { get; } = s_meter.CreateHistogram(
        "gen_ai.client.operation.duration",
        "s",
        "Duration of a chat call to one provider, to its last update.",
        tags: null,
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92] });

    /// <summary>Gets the tokens of each call (gen_ai semantic convention), tagged <c>gen_ai.token.type</c> input or output.</summary>
    public static Histogram<long> TokenUsage { get; } = s_meter.CreateHistogram(
        "gen_ai.client.token.usage",
        "{token}",
        "Input and output tokens of a chat call.",
        tags: null,
        advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864] });

    /// <summary>Gets the time to the first streamed update in seconds; the conventions name only a server-side metric for it.</summary>
    public static Histogram<double> TimeToFirstToken { get; } = s_meter.CreateHistogram(
        "eaio.client.time_to_first_token",
        "s",
        "Time from sending a streamed chat call to its first update with output.",
        tags: null,
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24] });

    /// <summary>Gets the count of fallbacks: routes that failed before the one that served a request, tagged by the serving route.</summary>
    public static Counter<long> Fallbacks { get; } = s_meter.CreateCounter<long>("eaio.fallbacks", "{fallback}", "Routes that failed before the route that served the request.");

    /// <summary>Gets the count of request log entries dropped because the writer could not keep up.</summary>
    public static Counter<long> RequestLogDropped { get; } = s_meter.CreateCounter<long>("eaio.request_log.dropped", "{entry}", "Request log entries dropped because the writer could not keep up.");

    /// <summary>Gets the count of calls the egress guard blocked, tagged by provider.</summary>
    public static Counter<long> PrivacyBlocks { get; } = s_meter.CreateCounter<long>("eaio.privacy.blocks", "{block}", "External calls the egress guard or sanitising refused.");

    /// <summary>Gets the count of values replaced by placeholders before an external call, tagged by provider and entity type.</summary>
    public static Counter<long> PseudonymizedEntities { get; } = s_meter.CreateCounter<long>("eaio.privacy.pseudonymized_entities", "{entity}", "Sensitive values replaced by placeholders before leaving the machine.");

    /// <summary>Gets the share of a provider's requests-per-minute limit in use after each call, 0 to 1.</summary>
    public static Gauge<double> RateLimitUtilization { get; } = s_meter.CreateGauge<double>("eaio.rate_limit.utilization", "1", "Share of PROVIDER_REQUESTS_PER_MINUTE used in the last minute.");

    /// <summary>Gets a value indicating whether anyone listens to the per-attempt instruments, so their tags are worth building.</summary>
    public static bool RequestInstrumentsEnabled =>
        OperationDuration.Enabled || Requests.Enabled || TokenUsage.Enabled || TimeToFirstToken.Enabled || Fallbacks.Enabled || RateLimitUtilization.Enabled;

    /// <summary>Gets the tag value of a privacy level, made once so tagging allocates nothing.</summary>
    public static string PrivacyValue(PrivacyLevel privacy) => privacy switch
    {
        PrivacyLevel.Private => "private",
        PrivacyLevel.Enhanced => "enhanced",
        PrivacyLevel.Public => "public",
        _ => "unknown",
    };
}
