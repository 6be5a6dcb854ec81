namespace Eaio.Routing;

/// <summary>
/// How one building's daily consumption follows its site's outdoor temperature: the Spearman rank correlation
/// (BDG2 notebook 07) and heating and cooling change-point regressions. Days count when both the meter and the weather
/// have at least 20 of the 24 local hours; a day's consumption is its mean hourly reading × 24.
/// </summary>
/// <param name="BuildingId">The building id.</param>
/// <param name="Meter">The meter type.</param>
/// <param name="SiteId">The site whose weather was used.</param>
/// <param name="Days">The days used.</param>
/// <param name="SpearmanRho">The rank correlation of daily consumption with daily mean temperature (−1..1), or <see langword="null"/> when either is constant.</param>
/// <param name="Heating">The heating change-point model, or <see langword="null"/> when consumption does not rise as it gets colder.</param>
/// <param name="Cooling">The cooling change-point model, or <see langword="null"/> when consumption does not rise as it gets warmer.</param>
public sealed record WeatherSensitivity(
    string BuildingId,
    MeterType Meter,
    string SiteId,
    int Days,
    double? SpearmanRho,
    ChangePointModel? Heating,
    ChangePointModel? Cooling)
{
    /// <summary>The hours of a day a meter and the weather must both have for the day to count.</summary>
    public const int MinimumHoursPerDay = 20;

    /// <summary>Relates a meter to the weather of its site.</summary>
    /// <param name="series">The readings.</param>
    /// <param name="weather">The site's weather (local time, like the meter).</param>
    /// <returns>The sensitivity.</returns>
    public static WeatherSensitivity Compute(MeterSeries series, WeatherSeries weather)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(weather);
        (double[] temperature, double[] consumption) = DailyPairs(series, weather);
        double? rho = temperature.Length < 3 ? null : Statistics.Finite(Statistics.Pearson(Statistics.Ranks(temperature), Statistics.Ranks(consumption)));
        return new WeatherSensitivity(
            series.BuildingId,
            series.Meter,
            weather.SiteId,
            temperature.Length,
            rho,
            ChangePointModel.Fit(temperature, consumption, heating: true),
            ChangePointModel.Fit(temperature, consumption, heating: false));
    }

    internal static (double[] Temperature, double[] Consumption) DailyPairs(MeterSeries series, WeatherSeries weather)
    {
        List<double> temperatures = [], consumption = [];
        ReadOnlySpan<DateTime> timestamps = series.TimestampSpan;
        ReadOnlySpan<double> values = series.ValueSpan;
        int i = 0;
        while (i < values.Length)
        {
            DateTime day = timestamps[i].Date;
            double meterSum = 0, temperatureSum = 0;
            int meterHours = 0, temperatureHours = 0;
            for (; i < values.Length && timestamps[i].Date == day; i++)
            {
                if (!double.IsNaN(values[i]))
                {
                    meterSum += values[i];
                    meterHours++;
                }

                double t = weather.TemperatureAt(timestamps[i]);
                if (!double.IsNaN(t))
                {
                    temperatureSum += t;
                    temperatureHours++;
                }
            }

            if (meterHours >= MinimumHoursPerDay && temperatureHours >= MinimumHoursPerDay)
            {
                consumption.Add(meterSum / meterHours * 24);
                temperatures.Add(temperatureSum / temperatureHours);
            }
        }

        return ([.. temperatures], [.. consumption]);
    }
}
