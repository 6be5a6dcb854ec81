using System.Globalization;
using nietras.SeparatedValues;

namespace Eaio.Routing;

/// <summary>
/// BDG2's <c>weather.csv</c>: long format, one row per site and local hour
/// (<c>timestamp,site_id,airTemperature,cloudCoverage,dewTemperature,…</c>), read by streaming and parsing only the
/// site and air temperature columns of the requested site's rows.
/// </summary>
public sealed class Bdg2WeatherFile
{
    private static readonly string[] s_requiredColumns = ["timestamp", "site_id", "airTemperature"];

    private Bdg2WeatherFile(string path) => Path = path;

    /// <summary>Gets the file's path.</summary>
    public string Path { get; }

    /// <summary>Opens a weather file and checks its header.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The file.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The header lacks <c>timestamp</c>, <c>site_id</c> or <c>airTemperature</c>, or the file is a Git LFS pointer.</exception>
    public static Bdg2WeatherFile Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Bdg2Csv.EnsureDataFile(path, "BDG2 weather");
        using SepReader csv = Bdg2Csv.Open(path);
        string[] missing = [.. s_requiredColumns.Where(c => !csv.Header.TryIndexOf(c, out _))];
        if (missing.Length > 0)
        {
            throw new InvalidDataException($"{path} is not a BDG2 weather.csv: the header lacks {string.Join(", ", missing)} (it needs {string.Join(", ", s_requiredColumns)}).");
        }

        return new Bdg2WeatherFile(path);
    }

    /// <summary>Reads one site's air temperature.</summary>
    /// <param name="siteId">The site id, for example <c>Panther</c>.</param>
    /// <returns>The site's hours, sorted, the first of any repeated hour kept.</returns>
    /// <exception cref="ArgumentException">The file has no row for the site; the message lists the sites it has.</exception>
    /// <exception cref="InvalidDataException">A timestamp or temperature cannot be parsed.</exception>
    public WeatherSeries Read(string siteId)
    {
        ArgumentException.ThrowIfNullOrEmpty(siteId);
        SortedDictionary<DateTime, double> hours = [];
        HashSet<string> sites = new(StringComparer.Ordinal);
        int duplicates = 0;
        using SepReader csv = Bdg2Csv.Open(Path);
        int timestampColumn = csv.Header.IndexOf("timestamp");
        int siteColumn = csv.Header.IndexOf("site_id");
        int temperatureColumn = csv.Header.IndexOf("airTemperature");
        try
        {
            foreach (SepReader.Row row in csv)
            {
                ReadOnlySpan<char> site = row[siteColumn].Span;
                if (!site.SequenceEqual(siteId))
                {
                    if (sites.Count < 64)
                    {
                        sites.Add(site.ToString());
                    }

                    continue;
                }

                ReadOnlySpan<char> text = row[timestampColumn].Span;
                if (!DateTime.TryParseExact(text, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTime timestamp))
                {
                    throw new InvalidDataException($"{Path}, line {row.LineNumberFrom}: the timestamp '{text}' is not in the form yyyy-MM-dd HH:mm:ss.");
                }

                ReadOnlySpan<char> temperatureText = row[temperatureColumn].Span;
                double temperature = double.NaN;
                if (!temperatureText.IsEmpty && !double.TryParse(temperatureText, NumberStyles.Float, CultureInfo.InvariantCulture, out temperature))
                {
                    throw new InvalidDataException($"{Path}, line {row.LineNumberFrom}: the airTemperature '{temperatureText}' is not a number.");
                }

                if (!hours.TryAdd(timestamp, temperature))
                {
                    duplicates++;
                }
            }
        }
        catch (InvalidDataException ex) when (!ex.Message.StartsWith(Path, StringComparison.Ordinal))
        {
            // Sep's own errors (a row with a different number of cells) do not name the file.
            throw new InvalidDataException($"{Path}: {ex.Message}", ex);
        }

        if (hours.Count == 0)
        {
            throw new ArgumentException($"The weather file {Path} has no rows for site '{siteId}'; its sites are {string.Join(", ", sites.Order(StringComparer.Ordinal))}.", nameof(siteId));
        }

        return new WeatherSeries(siteId, [.. hours.Keys], [.. hours.Values], duplicates);
    }
}
