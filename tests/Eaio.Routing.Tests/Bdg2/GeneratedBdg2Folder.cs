using System.Globalization;
using System.Text;

namespace Eaio.Routing.Tests;

/// <summary>
/// A temporary folder of generated files in the full BDG2 shape: the real 32-column metadata header, all eight meter
/// types raw and cleaned with 17,544 hourly rows (2016-2017) and CRLF, and the 10-column long weather file. The values
/// follow known formulas, kept here, so tests compare the library's figures with the generator's.
/// </summary>
internal sealed class GeneratedBdg2Folder : IDisposable
{
    public const int Rows = 17_544;
    public const double BalancePoint = 15;
    public const string Site = "Otter";
    public const string OtherSite = "Heron";
    public const string Spiked = "Otter_office_Ann";
    public const string Flat = "Otter_office_Bea";
    public const string Zeros = "Otter_office_Cy";
    public const int SpikeRow = 5_000;
    public const int FlatStart = 8_000;
    public const int FlatHours = 30;
    public const int ZeroStart = 9_000;
    public const int ZeroHours = 48;

    private const string MetadataHeader = "building_id,site_id,building_id_kaggle,site_id_kaggle,primaryspaceusage,sub_primaryspaceusage,sqm,sqft,lat,lng,timezone,electricity,hotwater,chilledwater,steam,water,irrigation,solar,gas,industry,subindustry,heatingtype,yearbuilt,date_opened,numberoffloors,occupants,energystarscore,eui,site_eui,source_eui,leed_level,rating";

