using System.Diagnostics.Metrics;

namespace Eaio.Routing;

/// <summary>The library's meter and instruments; any OpenTelemetry exporter that listens to <see cref="MeterName"/> sees them.</summary>
internal static class EaioMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Eaio.Routing";

    private static readonly Meter s_meter = new(MeterName);

    /// <summary>Gets the count of budget alerts, tagged by tenant: one per tenant and period.</summary>
    public static Counter<long> BudgetAlerts { get; } = s_meter.CreateCounter<long>("eaio.budget.alerts", "{alert}", "Budget alerts raised: spending reached COST_ALERT_THRESHOLD of a budget.");

    /// <summary>Gets the cost of external calls in US dollars, tagged by provider, model and whether it was estimated.</summary>
    public static Counter<double> CostUsd { get; } = s_meter.CreateCounter<double>("eaio.cost", "USD", "What external calls cost, from the usage providers reported.");
}
