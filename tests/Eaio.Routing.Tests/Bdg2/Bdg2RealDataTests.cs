using System.Globalization;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>The BDG2 reader and analyses on the real files in <c>data/bdg2</c>, checked against naive re-computations over the CSV text.</summary>
public sealed class Bdg2RealDataTests
{
    private static readonly string s_folder = RepositoryPaths.Data("bdg2");
    private static readonly string s_solar = Path.Combine(s_folder, "solar_cleaned.csv");
    private static readonly string s_irrigation = Path.Combine(s_folder, "irrigation_cleaned_2016-03.csv");

    [Test]
    public void The_metadata_has_every_building_with_its_meters_zone_and_area()
    {
        Bdg2Metadata metadata = Bdg2Dataset.Open(s_folder).Metadata;

        Assert.That(metadata.Buildings, Has.Count.EqualTo(1636));
        Assert.That(metadata.Buildings.Count(b => b.Meters.Contains(MeterType.Electricity)), Is.EqualTo(1578), "BDG2 has 1,578 electricity meters");
        Assert.That(metadata.Buildings.Sum(b => b.Meters.Count), Is.EqualTo(3053), "and 3,053 meters in all");
        Bdg2Building dylan = metadata.GetBuilding("Bobcat_education_Dylan");
        Assert.That(dylan.SquareMetres, Is.EqualTo(double.Parse(NaiveCsv.MetadataField(MetadataPath, "Bobcat_education_Dylan", "sqm"), CultureInfo.InvariantCulture)));
        Assert.That(dylan.PrimarySpaceUsage, Is.EqualTo("Education"));
        Assert.That(dylan.Meters, Does.Contain(MeterType.Solar).And.Contain(MeterType.Electricity).And.Not.Contain(MeterType.Steam));
        Assert.That(dylan.TimeZone.GetUtcOffset(new DateTime(2016, 1, 15, 12, 0, 0)), Is.EqualTo(TimeSpan.FromHours(-7)), "US/Mountain in winter");
        Assert.That(metadata.GetBuilding("Lamb_other_Minerva").TimeZone.GetUtcOffset(new DateTime(2016, 7, 1)), Is.EqualTo(TimeSpan.FromHours(1)), "Europe/London in summer");
    }

    [Test]
    public void The_metadata_feeds_the_privacy_building_registry()
    {
        BuildingRegistry registry = Bdg2Dataset.Open(s_folder).Metadata.ToBuildingRegistry();
        BuildingRegistry loadedByCore = BuildingRegistry.LoadBdg2Metadata(MetadataPath);

        Assert.That(registry.Buildings.Select(b => b.BuildingId), Is.EquivalentTo(loadedByCore.Buildings.Select(b => b.BuildingId)));
        Assert.That(registry.SiteIds, Is.EquivalentTo(loadedByCore.SiteIds));
        Assert.That(registry.IsSiteId("Panther"), Is.True);
        Assert.That(registry.IsCoordinate("28.518"), Is.True, "Panther's latitude, rounded");
        List<SensitiveSpan> spans = [];
        new BuildingRegistryDetector(registry).Detect("Compare Panther_parking_Asia with last year", spans);
        Assert.That(spans, Is.Not.Empty, "the detector finds a building id of the BDG2 metadata");
    }