    public GeneratedBdg2Folder()
    {
        Folder = Path.Combine(Path.GetTempPath(), "eaio-tests", "bdg2-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
        Timestamps = [.. Enumerable.Range(0, Rows).Select(i => new DateTime(2016, 1, 1).AddHours(i))];
        WriteMetadata();
        foreach (MeterType meter in MeterTypes.All)
        {
            string[] buildings = meter == MeterType.Electricity ? [.. Buildings.Select(b => b.Id)] : [Spiked, "Otter_education_Eve"];
            Write(MeterTypes.Name(meter) + ".csv", MeterFile(meter, buildings, cleaned: false));
            Write(MeterTypes.Name(meter) + "_cleaned.csv", MeterFile(meter, buildings, cleaned: true));
        }

        WriteWeather();
    }

    /// <summary>Gets the buildings: six offices and four education buildings at Otter, one lodging at Heron.</summary>
    public static IReadOnlyList<(string Id, string Site, string Use, double Sqm, double Base, double HeatingSlope)> Buildings { get; } =
    [
        (Spiked, Site, "Office", 1000, 50, 4),
        (Flat, Site, "Office", 2000, 80, 6),
        (Zeros, Site, "Office", 1500, 40, 3),
        ("Otter_office_Dee", Site, "Office", 800, 30, 2),
        ("Otter_office_Eli", Site, "Office", 1200, 70, 5),
        ("Otter_office_Fay", Site, "Office", 900, 45, 1),
        ("Otter_education_Eve", Site, "Education", 3000, 120, 8),
        ("Otter_education_Gus", Site, "Education", 2500, 90, 7),
        ("Otter_education_Hal", Site, "Education", 2600, 95, 7),
        ("Otter_education_Ida", Site, "Education", 2700, 100, 9),
        ("Heron_lodging_Jo", OtherSite, "Lodging/residential", 1800, 60, 0),
    ];

    public string Folder { get; }

    public IReadOnlyList<DateTime> Timestamps { get; }

    /// <summary>The daily mean temperature at Otter; constant within a day so the daily change-point model is exact.</summary>
    public static double Temperature(DateTime t) => Math.Round(10 + (14 * Math.Sin(2 * Math.PI * (t.DayOfYear - 110) / 365.0)), 1);

    /// <summary>What the cleaned electricity file holds for a building at a row (NaN = empty cell).</summary>
    public double Electricity(string building, int row, bool cleaned = true)
    {
        var b = Buildings.Single(x => x.Id == building);
        if (building == Spiked && row == SpikeRow)
        {
            return 5_000;
        }

        if (building == Flat && row is >= FlatStart and < FlatStart + FlatHours)
        {
            return 123.4;
        }

        if (building == Zeros && row is >= ZeroStart and < ZeroStart + ZeroHours)
        {
            return cleaned ? double.NaN : 0;
        }

        if (IsGap(building, row))
        {
            return double.NaN;
        }

        // The hour-of-day term gives each hour its own baseline; it is the same every day, so daily sums stay exact.
        return b.Base + (b.HeatingSlope * Math.Max(0, BalancePoint - Temperature(Timestamps[row]))) + (row % 24 < 12 ? 1 : 3);
    }

    /// <summary>Every 97th hour (shifted per building) is missing, except in the injected spike, flat line and zero run.</summary>
    public static bool IsGap(string building, int row) => (row + building.Length) % 97 == 0;

    public void Write(string name, string content) => File.WriteAllText(Path.Combine(Folder, name), content);

    public void Dispose()
    {
        if (Directory.Exists(Folder))
        {
            Directory.Delete(Folder, recursive: true);
        }
    }

    private static string Number(double v) => double.IsNaN(v) ? string.Empty : v.ToString("R", CultureInfo.InvariantCulture);

    private string MeterFile(MeterType meter, string[] buildings, bool cleaned)
    {
        StringBuilder text = new(Rows * (20 + (buildings.Length * 8)));
        text.Append("timestamp,").Append(string.Join(',', buildings)).Append("\r\n");
        for (int row = 0; row < Rows; row++)
        {
            text.Append(Timestamps[row].ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
            foreach (string building in buildings)
            {
                double value = meter == MeterType.Electricity ? Electricity(building, row, cleaned) : OtherMeter(meter, building, row);
                text.Append(',').Append(Number(value));
            }

            text.Append("\r\n");
        }

        return text.ToString();
    }

    /// <summary>Other meters: a level per meter type (litres for water in the hundreds), no gaps.</summary>
    public static double OtherMeter(MeterType meter, string building, int row) => ((int)meter * 100) + building.Length + (row % 24);

    private void WriteMetadata()
    {
        StringBuilder text = new(MetadataHeader + "\r\n");
        foreach (var b in Buildings)
        {
            bool isOtterPair = b.Id is Spiked or "Otter_education_Eve";
            string Yes(MeterType m) => m == MeterType.Electricity || isOtterPair ? "Yes" : string.Empty;
            string zone = b.Site == Site ? "US/Eastern" : "Europe/London";
            string lat = b.Site == Site ? "44.123" : string.Empty;
            string lng = b.Site == Site ? "-70.456" : string.Empty;
            text.Append(CultureInfo.InvariantCulture, $"{b.Id},{b.Site},,,{b.Use},Sub use,{Number(b.Sqm)},{Number(Math.Round(b.Sqm / 0.092903))},{lat},{lng},{zone},")
                .Append(CultureInfo.InvariantCulture, $"{Yes(MeterType.Electricity)},{Yes(MeterType.HotWater)},{Yes(MeterType.ChilledWater)},{Yes(MeterType.Steam)},{Yes(MeterType.Water)},{Yes(MeterType.Irrigation)},{Yes(MeterType.Solar)},{Yes(MeterType.Gas)},")
                .Append(",,,2001.0,,,,,,,,None,\r\n");
        }

        Write("metadata.csv", text.ToString());
    }

    private void WriteWeather()
    {
        StringBuilder text = new("timestamp,site_id,airTemperature,cloudCoverage,dewTemperature,precipDepth1HR,precipDepth6HR,seaLvlPressure,windDirection,windSpeed\r\n");
        foreach (string site in new[] { Site, OtherSite })
        {
            for (int row = 0; row < Rows; row++)
            {
                // One hour absent and one repeated, as BDG2's weather has at DST changes.
                if (site == Site && row == 1_000)
                {
                    continue;
                }

                string line = string.Create(CultureInfo.InvariantCulture, $"{Timestamps[row]:yyyy-MM-dd HH:mm:ss},{site},{Number(site == Site ? Temperature(Timestamps[row]) : 5)},,2.0,0.0,,1015.0,180.0,3.1\r\n");
                text.Append(line);
                if (site == Site && row == 2_000)
                {
                    text.Append(line);
                }
            }
        }

        Write("weather.csv", text.ToString());
    }
}
