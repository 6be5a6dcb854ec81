using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>Missing files, wrong headers, unknown buildings and unparseable cells give errors that name them.</summary>
public sealed class Bdg2FileErrorTests
{
    private string _folder = null!;

    [SetUp]
    public void CreateFolder()
    {
        _folder = Path.Combine(Path.GetTempPath(), "eaio-tests", "bdg2-errors-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
    }

    [TearDown]
    public void RemoveFolder() => Directory.Delete(_folder, recursive: true);

    [Test]
    public void A_missing_folder_or_file_is_named()
    {
        string absent = Path.Combine(_folder, "nowhere");

        Assert.That(() => Bdg2Dataset.Open(absent), Throws.TypeOf<DirectoryNotFoundException>().With.Message.Contains(absent));
        Assert.That(() => Bdg2Dataset.Open(_folder).Metadata, Throws.TypeOf<FileNotFoundException>().With.Message.Contains("metadata.csv").And.Message.Contains("no CSV files"));
        Assert.That(() => Bdg2MeterFile.Open(Path.Combine(_folder, "steam.csv"), MeterType.Steam), Throws.TypeOf<FileNotFoundException>().With.Message.Contains("steam.csv"));
    }

    [Test]
    public void A_meter_file_whose_header_does_not_start_with_timestamp_is_rejected()
    {
        string path = Write("gas.csv", "time,Otter_office_Ann\r\n2016-01-01 00:00:00,1\r\n");

        InvalidDataException? error = Assert.Throws<InvalidDataException>(() => Bdg2MeterFile.Open(path, MeterType.Gas));

        Assert.That(error!.Message, Does.Contain(path).And.Contain("'time'").And.Contain("expected 'timestamp'"));
    }

    [Test]
    public void A_metadata_file_without_the_required_columns_is_rejected()
    {
        string path = Write("metadata.csv", "building_id,site_id,sqm\r\nOtter_office_Ann,Otter,100\r\n");

        InvalidDataException? error = Assert.Throws<InvalidDataException>(() => Bdg2Metadata.Load(path));

        Assert.That(error!.Message, Does.Contain("primaryspaceusage").And.Contain("timezone").And.Contain(path));
    }

    [Test]
    public void A_weather_file_without_air_temperature_is_rejected_and_an_unknown_site_is_named()
    {
        string bad = Write("bad_weather.csv", "timestamp,site_id,windSpeed\r\n");
        string good = Write("weather.csv", "timestamp,site_id,airTemperature\r\n2016-01-01 00:00:00,Otter,1.5\r\n");

        Assert.That(() => Bdg2WeatherFile.Open(bad), Throws.TypeOf<InvalidDataException>().With.Message.Contains("airTemperature"));
        Assert.That(() => Bdg2WeatherFile.Open(good).Read("Heron"), Throws.ArgumentException.With.Message.Contains("'Heron'").And.Message.Contains("Otter"));
    }

    [Test]
    public void A_git_lfs_pointer_is_recognised()
    {
        string path = Write("electricity.csv", "version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 174239039\n");

        Assert.That(() => Bdg2MeterFile.Open(path, MeterType.Electricity), Throws.TypeOf<InvalidDataException>().With.Message.Contains("Git LFS pointer"));
    }

    [Test]
    public void An_unparseable_value_or_timestamp_names_the_line_and_column()
    {
        string value = Write("water.csv", "timestamp,Otter_office_Ann\r\n2016-01-01 00:00:00,12\r\n2016-01-01 01:00:00,twelve\r\n");
        string time = Write("solar.csv", "timestamp,Otter_office_Ann\r\n01/01/2016 00:00,12\r\n");
        TimeZoneInfo zone = TimeZoneInfo.Utc;

        Assert.That(() => Bdg2MeterFile.Open(value, MeterType.Water).Read("Otter_office_Ann", zone),
            Throws.TypeOf<InvalidDataException>().With.Message.Contains("line 3").And.Message.Contains("Otter_office_Ann").And.Message.Contains("'twelve'"));
        Assert.That(() => Bdg2MeterFile.Open(time, MeterType.Solar).Read("Otter_office_Ann", zone),
            Throws.TypeOf<InvalidDataException>().With.Message.Contains("01/01/2016 00:00"));
    }

    [Test]
    public void A_short_row_or_timestamps_out_of_order_are_rejected()
    {
        string shortRow = Write("steam.csv", "timestamp,Otter_office_Ann,Otter_office_Bea\r\n2016-01-01 00:00:00,1,2\r\n2016-01-01 01:00:00,3\r\n");
        string unordered = Write("hotwater.csv", "timestamp,Otter_office_Ann\r\n2016-01-01 01:00:00,1\r\n2016-01-01 00:00:00,2\r\n");

        Assert.That(() => Bdg2MeterFile.Open(shortRow, MeterType.Steam).Read("Otter_office_Ann", TimeZoneInfo.Utc), Throws.TypeOf<InvalidDataException>().With.Message.Contains(shortRow));
        Assert.That(() => Bdg2MeterFile.Open(unordered, MeterType.HotWater).Read("Otter_office_Ann", TimeZoneInfo.Utc),
            Throws.TypeOf<InvalidDataException>().With.Message.Contains("line 3").And.Message.Contains("ascending"));
    }

    [Test]
    public void An_unknown_meter_name_lists_the_eight_types()
    {
        Assert.That(() => MeterTypes.Parse("heat"), Throws.ArgumentException.With.Message.Contains("electricity, chilledwater, steam, hotwater, gas, water, irrigation, solar"));
        Assert.That(MeterTypes.Parse("chilled-water"), Is.EqualTo(MeterType.ChilledWater));
    }

    [Test]
    public void Eui_refuses_volume_meters_and_non_positive_areas()
    {
        Assert.That(() => EnergyUseIntensity.FromTotal(new MeterColumnTotal("b", MeterType.Water, 10, 1, 1), 100), Throws.ArgumentException.With.Message.Contains("litres"));
        Assert.That(() => EnergyUseIntensity.FromTotal(new MeterColumnTotal("b", MeterType.Gas, 10, 1, 1), 0), Throws.TypeOf<ArgumentOutOfRangeException>());
    }

    private string Write(string name, string content)
    {
        string path = Path.Combine(_folder, name);
        File.WriteAllText(path, content);
        return path;
    }
}