    [TestCase("Bobcat_education_Dylan")]
    [TestCase("Bobcat_education_Coleman")]
    [TestCase("Bobcat_other_Timothy")]
    public void The_consumption_summary_matches_a_naive_recomputation(string building)
    {
        MeterSeries series = Bdg2Dataset.Open(s_folder).ReadMeter(building, MeterType.Solar);
        (string[] timestamps, double?[] values) = NaiveCsv.Column(s_solar, building);

        ConsumptionSummary summary = ConsumptionSummary.Compute(series);

        double[] present = [.. values.Where(v => v is not null).Select(v => v!.Value)];
        Assert.That(series.Count, Is.EqualTo(17_544));
        Assert.That(summary.Unit, Is.EqualTo("kWh"));
        Assert.That(summary.PresentHours, Is.EqualTo(present.Length));
        Assert.That(summary.Total, Is.EqualTo(present.Sum()).Within(1e-6));
        Assert.That(summary.MeanPerHour, Is.EqualTo(present.Average()).Within(1e-9));
        Assert.That(summary.Peak, Is.EqualTo(present.Max()));
        Assert.That(summary.PeakAt!.Value.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), Is.EqualTo(timestamps[Array.IndexOf(values, present.Max())]));
        Assert.That(summary.LoadFactor, Is.EqualTo(present.Average() / present.Max()).Within(1e-12));
        Assert.That(summary.MissingShare, Is.EqualTo(1 - (present.Length / 17_544.0)).Within(1e-12));
    }

    [Test]
    public void A_period_summary_counts_only_its_hours()
    {
        MeterSeries series = Bdg2Dataset.Open(s_folder).ReadMeter("Bobcat_education_Dylan", MeterType.Solar);
        (string[] timestamps, double?[] values) = NaiveCsv.Column(s_solar, "Bobcat_education_Dylan");

        ConsumptionSummary june = ConsumptionSummary.Compute(series, new DateTime(2016, 6, 1), new DateTime(2016, 7, 1));

        double expected = timestamps.Zip(values).Where(p => p.First.StartsWith("2016-06-", StringComparison.Ordinal) && p.Second is not null).Sum(p => p.Second!.Value);
        Assert.That(june.Hours, Is.EqualTo(30 * 24));
        Assert.That(june.Total, Is.EqualTo(expected).Within(1e-6));
        Assert.That(june.From, Is.EqualTo(new DateTime(2016, 6, 1)));
        Assert.That(june.To, Is.EqualTo(new DateTime(2016, 6, 30, 23, 0, 0)));
    }

    [Test]
    public void The_eui_is_the_annualised_mean_over_the_floor_area()
    {
        Bdg2Dataset dataset = Bdg2Dataset.Open(s_folder);
        double sqm = double.Parse(NaiveCsv.MetadataField(MetadataPath, "Bobcat_education_Dylan", "sqm"), CultureInfo.InvariantCulture);
        double[] present = [.. NaiveCsv.Column(s_solar, "Bobcat_education_Dylan").Values.Where(v => v is not null).Select(v => v!.Value)];

        EnergyUseIntensity eui = EnergyUseIntensity.Compute(dataset.ReadMeter("Bobcat_education_Dylan", MeterType.Solar), sqm);
        IReadOnlyList<EnergyUseIntensity> all = dataset.ComputeAllEui(MeterType.Solar);

        Assert.That(eui.KilowattHoursPerSquareMetreYear, Is.EqualTo(present.Average() * 8760 / sqm).Within(1e-9));
        Assert.That(all.Single(e => e.BuildingId == "Bobcat_education_Dylan").KilowattHoursPerSquareMetreYear, Is.EqualTo(eui.KilowattHoursPerSquareMetreYear).Within(1e-9));
        Assert.That(all, Has.Count.EqualTo(5), "five solar meters, all with a floor area");
        Assert.That(all.Single(e => e.BuildingId == "Bobcat_office_Justine").KilowattHoursPerSquareMetreYear, Is.Null, "Justine's cleaned solar is all missing");
    }

    [Test]
    public void The_hourly_profile_matches_a_naive_recomputation_and_peaks_around_noon()
    {
        (string[] timestamps, double?[] values) = NaiveCsv.Column(s_solar, "Bobcat_education_Dylan");

        LoadProfile profile = LoadProfile.Compute(Bdg2Dataset.Open(s_folder).ReadMeter("Bobcat_education_Dylan", MeterType.Solar));

        for (int hour = 0; hour < 24; hour++)
        {
            string suffix = $" {hour:D2}:00:00";
            double[] atHour = [.. timestamps.Zip(values).Where(p => p.First.EndsWith(suffix, StringComparison.Ordinal) && p.Second is not null).Select(p => p.Second!.Value)];
            Assert.That(profile.AllDays[hour], Is.EqualTo(atHour.Average()).Within(1e-9), $"hour {hour}");
        }

        double[] weekend = [.. timestamps.Zip(values)
            .Where(p => p.Second is not null && DateTime.ParseExact(p.First, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture).DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
            .Select(p => p.Second!.Value)];
        Assert.That(profile.WeekendMean, Is.EqualTo(weekend.Average()).Within(1e-9));
        Assert.That(profile.PeakHour, Is.InRange(11, 14), "a PV meter peaks around solar noon");
    }

    [Test]
    public void Anomalies_match_a_naive_same_hour_of_week_median_and_mad()
    {
        (string[] timestamps, double?[] values) = NaiveCsv.Column(s_solar, "Bobcat_education_Coleman");

        AnomalyReport report = AnomalyReport.Detect(Bdg2Dataset.Open(s_folder).ReadMeter("Bobcat_education_Coleman", MeterType.Solar), threshold: 3.5, maximumListed: 5);

        // Independent: group by (day of week, hour) with LINQ, median by sorting, MAD likewise.
        var rows = timestamps.Zip(values).Where(p => p.Second is not null)
            .Select(p => (Time: DateTime.ParseExact(p.First, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), Value: p.Second!.Value)).ToArray();
        var baselines = rows.GroupBy(r => (r.Time.DayOfWeek, r.Time.Hour)).ToDictionary(g => g.Key, g =>
        {
            double median = Median(g.Select(r => r.Value));
            return (Median: median, Mad: Median(g.Select(r => Math.Abs(r.Value - median))));
        });
        var expected = rows.Where(r => baselines[(r.Time.DayOfWeek, r.Time.Hour)].Mad > 0)
            .Select(r => (r.Time, Z: 0.6745 * (r.Value - baselines[(r.Time.DayOfWeek, r.Time.Hour)].Median) / baselines[(r.Time.DayOfWeek, r.Time.Hour)].Mad))
            .Where(r => Math.Abs(r.Z) > 3.5).ToArray();

        Assert.That(report.AnomalyCount, Is.EqualTo(expected.Length));
        Assert.That(report.AnomalyCount, Is.GreaterThan(0));
        MeterAnomaly top = report.Anomalies[0];
        var strongest = expected.OrderByDescending(e => Math.Abs(e.Z)).ThenBy(e => e.Time).First();
        Assert.That(top.Timestamp, Is.EqualTo(strongest.Time));
        Assert.That(top.RobustZ, Is.EqualTo(strongest.Z).Within(1e-9));
        Assert.That(report.Anomalies, Has.Count.EqualTo(5));
    }

    [TestCase("Panther_parking_Asia")]
    [TestCase("Panther_parking_Stanley")]
    [TestCase("Panther_office_Daina")]
    public void Zero_runs_and_missing_hours_match_a_naive_count(string building)
    {
        double?[] values = NaiveCsv.Column(s_irrigation, building).Values;
        int longest = 0, run = 0, longRuns = 0;
        foreach (double? v in values.Append(null))
        {
            if (v == 0)
            {
                run++;
                continue;
            }

            longRuns += run >= 24 ? 1 : 0;
            longest = Math.Max(longest, run);
            run = 0;
        }

        DataQualityReport report = DataQualityReport.Compute(Bdg2Dataset.Open(s_folder).ReadMeter(building, MeterType.Irrigation));

        Assert.That(report.Hours, Is.EqualTo(744));
        Assert.That(report.MissingHours, Is.EqualTo(values.Count(v => v is null)));
        Assert.That(report.ZeroHours, Is.EqualTo(values.Count(v => v == 0)));
        Assert.That(report.LongestZeroRunHours, Is.EqualTo(longest));
        Assert.That(report.LongZeroRuns, Is.EqualTo(longRuns));
    }

    [Test]
    public void Data_quality_finds_the_all_missing_meter()
    {
        DataQualityReport justine = DataQualityReport.Compute(Bdg2Dataset.Open(s_folder).ReadMeter("Bobcat_office_Justine", MeterType.Solar));

        Assert.That(NaiveCsv.Column(s_solar, "Bobcat_office_Justine").Values.All(v => v is null), Is.True, "the file's own cells");
        Assert.That(justine.MissingShare, Is.EqualTo(1.0));
        Assert.That(justine.OutlierHours, Is.Zero);
    }

    [Test]
    public void Irrigation_is_in_litres_and_timestamps_take_the_site_offset_across_the_dst_change()
    {
        Bdg2Dataset dataset = Bdg2Dataset.Open(s_folder);
        string building = dataset.OpenMeterFile(MeterType.Irrigation).BuildingIds[0];

        MeterSeries series = dataset.ReadMeter(building, MeterType.Irrigation);

        Assert.That(dataset.OpenMeterFile(MeterType.Irrigation).Path, Does.EndWith("irrigation_cleaned_2016-03.csv"), "the excerpt is found by its name pattern");
        Assert.That(series.Unit, Is.EqualTo("L"));
        Assert.That(series.Count, Is.EqualTo(744), "24 rows every day, also on 2016-03-13");
        int springForward = series.Timestamps.ToList().IndexOf(new DateTime(2016, 3, 13, 2, 0, 0));
        Assert.That(springForward, Is.GreaterThan(0), "BDG2 keeps the hour that does not exist locally");
        Assert.That(series.GetInstant(springForward).Offset, Is.EqualTo(TimeSpan.FromHours(-5)));
        Assert.That(series.GetInstant(springForward + 2).Offset, Is.EqualTo(TimeSpan.FromHours(-4)), "04:00 is daylight time");
        Assert.That(series.GetInstant(0).UtcDateTime, Is.EqualTo(new DateTime(2016, 3, 1, 5, 0, 0)));
    }

    [Test]
    public void A_building_without_a_column_or_not_in_the_metadata_is_named_in_the_error()
    {
        Bdg2Dataset dataset = Bdg2Dataset.Open(s_folder);

        ArgumentException? noColumn = Assert.Throws<ArgumentException>(() => dataset.ReadMeter("Panther_parking_Asia", MeterType.Solar));
        ArgumentException? unknown = Assert.Throws<ArgumentException>(() => dataset.ReadMeter("Bobcat_office_Nobody", MeterType.Solar));
        FileNotFoundException? noFile = Assert.Throws<FileNotFoundException>(() => dataset.ReadMeter("Panther_parking_Asia", MeterType.Electricity));

        Assert.That(noColumn!.Message, Does.Contain("Panther_parking_Asia").And.Contain("solar"));
        Assert.That(unknown!.Message, Does.Contain("Bobcat_office_Nobody").And.Match("include Bobcat_[a-z]+_"), "names the building and suggests ids of its site");
        Assert.That(noFile!.Message, Does.Contain("electricity_cleaned.csv").And.Contain("solar_cleaned.csv"), "names the file and lists what the folder has");
    }

    private static string MetadataPath => Path.Combine(s_folder, "metadata.csv");

    private static double Median(IEnumerable<double> values)
    {
        double[] sorted = [.. values.Order()];
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
