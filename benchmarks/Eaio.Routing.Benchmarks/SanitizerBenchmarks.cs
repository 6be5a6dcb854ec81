using System.Buffers;
using BenchmarkDotNet.Attributes;
using Eaio.Routing;

namespace Eaio.Routing.Benchmarks;

/// <summary>
/// The whole sanitiser on the 8 KB prompt of <see cref="DetectionBenchmarks"/>: the default scanner finds the values and
/// <see cref="Pseudonymizer"/> replaces them, against one <see cref="SearchValues{T}"/> scan of the same text as the
/// floor (the same floor as <see cref="PseudonymizationBenchmarks"/>: every <c>@</c> and <c>_</c>).
/// </summary>
[MemoryDiagnoser]
public class SanitizerBenchmarks
{
    private static readonly SearchValues<char> ScanChars = SearchValues.Create("@_");

    private SensitiveDataScanner _scanner = null!;
    private Pseudonymizer _pseudonymizer = null!;
    private string _scope = string.Empty;
    private string _prompt = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        _scanner = SensitiveDataScanner.CreateDefault();
        InMemoryPseudonymVault vault = new();
        _scope = vault.OpenScope("benchmark");
        _pseudonymizer = new Pseudonymizer(vault);
        _prompt = DetectionBenchmarks.BuildPrompt(8192);

        // Warm the scope, as in a conversation whose values have been seen before.
        _ = Sanitize();
    }

    [Benchmark(Baseline = true, Description = "floor: SearchValues IndexOfAny scan, 8 KB")]
    public int Scan()
    {
        ReadOnlySpan<char> text = _prompt;
        int hits = 0;
        int found;
        while ((found = text.IndexOfAny(ScanChars)) >= 0)
        {
            hits++;
            text = text[(found + 1)..];
        }

        return hits;
    }

    [Benchmark(Description = "detect, 8 KB")]
    public int Detect() => _scanner.Scan(_prompt).Spans.Count;

    [Benchmark(Description = "detect + pseudonymise, 8 KB")]
    public string Sanitize() => _pseudonymizer.Pseudonymize(_scope, _prompt, _scanner.Scan(_prompt).Spans).Text;
}
