namespace Eaio.Routing;

/// <summary>
/// A three-parameter change-point regression of daily consumption on daily mean temperature (ASHRAE Guideline 14's
/// 3PH / 3PC): below (heating) or above (cooling) the balance point consumption rises linearly, elsewhere it is flat.
/// Heating: E = base + slope × max(0, balance − T). Cooling: E = base + slope × max(0, T − balance).
/// </summary>
/// <param name="Kind">"heating" or "cooling".</param>
/// <param name="BalancePointCelsius">The temperature where the slope starts, in °C.</param>
/// <param name="BaseLoadPerDay">The flat daily consumption (the intercept), in the meter's unit per day.</param>
/// <param name="SlopePerDegreeDay">The extra consumption per degree-day beyond the balance point.</param>
/// <param name="RSquared">The share of the daily variance the model explains (0..1).</param>
public sealed record ChangePointModel(string Kind, double BalancePointCelsius, double BaseLoadPerDay, double SlopePerDegreeDay, double RSquared)
{
    /// <summary>Fits the model by least squares at each candidate balance point (0.5 °C steps) and keeps the best.</summary>
    /// <param name="temperatures">Daily mean temperatures in °C.</param>
    /// <param name="consumption">Daily consumption, as many as temperatures.</param>
    /// <param name="heating">Whether to fit the heating model (else cooling).</param>
    /// <returns>The best fit, or <see langword="null"/> when no balance point leaves at least 5 days on each side or the slope has the wrong sign.</returns>
    public static ChangePointModel? Fit(IReadOnlyList<double> temperatures, IReadOnlyList<double> consumption, bool heating)
    {
        ArgumentNullException.ThrowIfNull(temperatures);
        ArgumentNullException.ThrowIfNull(consumption);
        if (temperatures.Count != consumption.Count || temperatures.Count < 10)
        {
            return null;
        }

        const int MinimumDaysEachSide = 5;
        double low = Math.Ceiling(temperatures.Min() * 2) / 2, high = Math.Floor(temperatures.Max() * 2) / 2;
        ChangePointModel? best = null;
        double bestSse = double.PositiveInfinity;
        double[] x = new double[temperatures.Count];
        for (double balance = low; balance <= high; balance += 0.5)
        {
            int active = 0;
            for (int i = 0; i < x.Length; i++)
            {
                x[i] = Math.Max(0, heating ? balance - temperatures[i] : temperatures[i] - balance);
                active += x[i] > 0 ? 1 : 0;
            }

            if (active < MinimumDaysEachSide || x.Length - active < MinimumDaysEachSide)
            {
                continue;
            }

            (double intercept, double slope, double sse, double sst) = LeastSquares(x, consumption);
            if (slope > 0 && sse < bestSse)
            {
                bestSse = sse;
                best = new ChangePointModel(heating ? "heating" : "cooling", balance, intercept, slope, sst > 0 ? 1 - (sse / sst) : 0);
            }
        }

        return best;
    }

    private static (double Intercept, double Slope, double Sse, double Sst) LeastSquares(double[] x, IReadOnlyList<double> y)
    {
        double mx = Statistics.Mean(x), my = y.Average();
        double sxy = 0, sxx = 0, sst = 0;
        for (int i = 0; i < x.Length; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            sst += (y[i] - my) * (y[i] - my);
        }

        double slope = sxx == 0 ? 0 : sxy / sxx;
        double intercept = my - (slope * mx);
        double sse = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double r = y[i] - (intercept + (slope * x[i]));
            sse += r * r;
        }

        return (intercept, slope, sse, sst);
    }
}
