namespace Eaio.Routing;

/// <summary>The kind of work a request belongs to, with its latency and reliability needs.</summary>
public enum Workload
{
    /// <summary>A person waiting for an answer.</summary>
    Interactive = 0,

    /// <summary>Real-time monitoring (under 200 ms): local only.</summary>
    RealTimeMonitoring,

    /// <summary>Strategic planning (under 5 s): external APIs allowed.</summary>
    StrategicPlanning,

    /// <summary>Batch analysis: the cheapest external API that fits is preferred.</summary>
    BatchAnalysis,

    /// <summary>Emergency response: local only, for reliability.</summary>
    EmergencyResponse,
}
