using BenchmarkDotNet.Attributes;
using Microsoft.ML.Tokenizers;

namespace Eaio.Routing.Benchmarks;

/// <summary>
/// Counting the external-route prompts (<see cref="ExternalRouteBenchmarks.BuildPrompt"/>) with the estimator's counter
/// (<see cref="TokenEstimator.CountTokens"/>) against Microsoft.ML.Tokenizers' own <see cref="TiktokenTokenizer.CountTokens(string, bool, bool)"/>,
/// side by side, for the encoding the external route's model (<c>gpt-4o-mini</c>) is counted with and for <c>cl100k_base</c>.
/// </summary>
[MemoryDiagnoser]
public class TokenCountBenchmarks
{
    private static readonly TiktokenTokenizer s_libraryO200k = TiktokenTokenizer.CreateForEncoding("o200k_base");
    private static readonly TiktokenTokenizer s_libraryCl100k = TiktokenTokenizer.CreateForEncoding("cl100k_base");

    private string _prompt = string.Empty;

    /// <summary>Gets or sets the prompt size in characters.</summary>
    [Params(200, 8192)]
    public int PromptChars { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _prompt = ExternalRouteBenchmarks.BuildPrompt(PromptChars);
        if (TokenEstimator.CountTokens(_prompt, "gpt-4o-mini") != s_libraryO200k.CountTokens(_prompt)
            || TokenEstimator.CountTokens(_prompt, "deepseek-chat") != s_libraryCl100k.CountTokens(_prompt))
        {
            throw new InvalidOperationException("The estimator's count differs from the library's.");
        }
    }

    [Benchmark(Baseline = true, Description = "o200k_base: TokenEstimator.CountTokens")]
    public int EstimatorO200k() => TokenEstimator.CountTokens(_prompt, "gpt-4o-mini");

    [Benchmark(Description = "o200k_base: library CountTokens")]
    public int LibraryO200k() => s_libraryO200k.CountTokens(_prompt);

    [Benchmark(Description = "cl100k_base: TokenEstimator.CountTokens")]
    public int EstimatorCl100k() => TokenEstimator.CountTokens(_prompt, "deepseek-chat");

    [Benchmark(Description = "cl100k_base: library CountTokens")]
    public int LibraryCl100k() => s_libraryCl100k.CountTokens(_prompt);
}
