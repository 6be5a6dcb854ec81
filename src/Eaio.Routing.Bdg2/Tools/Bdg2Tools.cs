using System.Collections.Concurrent;
using System.ComponentModel;
using System.Globalization;
using Microsoft.Extensions.AI;

namespace Eaio.Routing;

/// <summary>
/// The BDG2 analyses as <see cref="AIFunction"/> tools for a chat model. Every result is a <see cref="Bdg2ToolResult{T}"/>
/// that declares its sensitivity to the router: one building's data is CRITICAL, so a conversation that has received
/// it stays on the local model; aggregates over at least 5 buildings are SENSITIVE; weather alone is PUBLIC.
/// </summary>
/// <remarks>
/// Put <c>UseFunctionInvocation()</c> above the router (on the builder <c>AddEaioHybridChat</c> returns), so the tool
/// results are in the messages the router profiles. The results are returned as objects, not serialized, so that
/// their <see cref="ISensitivityTagged"/> reaches the router.
/// </remarks>
public sealed class Bdg2Tools
{
    // No real id as the example: tool descriptions are sent unmasked, so the egress guard would block every external
    // call that offers these tools.
    private const string BuildingDescription = "The BDG2 building id, <Site>_<usage>_<Name>: the site's code name, the usage in lower case and a first name. Use bdg2_find_buildings to find ids.";
    private const string MeterDescription = "The meter type: electricity, chilledwater, steam, hotwater, gas, water, irrigation or solar. Energy meters are in kWh per hour, water and irrigation in litres per hour.";
    private const string OneBuilding = "one building's readings or figures derived from them";

    private readonly Bdg2Dataset _dataset;
    private readonly bool _cleaned;
    private readonly ConcurrentDictionary<MeterType, Lazy<IReadOnlyList<BuildingEui>>> _euis = new();

