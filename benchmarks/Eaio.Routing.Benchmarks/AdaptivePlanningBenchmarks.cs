using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.AI;

namespace Eaio.Routing.Benchmarks;

/// <summary>
/// What the calibrated threshold and the adaptive policy add to planning: a call of an ENHANCED request whose category has
/// feedback, answered at once by a local client that does nothing, with both off and both on; the goal is under 1 µs added.
/// A call, not <c>Explain</c>: explaining neither counts a score into the calibration nor draws for exploration.
/// </summary>
[MemoryDiagnoser]
public class AdaptivePlanningBenchmarks
{
    private HybridRouterChatClient _static = null!;
    private HybridRouterChatClient _adaptive = null!;
    private ChatMessage[] _messages = null!;
    private ChatOptions _options = null!;

    [GlobalSetup]
    public void Setup()
    {
        Dictionary<string, IChatClient> providers = new() { [EaioProviders.Ollama] = new NoOpChatClient() };
        EaioHybridChatOptions fixedOptions = new() { RequestsPerMinute = int.MaxValue };
        EaioHybridChatOptions adaptiveOptions = new() { RequestsPerMinute = int.MaxValue, AdaptiveRouting = true, ComplexityStrongShare = 0.2 };
        _static = new HybridRouterChatClient(fixedOptions, EaioRoutes.ForClients(fixedOptions, providers).Pipelines);

        InMemoryRoutingFeedbackStore store = new();
        for (int i = 0; i < 50; i++)
        {
            store.AddAsync("meter-summary", ProviderTier.Local, i % 3 == 0 ? 0 : 1).GetAwaiter().GetResult();
            store.AddAsync("meter-summary", ProviderTier.External, 1).GetAwaiter().GetResult();
        }

        _adaptive = new HybridRouterChatClient(adaptiveOptions, EaioRoutes.ForClients(adaptiveOptions, providers).Pipelines, feedback: store);
        _adaptive.RefreshLearningAsync().GetAwaiter().GetResult();

        _messages = [new ChatMessage(ChatRole.User, "Write a two-line note to the facilities team about the new opening hours.")];
        _options = new ChatOptions().WithEaio(p =>
        {
            p.Privacy = PrivacyLevel.Enhanced;
            p.Complexity = 0.4;
            p.Domain = RequestDomain.General;
            p.Category = "meter-summary";
        });

        // Fill the calibration window, as a running host has.
        for (int i = 0; i < 2000; i++)
        {
            _adaptive.GetResponseAsync(_messages, _options).GetAwaiter().GetResult();
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _static.Dispose();
        _adaptive.Dispose();
    }

    [Benchmark(Baseline = true, Description = "call, fixed threshold")]
    public Task<ChatResponse> Fixed() => _static.GetResponseAsync(_messages, _options);

    [Benchmark(Description = "call, calibrated threshold and adaptive policy")]
    public Task<ChatResponse> Adaptive() => _adaptive.GetResponseAsync(_messages, _options);
}
