using System.Globalization;
using nietras.SeparatedValues;

namespace Eaio.Routing;

/// <summary>
/// A BDG2 wide meter file (<c>timestamp,&lt;building_id&gt;,…</c>, one hourly row per local hour), read by streaming
/// through it once and parsing only the requested building columns.
/// </summary>
public sealed class Bdg2MeterFile
{
    private const string TimestampFormat = "yyyy-MM-dd HH:mm:ss";

    private Bdg2MeterFile(string path, MeterType meter, IReadOnlyList<string> buildingIds)
    {
        Path = path;
        Meter = meter;
        BuildingIds = buildingIds;
    }

    /// <summary>Gets the file's path.</summary>
    public string Path { get; }

    /// <summary>Gets the meter type of the file.</summary>
    public MeterType Meter { get; }

    /// <summary>Gets the building ids in the header, in column order.</summary>
    public IReadOnlyList<string> BuildingIds { get; }

    /// <summary>Opens a meter file and checks its header (only the header is read).</summary>
    /// <param name="path">The file.</param>
    /// <param name="meter">Its meter type.</param>
    /// <returns>The file.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The first column is not <c>timestamp</c>, there are no building columns, or the file is a Git LFS pointer.</exception>
    public static Bdg2MeterFile Open(string path, MeterType meter)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string what = $"BDG2 {MeterTypes.Name(meter)} meter";
        Bdg2Csv.EnsureDataFile(path, what);
        using SepReader csv = Bdg2Csv.Open(path);
        IReadOnlyList<string> names = csv.Header.ColNames;
        if (names.Count < 2 || names[0] != "timestamp")
        {
            string first = names.Count == 0 ? "nothing" : $"'{names[0]}'";
            throw new InvalidDataException($"{path} is not a {what} file: its header starts with {first}, expected 'timestamp' followed by one column per building id.");
        }

