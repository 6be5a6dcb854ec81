namespace Eaio.Routing;

/// <summary>What <see cref="SensitiveDataScanner.Scan(ReadOnlySpan{char})"/> found in a text.</summary>
public sealed class SensitiveDataScanResult
{
    internal SensitiveDataScanResult(IReadOnlyList<SensitiveSpan> spans, DataSensitivity sensitivity, IReadOnlyList<SensitiveDataDetectorFailure> failures)
    {
        Spans = spans;
        Sensitivity = sensitivity;
        Failures = failures;
    }

    /// <summary>Gets the spans found, ordered by start, longer spans first at the same start; spans may overlap.</summary>
    public IReadOnlyList<SensitiveSpan> Spans { get; }

    /// <summary>Gets the sensitivity of the text: <see cref="DataSensitivity.Critical"/> when a detector failed, otherwise the highest class of the spans found.</summary>
    public DataSensitivity Sensitivity { get; }

    /// <summary>Gets the detectors that threw, empty when all ran.</summary>
    public IReadOnlyList<SensitiveDataDetectorFailure> Failures { get; }

    /// <summary>Gets a value indicating whether any detector threw.</summary>
    public bool DetectorFailed => Failures.Count > 0;

    /// <summary>Gets how many readings the text holds outside any series of its own, for adding up over a whole request.</summary>
    internal int LooseReadings { get; init; }
}
