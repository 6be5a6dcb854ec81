namespace Eaio.Routing;

/// <summary>One building of a BDG2 <c>metadata.csv</c>: the fields the analyses use.</summary>
/// <param name="BuildingId">The building id, for example <c>Panther_office_Hannah</c>; also its column header in the meter files.</param>
/// <param name="SiteId">The site code name, for example <c>Panther</c>.</param>
/// <param name="PrimarySpaceUsage">The EnergyStar-style primary use (<c>Education</c>, <c>Office</c>, …), or <see langword="null"/> when blank.</param>
/// <param name="SquareMetres">The gross floor area in m² (<c>sqm</c>), or <see langword="null"/> when blank.</param>
/// <param name="Latitude">The site latitude, or <see langword="null"/> when blank (anonymised sites).</param>
/// <param name="Longitude">The site longitude, or <see langword="null"/> when blank.</param>
/// <param name="TimeZone">The site's time zone, in which the meter and weather timestamps are local time.</param>
/// <param name="Meters">The meter types the building has (metadata columns holding <c>Yes</c>).</param>
public sealed record Bdg2Building(
    string BuildingId,
    string SiteId,
    string? PrimarySpaceUsage,
    double? SquareMetres,
    double? Latitude,
    double? Longitude,
    TimeZoneInfo TimeZone,
    IReadOnlyList<MeterType> Meters);
