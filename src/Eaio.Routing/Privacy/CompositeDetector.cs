namespace Eaio.Routing;

/// <summary>Runs every registered detector over the same text, so the pseudonymiser sees all their spans at once.</summary>
internal sealed class CompositeDetector(IEnumerable<ISensitiveDataDetector> detectors) : ISensitiveDataDetector
{
    private readonly ISensitiveDataDetector[] _detectors = [.. detectors];

    public bool IsEmpty => _detectors.Length == 0;

    public void Detect(ReadOnlySpan<char> text, ICollection<SensitiveSpan> spans)
    {
        foreach (ISensitiveDataDetector detector in _detectors)
        {
            detector.Detect(text, spans);
        }
    }
}