        return new Bdg2MeterFile(path, meter, [.. names.Skip(1)]);
    }

    /// <summary>Reads one building's column.</summary>
    /// <param name="buildingId">The building id (a column header).</param>
    /// <param name="timeZone">The site's time zone.</param>
    /// <returns>The readings.</returns>
    /// <exception cref="ArgumentException">The file has no column for the building.</exception>
    /// <exception cref="InvalidDataException">A timestamp or value cannot be parsed.</exception>
    public MeterSeries Read(string buildingId, TimeZoneInfo timeZone)
    {
        ArgumentNullException.ThrowIfNull(buildingId);
        ArgumentNullException.ThrowIfNull(timeZone);
        return Read([buildingId], _ => timeZone)[0];
    }

    /// <summary>Reads several buildings' columns in one pass.</summary>
    /// <param name="buildingIds">The building ids (column headers).</param>
    /// <param name="timeZoneOf">Gives each building's site time zone.</param>
    /// <returns>The readings, in the order of <paramref name="buildingIds"/>.</returns>
    /// <exception cref="ArgumentException">The file has no column for one of the buildings.</exception>
    /// <exception cref="InvalidDataException">A timestamp or value cannot be parsed, a row has a different number of cells, or the timestamps are not ascending.</exception>
    public IReadOnlyList<MeterSeries> Read(IReadOnlyList<string> buildingIds, Func<string, TimeZoneInfo> timeZoneOf)
    {
        ArgumentNullException.ThrowIfNull(buildingIds);
        ArgumentNullException.ThrowIfNull(timeZoneOf);
        int[] columns = new int[buildingIds.Count];
        for (int i = 0; i < columns.Length; i++)
        {
            columns[i] = ColumnOf(buildingIds[i]);
        }

        List<DateTime> timestamps = new(17_544);
        List<double>[] values = [.. columns.Select(_ => new List<double>(17_544))];
        using SepReader csv = Bdg2Csv.Open(Path);
        try
        {
            foreach (SepReader.Row row in csv)
            {
                DateTime timestamp = ParseTimestamp(row);

                // Periods are cut by binary search, which needs the hours in order.
                if (timestamps.Count > 0 && timestamp <= timestamps[^1])
                {
                    throw new InvalidDataException($"{Path}, line {row.LineNumberFrom}: {timestamp:yyyy-MM-dd HH:mm:ss} does not follow {timestamps[^1]:yyyy-MM-dd HH:mm:ss}; the rows must be hourly and ascending.");
                }

                timestamps.Add(timestamp);
                for (int c = 0; c < columns.Length; c++)
                {
                    values[c].Add(ParseValue(row, columns[c]));
                }
            }
        }
        catch (InvalidDataException ex) when (!ex.Message.StartsWith(Path, StringComparison.Ordinal))
        {
            // Sep's own errors (a row with a different number of cells) do not name the file.
            throw new InvalidDataException($"{Path}: {ex.Message}", ex);
        }

        MeterSeries[] series = new MeterSeries[columns.Length];
        for (int c = 0; c < columns.Length; c++)
        {
            series[c] = new MeterSeries(buildingIds[c], Meter, timeZoneOf(buildingIds[c]), timestamps, values[c]);
        }

        return series;
    }

    /// <summary>
    /// Sums every building column over a period in one streaming pass, without keeping the readings: what EUI and
    /// benchmarking over all buildings need.
    /// </summary>
    /// <param name="from">The first local hour (inclusive), or <see langword="null"/> for the start.</param>
    /// <param name="to">The local hour after the last (exclusive), or <see langword="null"/> for the end.</param>
    /// <returns>One total per building column, in column order.</returns>
    /// <exception cref="InvalidDataException">A timestamp or value cannot be parsed.</exception>
    public IReadOnlyList<MeterColumnTotal> ReadTotals(DateTime? from = null, DateTime? to = null)
    {
        int count = BuildingIds.Count;
        double[] sums = new double[count];
        int[] present = new int[count];
        int hours = 0;
        using SepReader csv = Bdg2Csv.Open(Path);
        try
        {
            foreach (SepReader.Row row in csv)
            {
                DateTime timestamp = ParseTimestamp(row);
                if ((from is { } f && timestamp < f) || (to is { } t && timestamp >= t))
                {
                    continue;
                }

                hours++;
                for (int c = 0; c < count; c++)
                {
                    double value = ParseValue(row, c + 1);
                    if (!double.IsNaN(value))
                    {
                        sums[c] += value;
                        present[c]++;
                    }
                }
            }
        }
        catch (InvalidDataException ex) when (!ex.Message.StartsWith(Path, StringComparison.Ordinal))
        {
            // Sep's own errors (a row with a different number of cells) do not name the file.
            throw new InvalidDataException($"{Path}: {ex.Message}", ex);
        }

        MeterColumnTotal[] totals = new MeterColumnTotal[count];
        for (int c = 0; c < count; c++)
        {
            totals[c] = new MeterColumnTotal(BuildingIds[c], Meter, sums[c], present[c], hours);
        }

        return totals;
    }

    private int ColumnOf(string buildingId)
    {
        for (int i = 0; i < BuildingIds.Count; i++)
        {
            if (BuildingIds[i] == buildingId)
            {
                return i + 1;
            }
        }

        throw new ArgumentException(Bdg2Metadata.UnknownBuildingMessage(buildingId, $"the {MeterTypes.Name(Meter)} file {Path} (it has {BuildingIds.Count} building columns)", BuildingIds), nameof(buildingId));
    }

    private DateTime ParseTimestamp(SepReader.Row row)
    {
        ReadOnlySpan<char> text = row[0].Span;
        if (!DateTime.TryParseExact(text, TimestampFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTime timestamp))
        {
            throw new InvalidDataException($"{Path}, line {row.LineNumberFrom}: the timestamp '{text}' is not in the form {TimestampFormat}.");
        }

        return timestamp;
    }

    private double ParseValue(SepReader.Row row, int column)
    {
        ReadOnlySpan<char> text = row[column].Span;
        if (text.IsEmpty)
        {
            return double.NaN;
        }

        // Sep parses floats with csFastFloat, several times faster than double.TryParse on the 27 M cells of electricity.
        if (row[column].TryParse<double>() is { } value)
        {
            return value;
        }

        throw new InvalidDataException($"{Path}, line {row.LineNumberFrom}, column '{BuildingIds[column - 1]}': '{text}' is not a number.");
    }
}
