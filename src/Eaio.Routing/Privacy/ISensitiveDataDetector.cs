namespace Eaio.Routing;

/// <summary>Finds sensitive values in text. Hosts add their own detectors next to the built-in ones.</summary>
/// <remarks>Implementations must be safe for concurrent use. A detector that throws makes the request CRITICAL.</remarks>
public interface ISensitiveDataDetector
{
    /// <summary>Adds a span for every sensitive value found in <paramref name="text"/>.</summary>
    /// <param name="text">The text to scan.</param>
    /// <param name="spans">Where found spans are added; spans of different detectors may overlap.</param>
    void Detect(ReadOnlySpan<char> text, ICollection<SensitiveSpan> spans);
}
