using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.AI;

namespace Eaio.Routing.Benchmarks;

/// <summary>
/// The pre-call estimate of an 8 KB prompt (input tokens with the model's tokenizer, then the worst-case cost), over 64
/// different prompts built from RouteLLM's MMLU questions, so the tokenizer's word cache sees varied real text rather
/// than one string again and again.
/// </summary>
[MemoryDiagnoser]
public class TokenEstimateBenchmarks
{
    private static readonly ModelPrice s_gpt4o = PriceCatalog.Default.Find(EaioProviders.OpenAI, "gpt-4o")!;
    private static readonly ModelPrice s_deepseek = PriceCatalog.Default.Find(EaioProviders.DeepSeek, "deepseek-chat")!;

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

    private decimal Estimate(ModelPrice price)
    {
        ChatMessage[] prompt = _prompts[_next++ & 63];
        return price.CostUsd(TokenEstimator.EstimateInputTokens(prompt, null, price.Model), 0, 1024);
    }
}
