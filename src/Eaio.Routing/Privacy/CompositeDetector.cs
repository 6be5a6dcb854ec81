namespace Eaio.Routing;

/// <summary>
/// Runs every registered detector over the same text, so the pseudonymiser sees all their spans at once: on the folded
/// text (see <see cref="TextNormalizer"/>), with the spans mapped back and this library's own placeholders left out.
/// </summary>
internal sealed class CompositeDetector(IEnumerable<ISensitiveDataDetector> detectors) : ISensitiveDataDetector
{
    private readonly SensitiveDataScanner _scanner = new(detectors);

    public bool IsEmpty => _scanner.Detectors.Count == 0;

    /// <summary>Detects in a whole string, reusing what profiling found in this very string (see <see cref="SensitiveDataScanner"/>).</summary>
    internal void Detect(string text, List<SensitiveSpan> spans) => _scanner.Detect(text, spans);

    public void Detect(ReadOnlySpan<char> text, ICollection<SensitiveSpan> spans)
    {
        if (spans is List<SensitiveSpan> list)
        {
            _scanner.Detect(text, list);
            return;
        }

        List<SensitiveSpan> found = [];
        _scanner.Detect(text, found);
        foreach (SensitiveSpan span in found)
        {
            spans.Add(span);
        }
    }
}
