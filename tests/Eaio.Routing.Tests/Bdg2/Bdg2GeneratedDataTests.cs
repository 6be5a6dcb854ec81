using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>The reader and analyses on generated files of the full BDG2 shape, whose values follow known formulas.</summary>
public sealed class Bdg2GeneratedDataTests
{
    private GeneratedBdg2Folder _data = null!;

    [OneTimeSetUp]
    public void Generate() => _data = new GeneratedBdg2Folder();

    [OneTimeTearDown]
    public void Remove() => _data.Dispose();

    [Test]
    public void Every_meter_type_is_read_raw_and_cleaned_with_its_unit()
    {
        Bdg2Dataset dataset = Bdg2Dataset.Open(_data.Folder);

        foreach (MeterType meter in MeterTypes.All)
        {
            foreach (bool cleaned in new[] { true, false })
            {
                MeterSeries series = dataset.ReadMeter("Otter_education_Eve", meter, cleaned);
                Assert.That(series.Count, Is.EqualTo(GeneratedBdg2Folder.Rows), $"{meter} cleaned={cleaned}");
                Assert.That(series.Timestamps[^1], Is.EqualTo(new DateTime(2017, 12, 31, 23, 0, 0)));
                Assert.That(series.Unit, Is.EqualTo(meter is MeterType.Water or MeterType.Irrigation ? "L" : "kWh"));
                double expected = meter == MeterType.Electricity ? _data.Electricity("Otter_education_Eve", 4321, cleaned) : GeneratedBdg2Folder.OtherMeter(meter, "Otter_education_Eve", 4321);
                Assert.That(series.Values[4321], Is.EqualTo(expected), $"{meter} cleaned={cleaned}");
            }
        }
    }

    [Test]
    public void Several_columns_are_read_in_one_pass_and_empty_cells_are_missing()
    {
        Bdg2MeterFile file = Bdg2Dataset.Open(_data.Folder).OpenMeterFile(MeterType.Electricity);
        string[] wanted = ["Otter_office_Dee", "Heron_lodging_Jo"];

        IReadOnlyList<MeterSeries> series = file.Read(wanted, id => Bdg2Dataset.Open(_data.Folder).Metadata.GetBuilding(id).TimeZone);

        Assert.That(file.BuildingIds, Has.Count.EqualTo(GeneratedBdg2Folder.Buildings.Count));
        for (int b = 0; b < wanted.Length; b++)
        {
            double[] expected = [.. Enumerable.Range(0, GeneratedBdg2Folder.Rows).Select(r => _data.Electricity(wanted[b], r))];
            Assert.That(series[b].Values, Is.EqualTo(expected));
            Assert.That(series[b].Values.Count(double.IsNaN), Is.EqualTo(expected.Count(double.IsNaN)).And.GreaterThan(100));
        }

        Assert.That(series[1].TimeZone.GetUtcOffset(new DateTime(2016, 7, 1)), Is.EqualTo(TimeSpan.FromHours(1)), "Heron is in Europe/London");
    }

    [Test]
    public void The_eui_of_every_building_matches_the_generated_values()
    {
        IReadOnlyList<EnergyUseIntensity> all = Bdg2Dataset.Open(_data.Folder).ComputeAllEui(MeterType.Electricity);

        Assert.That(all, Has.Count.EqualTo(GeneratedBdg2Folder.Buildings.Count));
        foreach (var building in GeneratedBdg2Folder.Buildings)
        {
            double[] present = [.. Enumerable.Range(0, GeneratedBdg2Folder.Rows).Select(r => _data.Electricity(building.Id, r)).Where(v => !double.IsNaN(v))];
            EnergyUseIntensity eui = all.Single(e => e.BuildingId == building.Id);
            Assert.That(eui.KilowattHoursPerSquareMetreYear, Is.EqualTo(present.Average() * 8760 / building.Sqm).Within(1e-9), building.Id);
            Assert.That(eui.Coverage, Is.EqualTo(present.Length / (double)GeneratedBdg2Folder.Rows).Within(1e-12));
        }
    }

