using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using nietras.SeparatedValues;

namespace Eaio.Routing;

/// <summary>The buildings of a BDG2 <c>metadata.csv</c>, by id.</summary>
/// <remarks>Building ids compare exactly, as the meter files' column headers do.</remarks>
public sealed class Bdg2Metadata
{
    private static readonly string[] s_requiredColumns = ["building_id", "site_id", "primaryspaceusage", "sqm", "lat", "lng", "timezone"];

    // BDG2 uses the legacy tz names (US/Eastern); they are links in tzdata, but not every system ships the links.
    private static readonly Dictionary<string, string> s_zoneAliases = new(StringComparer.Ordinal)
    {
        ["US/Eastern"] = "America/New_York",
        ["US/Central"] = "America/Chicago",
        ["US/Mountain"] = "America/Denver",
        ["US/Pacific"] = "America/Los_Angeles",
    };

    private readonly Dictionary<string, Bdg2Building> _buildings;

    /// <summary>Initializes a new instance of the <see cref="Bdg2Metadata"/> class.</summary>
    /// <param name="buildings">The buildings; ids must be unique.</param>
    /// <exception cref="ArgumentException">Two buildings have the same id.</exception>
    public Bdg2Metadata(IEnumerable<Bdg2Building> buildings)
    {
        ArgumentNullException.ThrowIfNull(buildings);
        _buildings = new(StringComparer.Ordinal);
        foreach (Bdg2Building building in buildings)
        {
            ArgumentNullException.ThrowIfNull(building, nameof(buildings));
            if (!_buildings.TryAdd(building.BuildingId, building))
            {
                throw new ArgumentException($"The building id '{building.BuildingId}' appears twice.", nameof(buildings));
            }
        }
    }

    /// <summary>Gets the buildings, in file order.</summary>
    public IReadOnlyCollection<Bdg2Building> Buildings => _buildings.Values;

    /// <summary>Reads a BDG2 <c>metadata.csv</c>.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The metadata.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The header lacks a required column, a time zone is unknown, or the file is a Git LFS pointer.</exception>
    public static Bdg2Metadata Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Bdg2Csv.EnsureDataFile(path, "BDG2 metadata");
        using SepReader csv = Bdg2Csv.Open(path);
        string[] missing = [.. s_requiredColumns.Where(c => !csv.Header.TryIndexOf(c, out _))];
        if (missing.Length > 0)
        {
            throw new InvalidDataException($"{path} is not a BDG2 metadata.csv: the header lacks {string.Join(", ", missing)} (it needs {string.Join(", ", s_requiredColumns)}).");
        }

        int id = csv.Header.IndexOf("building_id");
        int site = csv.Header.IndexOf("site_id");
        int use = csv.Header.IndexOf("primaryspaceusage");
        int sqm = csv.Header.IndexOf("sqm");
        int lat = csv.Header.IndexOf("lat");
        int lng = csv.Header.IndexOf("lng");
        int zone = csv.Header.IndexOf("timezone");
        (MeterType Meter, int Index)[] meterColumns = [.. MeterTypes.All
            .Select(m => (m, csv.Header.TryIndexOf(MeterTypes.Name(m), out int i) ? i : -1))
            .Where(c => c.Item2 >= 0)];

        Dictionary<string, TimeZoneInfo> zones = new(StringComparer.Ordinal);
        List<Bdg2Building> buildings = [];
        try
        {
            foreach (SepReader.Row row in csv)
            {
                string buildingId = row[id].ToString();
                if (buildingId.Length == 0)
                {
                    continue;
                }

                string zoneName = row[zone].ToString();
                if (!zones.TryGetValue(zoneName, out TimeZoneInfo? timeZone))
                {
                    timeZone = FindTimeZone(zoneName, path, buildingId);
                    zones[zoneName] = timeZone;
                }

                List<MeterType> meters = [];
                foreach ((MeterType meter, int index) in meterColumns)
                {
                    if (row[index].Span.Equals("Yes", StringComparison.OrdinalIgnoreCase))
                    {
                        meters.Add(meter);
                    }
                }

                string primaryUse = row[use].ToString();
                buildings.Add(new Bdg2Building(
                    buildingId,
                    row[site].ToString(),
                    primaryUse.Length == 0 ? null : primaryUse,
                    ParseOrNull(row[sqm].Span),
                    ParseOrNull(row[lat].Span),
                    ParseOrNull(row[lng].Span),
                    timeZone,
                    meters));
            }
        }
        catch (InvalidDataException ex) when (!ex.Message.StartsWith(path, StringComparison.Ordinal))
        {
            // Sep's own errors (a row with a different number of cells) do not name the file.
            throw new InvalidDataException($"{path}: {ex.Message}", ex);
        }

        return new Bdg2Metadata(buildings);
    }

    /// <summary>Looks up a building.</summary>
    /// <param name="buildingId">The building id, compared exactly.</param>
    /// <param name="building">The building, when found.</param>
    /// <returns>Whether the building exists.</returns>
    public bool TryGetBuilding(string buildingId, [MaybeNullWhen(false)] out Bdg2Building building)
    {
        ArgumentNullException.ThrowIfNull(buildingId);
        return _buildings.TryGetValue(buildingId, out building);
    }

    /// <summary>Gets a building.</summary>
    /// <param name="buildingId">The building id, compared exactly.</param>
    /// <returns>The building.</returns>
    /// <exception cref="ArgumentException">No building has that id; the message suggests ids of the same site.</exception>
    public Bdg2Building GetBuilding(string buildingId)
    {
        ArgumentNullException.ThrowIfNull(buildingId);
        if (_buildings.TryGetValue(buildingId, out Bdg2Building? building))
        {
            return building;
        }

        throw new ArgumentException(UnknownBuildingMessage(buildingId, "the metadata", _buildings.Keys), nameof(buildingId));
    }

    /// <summary>
    /// Creates the privacy detectors' <see cref="BuildingRegistry"/> from these buildings (ids, site ids, coordinates), so
    /// that text naming a building, its site or its coordinates is found before it leaves the machine.
    /// </summary>
    /// <returns>The registry.</returns>
    public BuildingRegistry ToBuildingRegistry() =>
        new(_buildings.Values.Select(b => new BuildingInfo(b.BuildingId, b.SiteId.Length == 0 ? null : b.SiteId, b.Latitude, b.Longitude)));

    internal static string UnknownBuildingMessage(string buildingId, string where, IEnumerable<string> known)
    {
        string site = buildingId.Split('_')[0];
        string[] sameSite = [.. known.Where(k => k.StartsWith(site + "_", StringComparison.OrdinalIgnoreCase)).Take(8)];
        string hint = sameSite.Length > 0
            ? $"buildings of site '{site}' there include {string.Join(", ", sameSite)}"
            : $"ids look like <Site>_<usage>_<Name>, for example {string.Join(", ", known.Take(3))}";
        return $"The building '{buildingId}' is not in {where}; {hint}.";
    }

    private static TimeZoneInfo FindTimeZone(string name, string path, string buildingId)
    {
        if (TimeZoneInfo.TryFindSystemTimeZoneById(name, out TimeZoneInfo? zone)
            || (s_zoneAliases.TryGetValue(name, out string? canonical) && TimeZoneInfo.TryFindSystemTimeZoneById(canonical, out zone)))
        {
            return zone;
        }

        throw new InvalidDataException($"{path}: the time zone '{name}' of building '{buildingId}' is not known to this system; expected an IANA name such as US/Eastern or Europe/London.");
    }

    private static double? ParseOrNull(ReadOnlySpan<char> value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed) && double.IsFinite(parsed) ? parsed : null;
}
