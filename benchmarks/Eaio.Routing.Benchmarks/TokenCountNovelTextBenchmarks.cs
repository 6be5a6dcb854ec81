using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.ML.Tokenizers;

namespace Eaio.Routing.Benchmarks;

/// <summary>
/// Counting text neither counter has seen: <see cref="TokenCountBenchmarks"/> counts one prompt again and again, so both
/// counters answer most words from their caches (the library's LRU of 8,192 words, the estimator's table of short
/// non-token pieces). Here each call counts the next of 1,024 prompts of made-up words (random letters, as names, codes
/// and e-mail parts are to a vocabulary), about 300,000 distinct words in all, so nearly every word is merged afresh.
/// </summary>
[MemoryDiagnoser]
public class TokenCountNovelTextBenchmarks
{
    private static readonly TiktokenTokenizer s_library = TiktokenTokenizer.CreateForEncoding("o200k_base");

    private string[] _prompts = [];
    private int _next;

    /// <summary>Gets or sets the prompt size in characters.</summary>
    [Params(200, 8192)]
    public int PromptChars { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Random random = new(20261207);
        _prompts = new string[1024];
        for (int p = 0; p < _prompts.Length; p++)
        {
            StringBuilder text = new(PromptChars + 16);
            while (text.Length < PromptChars)
            {
                text.Append(' ');
                int letters = random.Next(3, 12);
                for (int i = 0; i < letters; i++)
                {
                    text.Append((char)('a' + random.Next(26)));
                }
            }

            _prompts[p] = text.ToString(0, PromptChars);
            if (TokenEstimator.CountTokens(_prompts[p], "gpt-4o-mini") != s_library.CountTokens(_prompts[p]))
            {
                throw new InvalidOperationException("The estimator's count differs from the library's.");
            }
        }
    }

    [Benchmark(Baseline = true, Description = "o200k_base, novel words: TokenEstimator.CountTokens")]
    public int Estimator() => TokenEstimator.CountTokens(_prompts[_next++ & 1023], "gpt-4o-mini");

    [Benchmark(Description = "o200k_base, novel words: library CountTokens")]
    public int Library() => s_library.CountTokens(_prompts[_next++ & 1023]);
}
