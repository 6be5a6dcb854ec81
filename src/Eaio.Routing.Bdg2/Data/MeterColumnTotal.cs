namespace Eaio.Routing;

/// <summary>The sum of one building's readings over a period, from <see cref="Bdg2MeterFile.ReadTotals(DateTime?, DateTime?)"/>.</summary>
/// <param name="BuildingId">The building id.</param>
/// <param name="Meter">The meter type.</param>
/// <param name="Sum">The sum of the present readings, in the meter's unit.</param>
/// <param name="PresentHours">How many hours had a reading.</param>
/// <param name="Hours">How many hours the period has in the file.</param>
public sealed record MeterColumnTotal(string BuildingId, MeterType Meter, double Sum, int PresentHours, int Hours);
