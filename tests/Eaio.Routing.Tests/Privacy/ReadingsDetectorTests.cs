using NUnit.Framework;
using static Eaio.Routing.Tests.DetectorAssert;

namespace Eaio.Routing.Tests;

[TestFixture]
public sealed class ReadingsDetectorTests
{
    [Test]
    public void Csv_series_with_empty_cells_is_one_span()
    {
        const string Csv = "timestamp,Panther_office_Hannah\r\n2016-03-01 00:00:00,,12.5\r\n2016-03-01 01:00:00,11.9\r\n2016-03-01 02:00:00,0\r\n\r\nThanks.";
        List<SensitiveSpan> spans = Spans(new ReadingsDetector(), Csv);
        Assert.That(spans, Has.Count.EqualTo(1));
        Assert.Multiple(() =>
        {
            Assert.That(spans[0].EntityType, Is.EqualTo(EntityTypes.Readings));
            Assert.That(Csv.Substring(spans[0].Start, spans[0].Length), Does.StartWith("2016-03-01 00:00:00").And.EndWith(",0"));
        });
    }

    [TestCase("Meter: 08:00 41.2 kWh, 09:00 40.8 kWh, 10:00 39.9 kWh.")]
    [TestCase("2024-01-01T00:00:00Z=3.2; 2024-01-01T01:00:00Z=3.1; 2024-01-01T02:00:00Z=-0.4")]
    [TestCase("3/1/2016 1:00 PM | 5\n3/1/2016 2:00 PM | 6\n3/1/2016 3:00 PM | 7")]
    public void Series_found(string text)
        => Assert.That(Spans(new ReadingsDetector(), text).Select(s => s.EntityType), Is.EqualTo(new[] { EntityTypes.Readings }));

    [TestCase("2016-03-01 00:00:00,12.5\n2016-03-01 01:00:00,11.9")] // two readings: below the minimum of three
    [TestCase("Meeting at 10:00, lunch at 12:30, call at 15:00.")] // times without values
    [TestCase("2016-03-01 00:00:00,,,\n2016-03-01 01:00:00,,,\n2016-03-01 02:00:00,,,")] // no values at all
    [TestCase("Released 2016-03-01, 2017-04-02, 2018-05-03.")] // dates followed by dates
    public void Series_not_found(string text)
        => Assert.That(Found(new ReadingsDetector(), text), Is.Empty);

    [Test]
    public void Readings_far_apart_are_separate_series()
    {
        string text = "08:00 1, 09:00 2, 10:00 3" + new string(' ', 300) + "11:00 4, 12:00 5";
        Assert.That(Spans(new ReadingsDetector(), text), Has.Count.EqualTo(1));
        Assert.That(Spans(new ReadingsDetector(minimumReadings: 2), text), Has.Count.EqualTo(2));
    }

    [Test]
    public void Bdg2_solar_file_head_is_readings()
    {
        // The header line and the first rows of a real BDG2 meter file.
        const string Text = "timestamp,Bobcat_education_Alissa\r\n2016-01-01 00:00:00,0.0\r\n2016-01-01 01:00:00,0.0\r\n2016-01-01 02:00:00,0.0\r\n";
        Assert.That(Found(new ReadingsDetector(), Text), Has.Count.EqualTo(1));
    }
}
