namespace Eaio.Routing;

/// <summary>A building's typical day: the mean reading for each local hour, over all days, weekdays and weekends.</summary>
/// <param name="BuildingId">The building id.</param>
/// <param name="Meter">The meter type.</param>
/// <param name="Unit">The unit of the means (kWh or L per hour).</param>
/// <param name="AllDays">The mean per hour of day 0..23; <see langword="null"/> for an hour without readings.</param>
/// <param name="Weekdays">The mean per hour of day over Monday to Friday.</param>
/// <param name="Weekends">The mean per hour of day over Saturday and Sunday.</param>
/// <param name="WeekdayMean">The mean of all weekday readings.</param>
/// <param name="WeekendMean">The mean of all weekend readings.</param>
public sealed record LoadProfile(
    string BuildingId,
    MeterType Meter,
    string Unit,
    IReadOnlyList<double?> AllDays,
    IReadOnlyList<double?> Weekdays,
    IReadOnlyList<double?> Weekends,
    double? WeekdayMean,
    double? WeekendMean)
{
    /// <summary>Gets the weekend mean over the weekday mean: well below 1 for a building used on weekdays.</summary>
    public double? WeekendToWeekdayRatio => WeekdayMean is > 0 ? WeekendMean / WeekdayMean : null;

    /// <summary>Gets the hour of day (0..23) with the highest all-days mean, or <see langword="null"/> without readings.</summary>
    public int? PeakHour
    {
        get
        {
            int? best = null;
            for (int h = 0; h < AllDays.Count; h++)
            {
                if (AllDays[h] is { } v && (best is null || v > AllDays[best.Value]))
                {
                    best = h;
                }
            }

            return best;
        }
    }

    /// <summary>Computes the profile from local timestamps (the hours are the site's wall-clock hours).</summary>
    /// <param name="series">The readings.</param>
    /// <returns>The profile.</returns>
    public static LoadProfile Compute(MeterSeries series)
    {
        ArgumentNullException.ThrowIfNull(series);
        double[] sums = new double[48];
        int[] counts = new int[48];
        ReadOnlySpan<DateTime> timestamps = series.TimestampSpan;
        ReadOnlySpan<double> values = series.ValueSpan;
        for (int i = 0; i < values.Length; i++)
        {
            if (double.IsNaN(values[i]))
            {
                continue;
            }

            int slot = (IsWeekend(timestamps[i]) ? 24 : 0) + timestamps[i].Hour;
            sums[slot] += values[i];
            counts[slot]++;
        }

        double?[] all = new double?[24], weekdays = new double?[24], weekends = new double?[24];
        for (int h = 0; h < 24; h++)
        {
            weekdays[h] = counts[h] == 0 ? null : sums[h] / counts[h];
            weekends[h] = counts[h + 24] == 0 ? null : sums[h + 24] / counts[h + 24];
            int n = counts[h] + counts[h + 24];
            all[h] = n == 0 ? null : (sums[h] + sums[h + 24]) / n;
        }

        return new LoadProfile(series.BuildingId, series.Meter, series.Unit, all, weekdays, weekends, Mean(sums, counts, 0), Mean(sums, counts, 24));
    }

    private static bool IsWeekend(DateTime t) => t.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;

    private static double? Mean(double[] sums, int[] counts, int offset)
    {
        double sum = 0;
        int n = 0;
        for (int h = offset; h < offset + 24; h++)
        {
            sum += sums[h];
            n += counts[h];
        }

        return n == 0 ? null : sum / n;
    }
}
