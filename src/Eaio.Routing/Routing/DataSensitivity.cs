namespace Eaio.Routing;

/// <summary>How sensitive the data in a request is, in the three classes of the EAIO security framework.</summary>
/// <remarks>The values are ordered from least to most sensitive, so the request's sensitivity is the maximum of its tags.</remarks>
public enum DataSensitivity
{
    /// <summary>Public knowledge: best practices, general efficiency concepts, weather correlation.</summary>
    Public = 0,

    /// <summary>Aggregated or anonymised data: aggregated building performance, benchmarking comparisons.</summary>
    Sensitive = 1,

    /// <summary>One building's consumption, equipment performance, real-time status, proprietary algorithms: local only.</summary>
    Critical = 2,
}
