using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using nietras.SeparatedValues;

namespace Eaio.Routing;

/// <summary>
/// The buildings a host knows: their ids, site ids and coordinates, which <see cref="BuildingRegistryDetector"/> finds in
/// text. Load it from a BDG2 <c>metadata.csv</c> with <see cref="LoadBdg2Metadata(string)"/> or give the buildings directly.
/// </summary>
/// <remarks>Building ids compare case-insensitively; site ids compare exactly, because BDG2 site code names are ordinary words ("Fox", "Bear").</remarks>
public sealed class BuildingRegistry
{
    // Coordinates are matched when written with at least this many decimals (about 100 m): fewer would match
    // ordinary numbers such as 28.5 in unrelated text.
    private const int MinimumCoordinateDecimals = 3;
    private const int MaximumCoordinateDecimals = 15;

    private readonly Dictionary<string, BuildingInfo> _buildings;
    private readonly Dictionary<string, BuildingInfo>.AlternateLookup<ReadOnlySpan<char>> _buildingLookup;
    private readonly HashSet<string> _sites;
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _siteLookup;
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _sitesAnyCase;
    private readonly HashSet<decimal> _coordinates = [];

    /// <summary>Initializes a new instance of the <see cref="BuildingRegistry"/> class.</summary>
    /// <param name="buildings">The buildings; a later entry with the same id replaces an earlier one.</param>
    public BuildingRegistry(IEnumerable<BuildingInfo> buildings)
        : this(buildings, [])
    {
    }

    /// <summary>Initializes a new instance of the <see cref="BuildingRegistry"/> class with more site ids than the buildings name.</summary>
    /// <param name="buildings">The buildings; a later entry with the same id replaces an earlier one.</param>
    /// <param name="siteIds">More site ids, for sites whose buildings are not listed; blank entries are ignored.</param>
    public BuildingRegistry(IEnumerable<BuildingInfo> buildings, IEnumerable<string> siteIds)
    {
        ArgumentNullException.ThrowIfNull(buildings);
        ArgumentNullException.ThrowIfNull(siteIds);
        _buildings = new(StringComparer.OrdinalIgnoreCase);
        _sites = new(StringComparer.Ordinal);
        foreach (BuildingInfo building in buildings)
        {
            ArgumentNullException.ThrowIfNull(building, nameof(buildings));
            ArgumentException.ThrowIfNullOrWhiteSpace(building.BuildingId, nameof(buildings));
            _buildings[building.BuildingId] = building;
            if (!string.IsNullOrWhiteSpace(building.SiteId))
            {
                _sites.Add(building.SiteId);
            }

            AddCoordinate(building.Latitude);
            AddCoordinate(building.Longitude);
        }

        foreach (string siteId in siteIds)
        {
            if (!string.IsNullOrWhiteSpace(siteId))
            {
                _sites.Add(siteId);
            }
        }

        _buildingLookup = _buildings.GetAlternateLookup<ReadOnlySpan<char>>();
        _siteLookup = _sites.GetAlternateLookup<ReadOnlySpan<char>>();
        _sitesAnyCase = new HashSet<string>(_sites, StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Gets the buildings.</summary>
    public IReadOnlyCollection<BuildingInfo> Buildings => _buildings.Values;

    /// <summary>Gets the site ids of the buildings.</summary>
    public IReadOnlyCollection<string> SiteIds => _sites;

    /// <summary>Reads a BDG2 <c>metadata.csv</c> (columns <c>building_id</c>, <c>site_id</c>, <c>lat</c>, <c>lng</c>; others are ignored).</summary>
    /// <param name="path">The path of the file.</param>
    /// <returns>The registry.</returns>
    public static BuildingRegistry LoadBdg2Metadata(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using StreamReader reader = new(path);
        return LoadBdg2Metadata(reader);
    }

    /// <summary>Reads BDG2 metadata in CSV form (columns <c>building_id</c>, <c>site_id</c>, <c>lat</c>, <c>lng</c>; others are ignored).</summary>
    /// <param name="reader">The CSV text.</param>
    /// <returns>The registry.</returns>
    public static BuildingRegistry LoadBdg2Metadata(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        using SepReader csv = Sep.New(',').Reader(o => o with { Unescape = true }).From(reader);
        List<BuildingInfo> buildings = [];
        foreach (SepReader.Row row in csv)
        {
            string id = row["building_id"].ToString();
            if (id.Length == 0)
            {
                continue;
            }

            string site = row["site_id"].ToString();
            buildings.Add(new BuildingInfo(id, site.Length == 0 ? null : site, ParseOrNull(row["lat"].Span), ParseOrNull(row["lng"].Span)));
        }

        return new BuildingRegistry(buildings);
    }

    /// <summary>Looks up a building by id, case-insensitively.</summary>
    /// <param name="buildingId">The id.</param>
    /// <param name="building">The building, when found.</param>
    /// <returns>Whether the id is a known building.</returns>
    public bool TryGetBuilding(ReadOnlySpan<char> buildingId, [MaybeNullWhen(false)] out BuildingInfo building)
        => _buildingLookup.TryGetValue(buildingId, out building);

    /// <summary>Tells whether <paramref name="siteId"/> is a known site id, compared exactly.</summary>
    /// <param name="siteId">The id.</param>
    /// <returns>Whether the id is a known site.</returns>
    public bool IsSiteId(ReadOnlySpan<char> siteId) => _siteLookup.Contains(siteId);

    /// <summary>Tells whether a token is a site id in any letter case (<c>robin</c> for <c>Robin</c>).</summary>
    /// <param name="siteId">The token.</param>
    /// <returns>Whether it is a site id, ignoring case.</returns>
    public bool IsSiteIdIgnoringCase(ReadOnlySpan<char> siteId) => _sitesAnyCase.Contains(siteId);

    /// <summary>
    /// Tells whether a decimal number is one of the buildings' latitudes or longitudes, written with at least three
    /// decimals, rounded or truncated (<c>28.518</c>, <c>28.5176</c>, <c>-81.3790387999998</c>).
    /// </summary>
    /// <param name="number">The number as written, for example <c>-81.379</c>.</param>
    /// <returns>Whether it is a known coordinate.</returns>
    public bool IsCoordinate(ReadOnlySpan<char> number)
    {
        int dot = number.IndexOf('.');
        return dot >= 0
            && number.Length - dot - 1 >= MinimumCoordinateDecimals
            && decimal.TryParse(number, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal value)
            && _coordinates.Contains(value);
    }

    private void AddCoordinate(double? coordinate)
    {
        if (coordinate is not { } c || !double.IsFinite(c))
        {
            return;
        }

        // Every way the value can be written with 3 or more decimals: as stored, rounded and truncated. Decimal equality
        // ignores trailing zeros, so 28.5180 finds 28.518. The shortest round-trip string gives the digits as a CSV
        // holds them (-111.92814039999979); a (decimal) cast would keep only 15 significant digits.
        if (!decimal.TryParse(c.ToString("R", CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture, out decimal exact))
        {
            return;
        }

        _coordinates.Add(exact);
        for (int decimals = MinimumCoordinateDecimals; decimals <= MaximumCoordinateDecimals; decimals++)
        {
            _coordinates.Add(Math.Round(exact, decimals, MidpointRounding.AwayFromZero));
            _coordinates.Add(decimal.Round(exact, decimals, MidpointRounding.ToZero));
        }
    }

    private static double? ParseOrNull(ReadOnlySpan<char> value)
        => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed) && double.IsFinite(parsed) ? parsed : null;
}
