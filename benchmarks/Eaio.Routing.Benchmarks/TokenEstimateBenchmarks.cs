using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.AI;
using Microsoft.ML.Tokenizers;

namespace Eaio.Routing.Benchmarks;

/// <summary>
/// The pre-call estimate of an 8 KB prompt (input tokens with the model's tokenizer, then the worst-case cost), over 64
/// different prompts built from RouteLLM's MMLU questions, so the tokenizer's word cache sees varied real text rather
/// than one string again and again. The last two rows count the same prompts with the library's own
/// <see cref="TiktokenTokenizer"/> (its regex pre-tokenizer), as the estimate did before, for the ratio.
/// </summary>
[MemoryDiagnoser]
public class TokenEstimateBenchmarks
{
    private static readonly ModelPrice s_gpt4o = PriceCatalog.Default.Find(EaioProviders.OpenAI, "gpt-4o")!;
    private static readonly ModelPrice s_deepseek = PriceCatalog.Default.Find(EaioProviders.DeepSeek, "deepseek-chat")!;

    private static readonly Tokenizer s_libraryO200k = TiktokenTokenizer.CreateForEncoding("o200k_base");
    private static readonly Tokenizer s_libraryCl100k = TiktokenTokenizer.CreateForEncoding("cl100k_base");

    private ChatMessage[][] _prompts = [];
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        string root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "EAIO.Routing.sln")))
        {
            root = Path.GetDirectoryName(root.TrimEnd(Path.DirectorySeparatorChar)) ?? throw new InvalidOperationException("Run from inside the repository.");
        }

        List<string> questions = [.. File.ReadLines(Path.Combine(root, "data", "routellm", "mmlu_contaminated_prompts.jsonl"))
            .Select(line => JsonDocument.Parse(line).RootElement.GetProperty("train_prompt").GetString()!)];
        _prompts = new ChatMessage[64][];
        int q = 0;
        for (int i = 0; i < _prompts.Length; i++)
        {
            StringBuilder text = new(8192);
            while (text.Length < 8192)
            {
                text.Append(questions[q++ % questions.Count]).Append('\n');
            }

            _prompts[i] = [new ChatMessage(ChatRole.User, text.ToString(0, 8192))];
        }
    }

    [Benchmark(Description = "8 KB prompt: gpt-4o (o200k_base) estimate", Baseline = true)]
    public decimal Gpt4o() => Estimate(s_gpt4o);

    [Benchmark(Description = "8 KB prompt: deepseek-chat (cl100k_base) estimate")]
    public decimal DeepSeek() => Estimate(s_deepseek);

    [Benchmark(Description = "8 KB prompt: gpt-4o, library's CountTokens")]
    public decimal Gpt4oLibrary() => LibraryEstimate(s_gpt4o, s_libraryO200k);

    [Benchmark(Description = "8 KB prompt: deepseek-chat, library's CountTokens")]
    public decimal DeepSeekLibrary() => LibraryEstimate(s_deepseek, s_libraryCl100k);

    private decimal Estimate(ModelPrice price)
    {
        ChatMessage[] prompt = _prompts[_next++ & 63];
        return price.CostUsd(TokenEstimator.EstimateInputTokens(prompt, null, price.Model), 0, 1024);
    }

    // The estimate's arithmetic for one user message (3 per message, the role, the text, 3 for the reply) with the library's count.
    private decimal LibraryEstimate(ModelPrice price, Tokenizer tokenizer)
    {
        ChatMessage[] prompt = _prompts[_next++ & 63];
        return price.CostUsd(3 + tokenizer.CountTokens("user") + tokenizer.CountTokens(prompt[0].Text) + 3, 0, 1024);
    }
}