    [Test]
    public void The_eui_of_one_year_uses_only_that_years_hours()
    {
        Bdg2Dataset dataset = Bdg2Dataset.Open(_data.Folder);

        EnergyUseIntensity eui2017 = dataset.ComputeAllEui(MeterType.Electricity, from: new DateTime(2017, 1, 1), to: new DateTime(2018, 1, 1)).Single(e => e.BuildingId == "Otter_office_Dee");

        double[] present = [.. Enumerable.Range(8784, 8760).Select(r => _data.Electricity("Otter_office_Dee", r)).Where(v => !double.IsNaN(v))];
        Assert.That(eui2017.Hours, Is.EqualTo(8760));
        Assert.That(eui2017.KilowattHoursPerSquareMetreYear, Is.EqualTo(present.Average() * 8760 / 800).Within(1e-9));
    }

    [Test]
    public void The_injected_spike_is_the_largest_anomaly()
    {
        AnomalyReport report = AnomalyReport.Detect(Bdg2Dataset.Open(_data.Folder).ReadMeter(GeneratedBdg2Folder.Spiked, MeterType.Electricity));

        Assert.That(report.Anomalies[0].Timestamp, Is.EqualTo(_data.Timestamps[GeneratedBdg2Folder.SpikeRow]));
        Assert.That(report.Anomalies[0].Value, Is.EqualTo(5_000));
        Assert.That(report.Anomalies[0].RobustZ, Is.GreaterThan(50));
    }

    [Test]
    public void Screening_finds_the_flat_line_the_zero_run_and_the_missing_share()
    {
        Bdg2Dataset dataset = Bdg2Dataset.Open(_data.Folder);

        DataQualityReport flat = DataQualityReport.Compute(dataset.ReadMeter(GeneratedBdg2Folder.Flat, MeterType.Electricity));
        DataQualityReport zerosRaw = DataQualityReport.Compute(dataset.ReadMeter(GeneratedBdg2Folder.Zeros, MeterType.Electricity, cleaned: false));
        DataQualityReport zerosCleaned = DataQualityReport.Compute(dataset.ReadMeter(GeneratedBdg2Folder.Zeros, MeterType.Electricity, cleaned: true));

        Assert.That(flat.FlatLineRuns, Is.EqualTo(1));
        Assert.That(flat.LongestFlatLineHours, Is.EqualTo(GeneratedBdg2Folder.FlatHours));
        Assert.That(zerosRaw.LongZeroRuns, Is.EqualTo(1));
        Assert.That(zerosRaw.LongestZeroRunHours, Is.EqualTo(GeneratedBdg2Folder.ZeroHours));
        Assert.That(zerosCleaned.ZeroHours, Is.Zero, "the cleaned file has the run blanked");
        int missing = Enumerable.Range(0, GeneratedBdg2Folder.Rows).Count(r => double.IsNaN(_data.Electricity(GeneratedBdg2Folder.Zeros, r)));
        Assert.That(zerosCleaned.MissingHours, Is.EqualTo(missing));
        Assert.That(zerosCleaned.MissingShare, Is.EqualTo(missing / (double)GeneratedBdg2Folder.Rows).Within(1e-12));
    }

    [Test]
    public void Weather_sensitivity_recovers_the_heating_balance_point_and_slope()
    {
        Bdg2Dataset dataset = Bdg2Dataset.Open(_data.Folder);
        WeatherSeries weather = dataset.ReadWeather(GeneratedBdg2Folder.Site);

        WeatherSensitivity sensitivity = WeatherSensitivity.Compute(dataset.ReadMeter("Otter_office_Dee", MeterType.Electricity), weather);

        Assert.That(weather.DuplicateHours, Is.EqualTo(1));
        Assert.That(weather.TemperatureAt(_data.Timestamps[1_000]), Is.NaN, "the absent hour");
        Assert.That(sensitivity.Days, Is.EqualTo(731));
        Assert.That(sensitivity.SpearmanRho, Is.LessThan(-0.8), "colder days use more");
        Assert.That(sensitivity.Heating, Is.Not.Null);
        Assert.That(sensitivity.Heating!.BalancePointCelsius, Is.EqualTo(GeneratedBdg2Folder.BalancePoint).Within(0.5));
        Assert.That(sensitivity.Heating.SlopePerDegreeDay, Is.EqualTo(2 * 24).Within(1), "2 kWh per hour per degree below the balance point");
        Assert.That(sensitivity.Heating.RSquared, Is.GreaterThan(0.99));
        Assert.That(sensitivity.Cooling is null || sensitivity.Cooling.RSquared < sensitivity.Heating.RSquared, Is.True);
    }

