namespace Eaio.Routing;

/// <summary>
/// The host's own identifiers that the router masks before any external call: BDG2 buildings and sites, person names
/// and meter or equipment id formats. <c>AddEaioHybridChat</c> registers a <see cref="BuildingRegistryDetector"/>, a
/// <see cref="PersonNameDetector"/> and one <see cref="PatternDetector"/> per pattern from them.
/// </summary>
/// <remarks>
/// BDG2-shaped building ids (<c>Panther_office_Hannah</c>) are found without any of this by
/// <see cref="Bdg2BuildingIdDetector"/>; these settings add the exact ids, the site ids, the coordinates and everything
/// that does not have BDG2's shape. A relative path is looked up in the current directory, then beside the program.
/// </remarks>
public sealed class IdentifierDetectionOptions
{
    /// <summary>Gets or sets the path of a BDG2 <c>metadata.csv</c> whose building ids, site ids and coordinates are masked
    /// (<c>EAIO_BUILDINGS_METADATA</c>, <c>Privacy:BuildingsMetadata</c>; default none).</summary>
    public string? BuildingsMetadata { get; set; }

    /// <summary>Gets more building ids to mask, compared case-insensitively (<c>EAIO_BUILDING_IDS</c>, comma-separated, or the
    /// list <c>Privacy:BuildingIds</c>).</summary>
    public IList<string> BuildingIds { get; } = [];

    /// <summary>Gets more site ids to mask, compared exactly as BDG2's are (<c>EAIO_SITE_IDS</c>, comma-separated, or the list
    /// <c>Privacy:SiteIds</c>).</summary>
    public IList<string> SiteIds { get; } = [];

    /// <summary>Gets or sets a value indicating whether site ids alone are masked (<c>EAIO_MATCH_SITE_IDS</c>,
    /// <c>Privacy:MatchSiteIds</c>, default true).</summary>
    /// <remarks>BDG2's site ids are animal names (<c>Bear</c>, <c>Fox</c>, <c>Robin</c>), matched in their exact case, so a
    /// sentence starting "Bear in mind" is masked too; turn this off when that costs more than a site id leaving.</remarks>
    public bool MatchSiteIds { get; set; } = true;

    /// <summary>Gets person names to mask, whole words in any case and with any spacing or line break between their words
    /// (<c>EAIO_PERSON_NAMES</c>, comma-separated, or the list <c>Privacy:PersonNames</c>).</summary>
    public IList<string> PersonNames { get; } = [];

    /// <summary>Gets or sets the path of a UTF-8 file of person names to mask, one per line; blank lines and lines starting
    /// with <c>#</c> are skipped (<c>EAIO_PERSON_NAMES_FILE</c>, <c>Privacy:PersonNamesFile</c>).</summary>
    public string? PersonNamesFile { get; set; }

    /// <summary>Gets .NET regular expressions of meter or equipment ids, each match masked as <see cref="EntityTypes.Equipment"/>
    /// (<c>EAIO_EQUIPMENT_PATTERN</c>, one pattern, or the list <c>Privacy:EquipmentPatterns</c>); for example
    /// <c>\bMTR-\d{6}\b</c>. Each match is given <see cref="PatternDetector.DefaultMatchTimeout"/>.</summary>
    public IList<string> EquipmentPatterns { get; } = [];

    /// <summary>Gets a value indicating whether any setting here asks for a detector.</summary>
    public bool IsConfigured =>
        BuildingsMetadata is not null || BuildingIds.Count > 0 || SiteIds.Count > 0 || PersonNames.Count > 0 || PersonNamesFile is not null || EquipmentPatterns.Count > 0;
}