    /// <summary>Initializes a new instance of the <see cref="Bdg2Tools"/> class.</summary>
    /// <param name="dataset">The BDG2 files.</param>
    /// <param name="cleaned">Whether the tools read the cleaned meter files (default) or the raw ones.</param>
    public Bdg2Tools(Bdg2Dataset dataset, bool cleaned = true)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        _dataset = dataset;
        _cleaned = cleaned;
    }

    /// <summary>Creates the tools; the weather tools only when the data set has a <c>weather.csv</c>.</summary>
    /// <returns>The tools.</returns>
    public IReadOnlyList<AIFunction> Create()
    {
        List<AIFunction> tools =
        [
            Tool(FindBuildings, "bdg2_find_buildings", "Lists BDG2 buildings (id, site, primary use, floor area in m², meter types) matching a site, a primary use and/or a meter type. At most 50 are listed; the total count is given."),
            Tool(Summary, "bdg2_consumption_summary", "Total, mean per hour, peak (with its local time) and load factor (mean/peak) of one building's meter over a period."),
            Tool(Eui, "bdg2_energy_use_intensity", "One building's energy use intensity: annualised consumption of an energy meter per m² of floor area, in kWh/m²/year, with the share of hours it rests on."),
            Tool(Profile, "bdg2_load_profile", "One building's typical day: mean consumption for each local hour 0-23, over all days, weekdays and weekends, and the weekend/weekday ratio."),
            Tool(Quality, "bdg2_data_quality", "Data-quality screening of one building's meter: share of missing hours, runs of zeros and flat lines of 24 h or more, and outliers."),
            Tool(Anomalies, "bdg2_anomalies", "Hours when one building's meter departed from its usual level at the same hour of the week (median baseline, robust z-score from the MAD), largest first."),
            Tool(Benchmark, "bdg2_benchmark_building", "Where one building's EUI stands among buildings of the same primary use (percentile; 10 = among the most efficient tenth), with the group's median and quartiles. Needs a group of at least 5 buildings."),
            Tool(PeerGroup, "bdg2_peer_group_statistics", "EUI median, quartiles and mean of all buildings of one primary use (for example Office, Education), over at least 5 buildings; no single building's figure."),
        ];
        if (_dataset.HasWeather)
        {
            tools.Add(Tool(Weather, "bdg2_weather_sensitivity", "How one building's daily consumption follows outdoor temperature: Spearman correlation and heating/cooling change-point regressions (balance point in °C, base load, slope per degree-day)."));
            tools.Add(Tool(SiteWeather, "bdg2_site_weather", "Monthly mean, minimum and maximum air temperature (°C) at a BDG2 site (for example Panther). Weather only, no building data."));
        }

        return tools;
    }

    private static AIFunction Tool(Delegate method, string name, string description) => AIFunctionFactory.Create(method, new AIFunctionFactoryOptions
    {
        Name = name,
        Description = description,

        // Keep the result object: serialized to JSON it would lose the ISensitivityTagged the router reads.
        MarshalResult = static (result, _, _) => new ValueTask<object?>(result),
    });

    private static Bdg2ToolResult<T> Critical<T>(T data) => new(DataSensitivity.Critical, OneBuilding, data);

    private static DateTime? ParseDate(string? text, string name)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        return DateTime.TryParseExact(text, ["yyyy-MM-dd", "yyyy-MM-dd HH:mm:ss", "yyyy-MM"], CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTime date)
            ? date
            : throw new ArgumentException($"{name} '{text}' is not a date; expected yyyy-MM-dd (local time of the site).", name);
    }

    private Bdg2ToolResult<BuildingList> FindBuildings(
        [Description("A site id such as Panther or Fox; empty for all sites.")] string? site = null,
        [Description("A primary use such as Office or Education; empty for all.")] string? primaryUse = null,
        [Description("A meter type the building must have; empty for any.")] string? meter = null)
    {
        MeterType? type = string.IsNullOrWhiteSpace(meter) ? null : MeterTypes.Parse(meter);
        Bdg2Building[] matches = [.. _dataset.Metadata.Buildings.Where(b =>
            (string.IsNullOrWhiteSpace(site) || string.Equals(b.SiteId, site, StringComparison.OrdinalIgnoreCase))
            && (string.IsNullOrWhiteSpace(primaryUse) || string.Equals(b.PrimarySpaceUsage, primaryUse, StringComparison.OrdinalIgnoreCase))
            && (type is null || b.Meters.Contains(type.Value)))];
        BuildingListEntry[] listed = [.. matches.Take(50).Select(b => new BuildingListEntry(b.BuildingId, b.SiteId, b.PrimarySpaceUsage, b.SquareMetres, [.. b.Meters.Select(MeterTypes.Name)]))];
        return new(DataSensitivity.Sensitive, "building descriptors (ids, floor areas, uses), no readings", new BuildingList(matches.Length, listed));
    }

    private Bdg2ToolResult<ConsumptionSummary> Summary(
        [Description(BuildingDescription)] string buildingId,
        [Description(MeterDescription)] string meter,
        [Description("First local day, yyyy-MM-dd (inclusive); empty for the start of the data (2016-01-01).")] string? from = null,
        [Description("Local day after the period, yyyy-MM-dd (exclusive); empty for the end of the data.")] string? to = null) =>
        Critical(ConsumptionSummary.Compute(Read(buildingId, meter), ParseDate(from, nameof(from)), ParseDate(to, nameof(to))));

    private Bdg2ToolResult<EnergyUseIntensity> Eui([Description(BuildingDescription)] string buildingId, [Description(MeterDescription)] string meter)
    {
        Bdg2Building building = _dataset.Metadata.GetBuilding(buildingId);
        double sqm = building.SquareMetres ?? throw new ArgumentException($"The building '{buildingId}' has no floor area (sqm) in the metadata.", nameof(buildingId));
        return Critical(EnergyUseIntensity.Compute(Read(buildingId, meter), sqm));
    }

    private Bdg2ToolResult<LoadProfile> Profile([Description(BuildingDescription)] string buildingId, [Description(MeterDescription)] string meter) =>
        Critical(LoadProfile.Compute(Read(buildingId, meter)));

    private Bdg2ToolResult<DataQualityReport> Quality([Description(BuildingDescription)] string buildingId, [Description(MeterDescription)] string meter) =>
        Critical(DataQualityReport.Compute(Read(buildingId, meter)));

    private Bdg2ToolResult<AnomalyReport> Anomalies(
        [Description(BuildingDescription)] string buildingId,
        [Description(MeterDescription)] string meter,
        [Description("Robust z-score above which an hour is anomalous; 3.5 is the usual choice, higher finds fewer.")] double threshold = 3.5,
        [Description("How many of the largest anomalies to list (1-100).")] int maximum = 10) =>
        Critical(AnomalyReport.Detect(Read(buildingId, meter), threshold, Math.Clamp(maximum, 1, 100)));

    private Bdg2ToolResult<EuiBenchmark> Benchmark([Description(BuildingDescription)] string buildingId, [Description(MeterDescription)] string meter)
    {
        _dataset.Metadata.GetBuilding(buildingId);
        MeterType type = MeterTypes.Parse(meter);
        return Critical(EuiBenchmark.Compute(buildingId, type, Euis(type)));
    }

    private Bdg2ToolResult<PeerGroupStatistics> PeerGroup(
        [Description("The primary use, for example Office, Education, Lodging/residential.")] string primaryUse,
        [Description(MeterDescription)] string meter)
    {
        MeterType type = MeterTypes.Parse(meter);
        PeerGroupStatistics group = PeerGroupStatistics.Compute(primaryUse, type, Euis(type));
        return new(DataSensitivity.Sensitive, $"an aggregate over {group.BuildingCount} buildings (at least {PeerGroupStatistics.MinimumGroupSize}), no single building's figure", group);
    }

    private Bdg2ToolResult<WeatherSensitivity> Weather([Description(BuildingDescription)] string buildingId, [Description(MeterDescription)] string meter)
    {
        Bdg2Building building = _dataset.Metadata.GetBuilding(buildingId);
        return Critical(WeatherSensitivity.Compute(Read(buildingId, meter), _dataset.ReadWeather(building.SiteId)));
    }

    private Bdg2ToolResult<IReadOnlyList<MonthlyTemperature>> SiteWeather([Description("The site id, for example Panther.")] string siteId) =>
        new(DataSensitivity.Public, "weather alone, no building data", MonthlyTemperature.Compute(_dataset.ReadWeather(siteId)));

    private MeterSeries Read(string buildingId, string meter) => _dataset.ReadMeter(buildingId, MeterTypes.Parse(meter), _cleaned);

    private IReadOnlyList<BuildingEui> Euis(MeterType meter) => _euis.GetOrAdd(meter, m => new Lazy<IReadOnlyList<BuildingEui>>(() =>
        [.. _dataset.ComputeAllEui(m, _cleaned)
            .Where(e => e.KilowattHoursPerSquareMetreYear is not null)
            .Select(e => new BuildingEui(e.BuildingId, _dataset.Metadata.GetBuilding(e.BuildingId).PrimarySpaceUsage, e.KilowattHoursPerSquareMetreYear!.Value))])).Value;
}