    [Test]
    public void A_building_without_heating_shows_no_heating_model()
    {
        Bdg2Dataset dataset = Bdg2Dataset.Open(_data.Folder);

        WeatherSensitivity lodging = WeatherSensitivity.Compute(dataset.ReadMeter("Heron_lodging_Jo", MeterType.Electricity), dataset.ReadWeather(GeneratedBdg2Folder.OtherSite));

        Assert.That(lodging.SpearmanRho, Is.Null, "Heron's temperature is constant");
        Assert.That(lodging.Heating, Is.Null);
    }

    [Test]
    public void Benchmarking_ranks_a_building_among_its_primary_use_and_refuses_small_groups()
    {
        Bdg2Dataset dataset = Bdg2Dataset.Open(_data.Folder);
        BuildingEui[] euis = [.. dataset.ComputeAllEui(MeterType.Electricity).Select(e => new BuildingEui(e.BuildingId, dataset.Metadata.GetBuilding(e.BuildingId).PrimarySpaceUsage, e.KilowattHoursPerSquareMetreYear!.Value))];

        EuiBenchmark dee = EuiBenchmark.Compute("Otter_office_Dee", MeterType.Electricity, euis);
        PeerGroupStatistics offices = PeerGroupStatistics.Compute("office", MeterType.Electricity, euis);

        double[] officeEuis = [.. GeneratedBdg2Folder.Buildings.Where(b => b.Use == "Office").Select(b => euis.Single(e => e.BuildingId == b.Id).KilowattHoursPerSquareMetreYear).Order()];
        double own = euis.Single(e => e.BuildingId == "Otter_office_Dee").KilowattHoursPerSquareMetreYear;
        Assert.That(dee.Percentile, Is.EqualTo(100.0 * (officeEuis.Count(v => v < own) + 0.5) / 6).Within(1e-12));
        Assert.That(offices.BuildingCount, Is.EqualTo(6));
        Assert.That(offices.Median, Is.EqualTo((officeEuis[2] + officeEuis[3]) / 2).Within(1e-9));
        Assert.That(offices.LowerQuartile, Is.EqualTo(officeEuis[1] + (0.25 * (officeEuis[2] - officeEuis[1]))).Within(1e-9), "type-7 percentile: position 1.25");
        InvalidOperationException? small = Assert.Throws<InvalidOperationException>(() => EuiBenchmark.Compute("Otter_education_Eve", MeterType.Electricity, euis));
        Assert.That(small!.Message, Does.Contain("Only 4").And.Contain("at least 5").And.Contain("Office"));
        Assert.Throws<InvalidOperationException>(() => PeerGroupStatistics.Compute("Lodging/residential", MeterType.Electricity, euis));
    }

    [Test]
    public void The_repository_layout_of_a_full_download_is_found()
    {
        string root = Path.Combine(_data.Folder, "repo");
        Directory.CreateDirectory(Path.Combine(root, "data", "metadata"));
        Directory.CreateDirectory(Path.Combine(root, "data", "meters", "cleaned"));
        Directory.CreateDirectory(Path.Combine(root, "data", "meters", "raw"));
        Directory.CreateDirectory(Path.Combine(root, "data", "weather"));
        File.Copy(Path.Combine(_data.Folder, "metadata.csv"), Path.Combine(root, "data", "metadata", "metadata.csv"));
        File.Copy(Path.Combine(_data.Folder, "gas_cleaned.csv"), Path.Combine(root, "data", "meters", "cleaned", "gas_cleaned.csv"));
        File.Copy(Path.Combine(_data.Folder, "gas.csv"), Path.Combine(root, "data", "meters", "raw", "gas.csv"));
        File.Copy(Path.Combine(_data.Folder, "weather.csv"), Path.Combine(root, "data", "weather", "weather.csv"));

        Bdg2Dataset dataset = Bdg2Dataset.Open(root);

        Assert.That(dataset.ReadMeter(GeneratedBdg2Folder.Spiked, MeterType.Gas, cleaned: false).Count, Is.EqualTo(GeneratedBdg2Folder.Rows));
        Assert.That(dataset.ReadMeter(GeneratedBdg2Folder.Spiked, MeterType.Gas).Count, Is.EqualTo(GeneratedBdg2Folder.Rows));
        Assert.That(dataset.HasWeather, Is.True);
    }
}
