namespace Eaio.Routing;

/// <summary>One building in a <see cref="BuildingList"/>: its descriptors, no readings.</summary>
/// <param name="BuildingId">The building id.</param>
/// <param name="SiteId">The site id.</param>
/// <param name="PrimarySpaceUsage">The primary use, or <see langword="null"/>.</param>
/// <param name="SquareMetres">The floor area in m², or <see langword="null"/>.</param>
/// <param name="Meters">The meter types the building has.</param>
public sealed record BuildingListEntry(string BuildingId, string SiteId, string? PrimarySpaceUsage, double? SquareMetres, IReadOnlyList<string> Meters);
