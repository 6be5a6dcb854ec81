using nietras.SeparatedValues;
using NUnit.Framework;
using static Eaio.Routing.Tests.DetectorAssert;

namespace Eaio.Routing.Tests;

[TestFixture]
public sealed class BuildingRegistryDetectorTests
{
    private static BuildingRegistry? s_bdg2;

    private static BuildingRegistry Bdg2 => s_bdg2 ??= BuildingRegistry.LoadBdg2Metadata(
        RepositoryPaths.Data("bdg2", "metadata.csv"));

    [Test]
    public void Loads_bdg2_metadata()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Bdg2.Buildings, Has.Count.EqualTo(1636));
            Assert.That(Bdg2.SiteIds, Has.Count.EqualTo(19));
            Assert.That(Bdg2.TryGetBuilding("panther_office_hannah", out BuildingInfo? hannah), Is.True);
            Assert.That(hannah, Is.EqualTo(new BuildingInfo("Panther_office_Hannah", "Panther", 28.5176885788321, -81.3790387999998)));
            Assert.That(Bdg2.IsSiteId("Panther"), Is.True);
            Assert.That(Bdg2.IsSiteId("panther"), Is.False);
        });
    }

    [Test]
    public void Finds_building_ids_in_a_csv_header()
    {
        const string Csv = "timestamp,Panther_office_Hannah,Panther_lodging_Dean,Not_a_building\r\n2016-01-01 00:00:00,1.2,3.4,5\r\n";
        List<SensitiveSpan> spans = Spans(new BuildingRegistryDetector(Bdg2), Csv);
        Assert.That(spans.Select(s => (Csv.Substring(s.Start, s.Length), s.EntityType)), Is.EqualTo(new[]
        {
            ("Panther_office_Hannah", EntityTypes.Building),
            ("Panther_lodging_Dean", EntityTypes.Building),
        }));
    }

    [Test]
    public void Every_coordinate_of_the_metadata_file_is_found_as_written()
    {
        using SepReader csv = Sep.New(',').Reader(o => o with { Unescape = true })
            .FromFile(RepositoryPaths.Data("bdg2", "metadata.csv"));
        List<string> missed = [];
        foreach (SepReader.Row row in csv)
        {
            foreach (string value in new[] { row["lat"].ToString(), row["lng"].ToString() })
            {
                if (value.Length > 0 && !Bdg2.IsCoordinate(value))
                {
                    missed.Add(value);
                }
            }
        }

        Assert.That(missed, Is.Empty);
    }

    [Test]
    public void Finds_sites_exactly_and_buildings_case_insensitively()
    {
        BuildingRegistryDetector detector = new(Bdg2);
        Assert.Multiple(() =>
        {
            Assert.That(Found(detector, "How does PANTHER_OFFICE_HANNAH compare with the Panther site?"), Is.EqualTo(new[] { "PANTHER_OFFICE_HANNAH", "Panther" }));
            Assert.That(Found(detector, "a quick fox and a panther"), Is.Empty);
            Assert.That(Found(new BuildingRegistryDetector(Bdg2, matchSiteIds: false), "the Panther site"), Is.Empty);
        });
    }

    [Test]
    public void Finds_registry_coordinates_rounded_or_truncated()
    {
        BuildingRegistryDetector detector = new(Bdg2);
        Assert.Multiple(() =>
        {
            Assert.That(Found(detector, "at 28.5176885788321,-81.3790387999998"), Is.EqualTo(new[] { "28.5176885788321", "-81.3790387999998" }));
            Assert.That(Found(detector, "near 28.518 and -81.379"), Is.EqualTo(new[] { "28.518", "-81.379" }));
            Assert.That(Found(detector, "near 28.517 (truncated)"), Is.EqualTo(new[] { "28.517" }));
            Assert.That(Found(detector, "Site at -111.92814039999979, or -111.9281404, or -111.928"), Is.EqualTo(new[] { "-111.92814039999979", "-111.9281404", "-111.928" }));
            Assert.That(Found(detector, "-0.12006900000000001 and -0.120069"), Is.EqualTo(new[] { "-0.12006900000000001", "-0.120069" }));
            Assert.That(Found(detector, "28.5 and 28.52 are too coarse; 28.519 is elsewhere"), Is.Empty);
            Assert.That(Found(new BuildingRegistryDetector(Bdg2, matchCoordinates: false), "28.518"), Is.Empty);
        });
    }

    [Test]
    public void Host_given_registry_and_odd_text()
    {
        BuildingRegistry registry = new([new BuildingInfo("B12", "North"), new BuildingInfo("HQ")]);
        BuildingRegistryDetector detector = new(registry);
        Assert.Multiple(() =>
        {
            Assert.That(Found(detector, "B12 and hq, not B123 or xB12; A-12 -5"), Is.EqualTo(new[] { "B12", "hq" }));
            Assert.That(Found(detector, "North wing"), Is.EqualTo(new[] { "North" }));
            Assert.That(Found(detector, ""), Is.Empty);
        });
    }

    [Test]
    public void Overlapping_coordinates_from_two_detectors_are_both_kept()
    {
        SensitiveDataScanner scanner = new([new CoordinatesDetector(), new BuildingRegistryDetector(Bdg2)]);
        SensitiveDataScanResult result = scanner.Scan("28.5176885788321,-81.3790387999998");
        Assert.Multiple(() =>
        {
            Assert.That(result.Spans, Has.Count.EqualTo(3));
            Assert.That(result.Spans[0], Is.EqualTo(new SensitiveSpan(0, 34, EntityTypes.Coordinates, 0.75)));
            Assert.That(result.Sensitivity, Is.EqualTo(DataSensitivity.Sensitive));
        });
    }
}
