using NUnit.Framework;

namespace Eaio.Routing.Tests;

[TestFixture]
public sealed class SensitiveDataScannerTests
{
    [Test]
    public void Throwing_detector_makes_the_text_critical_without_throwing()
    {
        ThrowingDetector thrower = new();
        SensitiveDataScanner scanner = new([new EmailDetector(), thrower]);

        SensitiveDataScanResult result = scanner.Scan("mail a@b.io");

        Assert.Multiple(() =>
        {
            Assert.That(result.Sensitivity, Is.EqualTo(DataSensitivity.Critical));
            Assert.That(result.DetectorFailed, Is.True);
            Assert.That(result.Failures.Single().Detector, Is.SameAs(thrower));
            Assert.That(result.Failures.Single().Exception, Is.TypeOf<InvalidOperationException>());
            Assert.That(result.Spans.Select(s => s.EntityType), Is.EqualTo(new[] { "HOST", EntityTypes.Email }), "spans found before the throw are kept");
        });
    }

    [Test]
    public void Regex_timeout_in_a_host_pattern_is_a_failure_not_an_exception()
    {
        PatternDetector catastrophic = new("HOST", new System.Text.RegularExpressions.Regex("(a+)+$", System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromMilliseconds(10)));
        SensitiveDataScanResult result = new SensitiveDataScanner([catastrophic]).Scan(new string('a', 40) + "!");
        Assert.Multiple(() =>
        {
            Assert.That(result.Sensitivity, Is.EqualTo(DataSensitivity.Critical));
            Assert.That(result.Failures.Single().Exception, Is.TypeOf<System.Text.RegularExpressions.RegexMatchTimeoutException>());
        });
    }

    [Test]
    public void Default_map_identifiers_sensitive_readings_critical_nothing_public()
    {
        SensitiveDataScanner scanner = SensitiveDataScanner.CreateDefault();
        Assert.Multiple(() =>
        {
            Assert.That(scanner.Scan("How do I lower a school's heating bill?").Sensitivity, Is.EqualTo(DataSensitivity.Public));
            Assert.That(scanner.Scan("Send it to john.smith@acme.com").Sensitivity, Is.EqualTo(DataSensitivity.Sensitive));
            Assert.That(scanner.Scan("08:00 41.2, 09:00 40.8, 10:00 39.9 kWh; why the drop? Ask john.smith@acme.com").Sensitivity, Is.EqualTo(DataSensitivity.Critical));
            Assert.That(scanner.Classify(EntityTypes.Readings), Is.EqualTo(DataSensitivity.Critical));
            Assert.That(scanner.Classify("host_type"), Is.EqualTo(DataSensitivity.Sensitive));
            Assert.That(scanner.Classify([]), Is.EqualTo(DataSensitivity.Public));
        });
    }

    [Test]
    public void Host_overrides_the_map()
    {
        SensitiveDataScanner scanner = SensitiveDataScanner.CreateDefault(
            personNames: ["Hannah"],
            additionalDetectors: [new PatternDetector(EntityTypes.Equipment, @"\bAHU-\d+\b")],
            sensitivityMap: new Dictionary<string, DataSensitivity> { ["person"] = DataSensitivity.Critical, [EntityTypes.Email] = DataSensitivity.Public });
        Assert.Multiple(() =>
        {
            Assert.That(scanner.Scan("Hannah asked").Sensitivity, Is.EqualTo(DataSensitivity.Critical));
            Assert.That(scanner.Scan("mail a@b.io").Sensitivity, Is.EqualTo(DataSensitivity.Public));
            Assert.That(scanner.Scan("AHU-3 is noisy").Sensitivity, Is.EqualTo(DataSensitivity.Sensitive));
            Assert.That(scanner.Detectors.OfType<PatternDetector>().Single().EntityType, Is.EqualTo(EntityTypes.Equipment));
        });
    }

    [Test]
    public void Spans_are_sorted_by_start_then_longest_first()
    {
        SensitiveDataScanner scanner = new([new PatternDetector("SHORT", "ab"), new PatternDetector("LONG", "abc"), new PatternDetector("FIRST", "x")]);
        SensitiveDataScanResult result = scanner.Scan("x abc");
        Assert.That(result.Spans.Select(s => s.EntityType), Is.EqualTo(new[] { "FIRST", "LONG", "SHORT" }));
    }

    [Test]
    public void Arguments_are_checked()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => new SensitiveDataScanner(null!), Throws.ArgumentNullException);
            Assert.That(() => new SensitiveDataScanner([null!]), Throws.ArgumentNullException);
            Assert.That(() => new PatternDetector(" ", "x"), Throws.ArgumentException);
            Assert.That(() => new PatternDetector("X", "x", confidence: 2), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => new ReadingsDetector(minimumReadings: 1), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => new EmailDetector().Detect("x", null!), Throws.ArgumentNullException);
        });
    }

    private sealed class ThrowingDetector : ISensitiveDataDetector
    {
        public void Detect(ReadOnlySpan<char> text, ICollection<SensitiveSpan> spans)
        {
            spans.Add(new SensitiveSpan(0, 1, "HOST", 1));
            throw new InvalidOperationException("detector broke");
        }
    }
}
