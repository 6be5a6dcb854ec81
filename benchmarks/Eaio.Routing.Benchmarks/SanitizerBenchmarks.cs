using System.Buffers;
using BenchmarkDotNet.Attributes;
using Eaio.Routing;

namespace Eaio.Routing.Benchmarks;

/// <summary>
/// The whole sanitiser on the 8 KB prompt of <see cref="DetectionBenchmarks"/>: the default scanner finds the values and
/// <see cref="Pseudonymizer"/> replaces them, against one <see cref="SearchValues{T}"/> scan of the same text as the
/// floor. The floor reaches every value of the default detectors and does nothing there: it stops once at the first
/// digit of each run of digits (readings, phone numbers, IP addresses, cards, IBANs, coordinates, house numbers), at
/// each <c>@</c> (e-mail) and at each <c>+</c> (international phone numbers; a sign and the digits after it are one
/// stop). Values that start with letters (IBANs, addresses, some IPv6) are reached at their first digit, and secrets,
/// which begin with fixed prefixes a character scan cannot stop at, add nothing: both make the floor a little faster.
/// The scan for <c>@</c> and <c>_</c> that <see cref="PseudonymizationBenchmarks"/> uses (there one hit per value) is
/// kept as a row: on this text it stops at almost nothing.
/// </summary>
[MemoryDiagnoser]
public class SanitizerBenchmarks
{
    private static readonly SearchValues<char> ValueStarts = SearchValues.Create("0123456789@+");
    private static readonly SearchValues<char> Digits = SearchValues.Create("0123456789");
    private static readonly SearchValues<char> AtAndUnderscore = SearchValues.Create("@_");

    private SensitiveDataScanner _scanner = null!;
    private Pseudonymizer _pseudonymizer = null!;
    private string _scope = string.Empty;
    private string _prompt = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        _scanner = SensitiveDataScanner.CreateDefault();
        InMemoryPseudonymVault vault = new();
        _scope = Synchronously.Result(vault.OpenScopeAsync("benchmark"));
        _pseudonymizer = new Pseudonymizer(vault);
        _prompt = DetectionBenchmarks.BuildPrompt(8192);

        // Warm the scope, as in a conversation whose values have been seen before.
        _ = Sanitize();
    }

    [Benchmark(Baseline = true, Description = "floor: SearchValues scan to every place a value can begin, 8 KB")]
    public int Scan() => SearchValuesScan.CountStops(_prompt, ValueStarts, Digits);

    [Benchmark(Description = "SearchValues scan for @ and _ only, 8 KB")]
    public int ScanAtAndUnderscore() => SearchValuesScan.CountHits(_prompt, AtAndUnderscore);

    [Benchmark(Description = "detect, 8 KB")]
    public int Detect() => _scanner.Scan(_prompt).Spans.Count;

    [Benchmark(Description = "detect + pseudonymise, 8 KB")]
    public string Sanitize() => Synchronously.Result(_pseudonymizer.PseudonymizeAsync(_scope, _prompt, _scanner.Scan(_prompt).Spans)).Text; // the in-memory vault completes synchronously
}
