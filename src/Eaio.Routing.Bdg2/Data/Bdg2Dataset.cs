namespace Eaio.Routing;

/// <summary>
/// A folder of BDG2 files: either flat (<c>metadata.csv</c>, <c>electricity_cleaned.csv</c>, <c>weather.csv</c> side by
/// side) or laid out as the BDG2 repository's <c>data/</c> folder (<c>metadata/</c>, <c>meters/raw/</c>,
/// <c>meters/cleaned/</c>, <c>weather/</c>). Files are found when first needed; the metadata is read once.
/// </summary>
public sealed class Bdg2Dataset
{
    private readonly Lazy<Bdg2Metadata> _metadata;

    private Bdg2Dataset(string folder)
    {
        Folder = folder;
        _metadata = new(() => Bdg2Metadata.Load(FindFile("metadata", "metadata.csv", null)));
    }

    /// <summary>Gets the folder.</summary>
    public string Folder { get; }

    /// <summary>Gets the metadata (read on first use).</summary>
    /// <exception cref="FileNotFoundException">The folder has no <c>metadata.csv</c>.</exception>
    public Bdg2Metadata Metadata => _metadata.Value;

    /// <summary>Gets whether the folder has a <c>weather.csv</c>.</summary>
    public bool HasWeather => TryFindFile("weather", "weather.csv", null) is not null;

    /// <summary>Opens a BDG2 folder: the folder itself, or a BDG2 repository whose <c>data/</c> folder holds the files.</summary>
    /// <param name="folder">The folder.</param>
    /// <returns>The data set.</returns>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    public static Bdg2Dataset Open(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"The BDG2 folder {folder} does not exist.");
        }

        string data = Path.Combine(folder, "data");
        bool repository = !File.Exists(Path.Combine(folder, "metadata.csv")) && Directory.Exists(Path.Combine(data, "metadata"));
        return new Bdg2Dataset(Path.GetFullPath(repository ? data : folder));
    }

    /// <summary>
    /// Finds and opens a meter file: <c>&lt;meter&gt;_cleaned.csv</c> (cleaned) or <c>&lt;meter&gt;.csv</c> (raw); for cleaned
    /// data a single excerpt named <c>&lt;meter&gt;_cleaned_*.csv</c> (such as the sample's <c>irrigation_cleaned_2016-03.csv</c>) is also accepted.
    /// </summary>
    /// <param name="meter">The meter type.</param>
    /// <param name="cleaned">Whether to read the cleaned file (outliers and long zero runs removed) rather than the raw one.</param>
    /// <returns>The file.</returns>
    /// <exception cref="FileNotFoundException">No such file; the message names the paths tried and the meter files the folder has.</exception>
    public Bdg2MeterFile OpenMeterFile(MeterType meter, bool cleaned = true)
    {
        string name = MeterTypes.Name(meter);
        string path = cleaned
            ? FindFile(Path.Combine("meters", "cleaned"), name + "_cleaned.csv", name + "_cleaned_*.csv")
            : FindFile(Path.Combine("meters", "raw"), name + ".csv", null);
        return Bdg2MeterFile.Open(path, meter);
    }

    /// <summary>Opens the weather file.</summary>
    /// <returns>The file.</returns>
    /// <exception cref="FileNotFoundException">The folder has no <c>weather.csv</c>.</exception>
    public Bdg2WeatherFile OpenWeatherFile() => Bdg2WeatherFile.Open(FindFile("weather", "weather.csv", null));

    /// <summary>Reads one building's meter, with its site's time zone from the metadata.</summary>
    /// <param name="buildingId">The building id.</param>
    /// <param name="meter">The meter type.</param>
    /// <param name="cleaned">Whether to read the cleaned file.</param>
    /// <returns>The readings.</returns>
    /// <exception cref="ArgumentException">The building is not in the metadata or has no column in the meter file.</exception>
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    public MeterSeries ReadMeter(string buildingId, MeterType meter, bool cleaned = true)
    {
        Bdg2Building building = Metadata.GetBuilding(buildingId);
        return OpenMeterFile(meter, cleaned).Read(building.BuildingId, building.TimeZone);
    }

    /// <summary>Reads the weather of a building's site.</summary>
    /// <param name="siteId">The site id.</param>
    /// <returns>The site's air temperature.</returns>
    public WeatherSeries ReadWeather(string siteId) => OpenWeatherFile().Read(siteId);

    /// <summary>
    /// Computes the EUI of every building in a meter file that has a floor area, in one streaming pass.
    /// </summary>
    /// <param name="meter">An energy meter type (not water or irrigation).</param>
    /// <param name="cleaned">Whether to read the cleaned file.</param>
    /// <param name="from">The first local hour (inclusive), or <see langword="null"/>.</param>
    /// <param name="to">The local hour after the last (exclusive), or <see langword="null"/>.</param>
    /// <returns>One EUI per building with a floor area in the metadata.</returns>
    public IReadOnlyList<EnergyUseIntensity> ComputeAllEui(MeterType meter, bool cleaned = true, DateTime? from = null, DateTime? to = null)
    {
        EnergyUseIntensity.EnsureEnergyMeter(meter);
        Bdg2Metadata metadata = Metadata;
        List<EnergyUseIntensity> result = [];
        foreach (MeterColumnTotal total in OpenMeterFile(meter, cleaned).ReadTotals(from, to))
        {
            if (metadata.TryGetBuilding(total.BuildingId, out Bdg2Building? building) && building.SquareMetres is > 0 and { } sqm)
            {
                result.Add(EnergyUseIntensity.FromTotal(total, sqm));
            }
        }

        return result;
    }

    private string FindFile(string subfolder, string name, string? excerptPattern) =>
        TryFindFile(subfolder, name, excerptPattern)
        ?? throw new FileNotFoundException(
            $"No {name} in the BDG2 folder {Folder} (looked for {Path.Combine(Folder, name)} and {Path.Combine(Folder, subfolder, name)}); it has {DescribeCsvFiles()}.",
            Path.Combine(Folder, name));

    private string? TryFindFile(string subfolder, string name, string? excerptPattern)
    {
        foreach (string folder in new[] { Folder, Path.Combine(Folder, subfolder) })
        {
            string path = Path.Combine(folder, name);
            if (File.Exists(path))
            {
                return path;
            }

            if (excerptPattern is not null && Directory.Exists(folder) && Directory.GetFiles(folder, excerptPattern) is [string excerpt])
            {
                return excerpt;
            }
        }

        return null;
    }

    private string DescribeCsvFiles()
    {
        string[] files = [.. Directory.EnumerateFiles(Folder, "*.csv", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(Folder, f)).Order(StringComparer.Ordinal).Take(20)];
        return files.Length == 0 ? "no CSV files" : string.Join(", ", files);
    }
}
