namespace Eaio.Routing.Tests;

/// <summary>Runs one detector and returns what it found as (text, type) pairs, which read well in assertions.</summary>
internal static class DetectorAssert
{
    public static List<string> Found(ISensitiveDataDetector detector, string text)
    {
        List<SensitiveSpan> spans = [];
        detector.Detect(text, spans);
        return spans.Select(s => text.Substring(s.Start, s.Length)).ToList();
    }

    public static List<SensitiveSpan> Spans(ISensitiveDataDetector detector, string text)
    {
        List<SensitiveSpan> spans = [];
        detector.Detect(text, spans);
        return spans;
    }
}
