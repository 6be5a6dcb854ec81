using System.Text.Json;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>
/// Every default detector finds the same values wherever a text lies against the sixteen-character blocks of their vector
/// passes: the spans of a text after 1 to 33 leading spaces are the spans of the text itself, moved. A pass that skipped a
/// block it should have read, or read a block's neighbour wrongly, would lose or move a value at some offset.
/// </summary>
[TestFixture]
public sealed class DetectorOffsetTests
{
    private static IEnumerable<TestCaseData> Detectors() =>
        SensitiveDataScanner.CreateDefault().Detectors.Select(d => new TestCaseData(d).SetArgDisplayNames(d.GetType().Name));

    [TestCaseSource(nameof(Detectors))]
    public void Spans_move_with_the_text_and_nothing_else(ISensitiveDataDetector detector)
    {
        // The development splits of the three corpora (never the held-out cases): values of every family, in prose,
        // tables, code and logs.
        List<string> texts = [.. DevelopmentTexts("Corpus"), .. DevelopmentTexts("Corpus2"), .. DevelopmentTexts("Corpus3")];
        Assert.That(texts, Has.Count.GreaterThan(300));
        int withValues = 0;
        foreach (string text in texts)
        {
            List<SensitiveSpan> expected = [];
            detector.Detect(text, expected);
            withValues += expected.Count > 0 ? 1 : 0;
            for (int pad = 1; pad <= 33; pad++)
            {
                List<SensitiveSpan> found = [];
                detector.Detect(new string(' ', pad) + text, found);
                Assert.That(
                    found.Select(s => (s.Start - pad, s.Length, s.EntityType)),
                    Is.EqualTo(expected.Select(s => (s.Start, s.Length, s.EntityType))),
                    $"{detector.GetType().Name} after {pad} spaces: {text[..Math.Min(text.Length, 120)]}");
            }
        }

        // Worth something only where the detector finds values in these texts at all.
        Assert.That(withValues, Is.GreaterThan(0));
    }

    private static IEnumerable<string> DevelopmentTexts(string corpus)
    {
        string path = Path.Combine(RepositoryPaths.Root(), "tests", "Eaio.Routing.Tests", "Privacy", corpus, "hostile.jsonl");
        foreach (string line in File.ReadLines(path).Where(l => l.Length > 0))
        {
            using JsonDocument document = JsonDocument.Parse(line);
            if (document.RootElement.GetProperty("split").GetString() != "dev")
            {
                continue;
            }

            foreach (JsonElement message in document.RootElement.GetProperty("messages").EnumerateArray())
            {
                if (message.TryGetProperty("text", out JsonElement text) && text.GetString() is { Length: > 0 } value)
                {
                    yield return value;
                }
            }
        }
    }
}
