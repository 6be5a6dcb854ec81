namespace Eaio.Routing;

/// <summary>
/// Energy use intensity: a building's annualised consumption of one energy meter per m² of floor area.
/// The mean of the present hourly readings × 8,760 h gives the annual kWh, so a period with gaps or shorter than a year
/// still yields a yearly figure; <see cref="Coverage"/> tells how much of the period it rests on.
/// </summary>
/// <param name="BuildingId">The building id.</param>
/// <param name="Meter">The (energy) meter type.</param>
/// <param name="SquareMetres">The floor area in m².</param>
/// <param name="PresentHours">The hours with a reading.</param>
/// <param name="Hours">The hours in the period.</param>
/// <param name="AnnualKilowattHours">The annualised consumption in kWh/year, or <see langword="null"/> without readings.</param>
/// <param name="KilowattHoursPerSquareMetreYear">The EUI in kWh/m²/year, or <see langword="null"/> without readings.</param>
public sealed record EnergyUseIntensity(
    string BuildingId,
    MeterType Meter,
    double SquareMetres,
    int PresentHours,
    int Hours,
    double? AnnualKilowattHours,
    double? KilowattHoursPerSquareMetreYear)
{
    /// <summary>The hours of a (non-leap) year, the basis of the annualisation.</summary>
    public const double HoursPerYear = 8_760;

    /// <summary>Gets the share of the period with readings (0..1).</summary>
    public double Coverage => Hours == 0 ? 0 : (double)PresentHours / Hours;

    /// <summary>Computes the EUI from a building's readings.</summary>
    /// <param name="series">The readings of an energy meter.</param>
    /// <param name="squareMetres">The floor area in m² (metadata <c>sqm</c>).</param>
    /// <returns>The EUI.</returns>
    /// <exception cref="ArgumentException">The meter measures litres (water, irrigation).</exception>
    /// <exception cref="ArgumentOutOfRangeException">The floor area is not positive.</exception>
    public static EnergyUseIntensity Compute(MeterSeries series, double squareMetres)
    {
        ArgumentNullException.ThrowIfNull(series);
        double sum = 0;
        int present = 0;
        foreach (double v in series.ValueSpan)
        {
            if (!double.IsNaN(v))
            {
                sum += v;
                present++;
            }
        }

        return FromTotal(new MeterColumnTotal(series.BuildingId, series.Meter, sum, present, series.Count), squareMetres);
    }

    /// <summary>Computes the EUI from a column total (<see cref="Bdg2MeterFile.ReadTotals(DateTime?, DateTime?)"/>).</summary>
    /// <param name="total">The total of an energy meter.</param>
    /// <param name="squareMetres">The floor area in m².</param>
    /// <returns>The EUI.</returns>
    /// <exception cref="ArgumentException">The meter measures litres (water, irrigation).</exception>
    /// <exception cref="ArgumentOutOfRangeException">The floor area is not positive.</exception>
    public static EnergyUseIntensity FromTotal(MeterColumnTotal total, double squareMetres)
    {
        ArgumentNullException.ThrowIfNull(total);
        EnsureEnergyMeter(total.Meter);
        if (!(squareMetres > 0) || !double.IsFinite(squareMetres))
        {
            throw new ArgumentOutOfRangeException(nameof(squareMetres), squareMetres, $"The floor area of '{total.BuildingId}' must be a positive number of m².");
        }

        double? annual = total.PresentHours == 0 ? null : total.Sum / total.PresentHours * HoursPerYear;
        return new EnergyUseIntensity(total.BuildingId, total.Meter, squareMetres, total.PresentHours, total.Hours, annual, annual / squareMetres);
    }

    internal static void EnsureEnergyMeter(MeterType meter)
    {
        if (MeterTypes.IsVolume(meter))
        {
            throw new ArgumentException($"EUI is energy per floor area (kWh/m²/year); {MeterTypes.Name(meter)} is measured in litres. Use an energy meter: electricity, chilledwater, steam, hotwater, gas or solar.", nameof(meter));
        }
    }
}
