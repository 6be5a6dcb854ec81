namespace Eaio.Routing;

/// <summary>One reading far from its baseline, found by <see cref="AnomalyReport.Detect(MeterSeries, double, int, int)"/>.</summary>
/// <param name="Timestamp">The local hour.</param>
/// <param name="Value">The reading.</param>
/// <param name="BaselineMedian">The median of the readings at the same hour of the week.</param>
/// <param name="RobustZ">0.6745 × (value − median) / MAD: positive above the baseline, negative below.</param>
public sealed record MeterAnomaly(DateTime Timestamp, double Value, double BaselineMedian, double RobustZ);
