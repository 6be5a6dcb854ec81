namespace Eaio.Routing;

/// <summary>One building in a <see cref="BuildingRegistry"/>: its id, its site and where it is.</summary>
/// <param name="BuildingId">The building id, for example BDG2's <c>Panther_office_Hannah</c>.</param>
/// <param name="SiteId">The site id, for example <c>Panther</c>, or <see langword="null"/> when unknown.</param>
/// <param name="Latitude">The latitude in degrees, or <see langword="null"/> when unknown.</param>
/// <param name="Longitude">The longitude in degrees, or <see langword="null"/> when unknown.</param>
public sealed record BuildingInfo(string BuildingId, string? SiteId = null, double? Latitude = null, double? Longitude = null);
