namespace Eaio.Routing;

/// <summary>One month of a site's air temperature.</summary>
/// <param name="Month">The month, <c>yyyy-MM</c>.</param>
/// <param name="Hours">The hours with a temperature.</param>
/// <param name="MeanCelsius">The mean temperature in °C.</param>
/// <param name="MinimumCelsius">The lowest hourly temperature.</param>
/// <param name="MaximumCelsius">The highest hourly temperature.</param>
public sealed record MonthlyTemperature(string Month, int Hours, double MeanCelsius, double MinimumCelsius, double MaximumCelsius)
{
    /// <summary>Summarises a site's weather by month; months without a temperature are left out.</summary>
    /// <param name="weather">The weather.</param>
    /// <returns>One entry per month, in order.</returns>
    public static IReadOnlyList<MonthlyTemperature> Compute(WeatherSeries weather)
    {
        ArgumentNullException.ThrowIfNull(weather);
        return [.. weather.Timestamps
            .Select((t, i) => (t, Value: weather.AirTemperature[i]))
            .Where(p => !double.IsNaN(p.Value))
            .GroupBy(p => (p.t.Year, p.t.Month))
            .OrderBy(g => g.Key)
            .Select(g => new MonthlyTemperature(
                $"{g.Key.Year:D4}-{g.Key.Month:D2}",
                g.Count(),
                g.Average(p => p.Value),
                g.Min(p => p.Value),
                g.Max(p => p.Value)))];
    }
}
