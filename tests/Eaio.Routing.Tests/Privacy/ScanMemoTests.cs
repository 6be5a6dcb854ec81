using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>
/// Masking reuses what profiling found in the very same string with the very same detectors, and only then: an equal
/// string that is another object, or another detector set, is scanned afresh.
/// </summary>
public sealed class ScanMemoTests
{
    // A fresh object per test: the memo is keyed by the string's identity.
    private static string Prompt() => new(
        "Please forward the chiller report for building 7 to jane.doe@example.com before the Monday review meeting.".AsSpan());

    [Test]
    public void Masking_the_string_profiling_scanned_runs_no_detector_again_and_finds_the_same_spans()
    {
        CountingDetector counting = new();
        ISensitiveDataDetector[] detectors = [counting, new EmailDetector()];
        string text = Prompt();

        SensitiveDataScanResult profiled = new SensitiveDataScanner(detectors).Scan(text);
        List<SensitiveSpan> masked = [];
        new CompositeDetector(detectors).Detect(text, masked);

        Assert.That(counting.Calls, Is.EqualTo(1), "the second scanner reused the first one's result");
        Assert.That(masked, Is.EquivalentTo(profiled.Spans));
        Assert.That(masked.Single().EntityType, Is.EqualTo(EntityTypes.Email));
    }

    [Test]
    public void An_equal_string_that_is_another_object_or_another_detector_set_is_scanned_afresh()
    {
        CountingDetector counting = new();
        string text = Prompt();
        _ = new SensitiveDataScanner([counting, new EmailDetector()]).Scan(text);

        new CompositeDetector([counting, new EmailDetector()]).Detect(text, []);   // other EmailDetector instance
        new CompositeDetector([counting]).Detect(text, []);                        // fewer detectors
        new CompositeDetector([counting, new EmailDetector()]).Detect(new string(text.AsSpan()), []);

        Assert.That(counting.Calls, Is.EqualTo(4));
    }

    [Test]
    public void A_scan_whose_detector_failed_is_not_remembered()
    {
        FailingDetector failing = new();
        ISensitiveDataDetector[] detectors = [failing];
        string text = Prompt();

        Assert.That(new SensitiveDataScanner(detectors).Scan(text).Failures, Is.Not.Empty);
        Assert.Throws<InvalidOperationException>(() => new CompositeDetector(detectors).Detect(text, []), "the failure is not replaced by an empty memo");
    }

    private sealed class CountingDetector : ISensitiveDataDetector
    {
        public int Calls { get; private set; }

        public void Detect(ReadOnlySpan<char> text, ICollection<SensitiveSpan> spans) => Calls++;
    }

    private sealed class FailingDetector : ISensitiveDataDetector
    {
        public void Detect(ReadOnlySpan<char> text, ICollection<SensitiveSpan> spans) => throw new InvalidOperationException("detector down");
    }
}
