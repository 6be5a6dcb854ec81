namespace Eaio.Routing;

/// <summary>
/// Readings that depart from the building's usual load at the same hour of the week (168 baselines: Monday 00:00 …
/// Sunday 23:00, local time). Each baseline is the median of that hour's readings; a reading is anomalous when its
/// robust z-score 0.6745 × (x − median) / MAD exceeds the threshold (Iglewicz and Hoaglin's 3.5 by default). Median
/// and MAD are not pulled by the anomalies themselves, which a mean and standard deviation would be.
/// </summary>
/// <param name="BuildingId">The building id.</param>
/// <param name="Meter">The meter type.</param>
/// <param name="Unit">The unit of the readings.</param>
/// <param name="Threshold">The robust z-score threshold.</param>
/// <param name="CheckedHours">The readings that had a usable baseline (enough readings and a non-zero spread).</param>
/// <param name="AnomalyCount">How many readings exceeded the threshold.</param>
/// <param name="Anomalies">The largest anomalies by |z|, at most the requested number.</param>
public sealed record AnomalyReport(
    string BuildingId,
    MeterType Meter,
    string Unit,
    double Threshold,
    int CheckedHours,
    int AnomalyCount,
    IReadOnlyList<MeterAnomaly> Anomalies)
{
    /// <summary>The hours of a week: one baseline per local hour of the week.</summary>
    public const int HoursPerWeek = 168;

    /// <summary>Finds the anomalies of a meter.</summary>
    /// <param name="series">The readings.</param>
    /// <param name="threshold">The robust z-score above which (in absolute value) a reading is anomalous.</param>
    /// <param name="maximumListed">How many of the largest anomalies to list.</param>
    /// <param name="minimumBaselineReadings">How many readings an hour of the week needs for a baseline; with fewer its readings are not checked.</param>
    /// <returns>The report.</returns>
    public static AnomalyReport Detect(MeterSeries series, double threshold = 3.5, int maximumListed = 20, int minimumBaselineReadings = 8)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(threshold);
        ArgumentOutOfRangeException.ThrowIfNegative(maximumListed);
        ArgumentOutOfRangeException.ThrowIfLessThan(minimumBaselineReadings, 2);
        ReadOnlySpan<DateTime> timestamps = series.TimestampSpan;
        ReadOnlySpan<double> values = series.ValueSpan;
        List<double>[] slots = new List<double>[HoursPerWeek];
        for (int s = 0; s < HoursPerWeek; s++)
        {
            slots[s] = [];
        }

        for (int i = 0; i < values.Length; i++)
        {
            if (!double.IsNaN(values[i]))
            {
                slots[HourOfWeek(timestamps[i])].Add(values[i]);
            }
        }

        double[] medians = new double[HoursPerWeek];
        double[] mads = new double[HoursPerWeek];
        for (int s = 0; s < HoursPerWeek; s++)
        {
            double[] readings = [.. slots[s]];
            medians[s] = Statistics.MedianInPlace(readings);
            mads[s] = readings.Length >= minimumBaselineReadings ? Statistics.MedianAbsoluteDeviation(readings, medians[s]) : double.NaN;
        }

        int checkedHours = 0;
        List<MeterAnomaly> anomalies = [];
        for (int i = 0; i < values.Length; i++)
        {
            int s = HourOfWeek(timestamps[i]);

            // A zero MAD (more than half the readings identical, e.g. a meter idle at night) gives no scale to judge by.
            if (double.IsNaN(values[i]) || !(mads[s] > 0))
            {
                continue;
            }

            checkedHours++;
            double z = Statistics.MadToSigma * (values[i] - medians[s]) / mads[s];
            if (Math.Abs(z) > threshold)
            {
                anomalies.Add(new MeterAnomaly(timestamps[i], values[i], medians[s], z));
            }
        }

        MeterAnomaly[] listed = [.. anomalies.OrderByDescending(a => Math.Abs(a.RobustZ)).ThenBy(a => a.Timestamp).Take(maximumListed)];
        return new AnomalyReport(series.BuildingId, series.Meter, series.Unit, threshold, checkedHours, anomalies.Count, listed);
    }

    /// <summary>Monday 00:00 is 0, Sunday 23:00 is 167.</summary>
    internal static int HourOfWeek(DateTime t) => ((((int)t.DayOfWeek) + 6) % 7 * 24) + t.Hour;
}
