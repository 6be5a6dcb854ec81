using System.Globalization;

namespace Eaio.Routing.Tests;

/// <summary>
/// The independent check for the BDG2 reader: plain line reading and string splitting, no Sep, no shared code, so a
/// figure the library computes is compared with one computed a different way.
/// </summary>
internal static class NaiveCsv
{
    public static (string[] Timestamps, double?[] Values) Column(string path, string column)
    {
        string[] lines = File.ReadAllLines(path);
        int index = Array.IndexOf(lines[0].Split(','), column);
        if (index < 0)
        {
            throw new ArgumentException($"{column} not in {path}");
        }

        string[] timestamps = new string[lines.Length - 1];
        double?[] values = new double?[lines.Length - 1];
        for (int i = 1; i < lines.Length; i++)
        {
            string[] cells = lines[i].Split(',');
            timestamps[i - 1] = cells[0];
            values[i - 1] = cells[index].Length == 0 ? null : double.Parse(cells[index], CultureInfo.InvariantCulture);
        }

        return (timestamps, values);
    }

    /// <summary>One metadata field of one building; only for rows without quoted commas.</summary>
    public static string MetadataField(string path, string buildingId, string field)
    {
        string[] lines = File.ReadAllLines(path);
        int index = Array.IndexOf(lines[0].Split(','), field);
        string row = lines.Single(l => l.StartsWith(buildingId + ",", StringComparison.Ordinal));
        return row.Split(',')[index];
    }
}
