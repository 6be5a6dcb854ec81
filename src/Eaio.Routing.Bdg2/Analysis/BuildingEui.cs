namespace Eaio.Routing;

/// <summary>A building's EUI with its primary use: the input of peer benchmarking.</summary>
/// <param name="BuildingId">The building id.</param>
/// <param name="PrimarySpaceUsage">The building's primary use (metadata <c>primaryspaceusage</c>), or <see langword="null"/>.</param>
/// <param name="KilowattHoursPerSquareMetreYear">The EUI in kWh/m²/year.</param>
public sealed record BuildingEui(string BuildingId, string? PrimarySpaceUsage, double KilowattHoursPerSquareMetreYear);
