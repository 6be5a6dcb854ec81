namespace Eaio.Routing;

/// <summary>How much one building's meter recorded over a period: total, mean, peak and load factor.</summary>
/// <param name="BuildingId">The building id.</param>
/// <param name="Meter">The meter type.</param>
/// <param name="Unit">The unit of <see cref="Total"/>, <see cref="MeanPerHour"/> and <see cref="Peak"/> (kWh or L per hour).</param>
/// <param name="From">The first local hour of the period, or <see langword="null"/> when it has none.</param>
/// <param name="To">The last local hour of the period, or <see langword="null"/> when it has none.</param>
/// <param name="Hours">The hours in the period.</param>
/// <param name="PresentHours">The hours with a reading.</param>
/// <param name="Total">The sum of the present readings.</param>
/// <param name="MeanPerHour">The mean of the present readings, or <see langword="null"/> when there are none.</param>
/// <param name="Peak">The largest reading, or <see langword="null"/> when there are none.</param>
/// <param name="PeakAt">The local hour of the first largest reading.</param>
/// <param name="LoadFactor">Mean over peak (0..1 for a non-negative meter), or <see langword="null"/> when the peak is not positive.</param>
public sealed record ConsumptionSummary(
    string BuildingId,
    MeterType Meter,
    string Unit,
    DateTime? From,
    DateTime? To,
    int Hours,
    int PresentHours,
    double Total,
    double? MeanPerHour,
    double? Peak,
    DateTime? PeakAt,
    double? LoadFactor)
{
    /// <summary>Gets the share of hours without a reading (0..1).</summary>
    public double MissingShare => Hours == 0 ? 0 : 1.0 - ((double)PresentHours / Hours);

    /// <summary>Summarises a meter over a period.</summary>
    /// <param name="series">The readings.</param>
    /// <param name="from">The first local hour (inclusive), or <see langword="null"/> for the start.</param>
    /// <param name="to">The local hour after the last (exclusive), or <see langword="null"/> for the end.</param>
    /// <returns>The summary.</returns>
    public static ConsumptionSummary Compute(MeterSeries series, DateTime? from = null, DateTime? to = null)
    {
        ArgumentNullException.ThrowIfNull(series);
        MeterSeries period = from is null && to is null ? series : series.Slice(from, to);
        ReadOnlySpan<double> values = period.ValueSpan;
        double total = 0;
        int present = 0;
        double peak = double.NegativeInfinity;
        int peakIndex = -1;
        for (int i = 0; i < values.Length; i++)
        {
            double v = values[i];
            if (double.IsNaN(v))
            {
                continue;
            }

            total += v;
            present++;
            if (v > peak)
            {
                peak = v;
                peakIndex = i;
            }
        }

        double? mean = present == 0 ? null : total / present;
        return new ConsumptionSummary(
            series.BuildingId,
            series.Meter,
            series.Unit,
            period.Count == 0 ? null : period.TimestampSpan[0],
            period.Count == 0 ? null : period.TimestampSpan[^1],
            period.Count,
            present,
            total,
            mean,
            peakIndex < 0 ? null : peak,
            peakIndex < 0 ? null : period.TimestampSpan[peakIndex],
            peakIndex >= 0 && peak > 0 ? mean / peak : null);
    }
}
