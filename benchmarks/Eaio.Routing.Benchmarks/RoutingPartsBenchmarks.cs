using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.AI;

namespace Eaio.Routing.Benchmarks;

/// <summary>The parts of the router's cost that can be measured alone: planning (<c>Explain</c>), the deep options copy an
/// attempt that may be followed by another gets, and the copy that only names the model, which the plan's last local route gets.</summary>
[MemoryDiagnoser]
public class RoutingPartsBenchmarks
{
    private HybridRouterChatClient _router = null!;
    private ChatMessage[] _messages = null!;
    private ChatOptions _profiled = null!;

    [GlobalSetup]
    public void Setup()
    {
        EaioHybridChatOptions options = new() { RequestsPerMinute = int.MaxValue };
        _router = new HybridRouterChatClient(options, EaioRoutes.ForClients(options, new Dictionary<string, IChatClient> { [EaioProviders.Ollama] = new NoOpChatClient() }).Pipelines);
        _messages = [new ChatMessage(ChatRole.User, new string('a', 200))];
        _profiled = new ChatOptions().WithEaio(p => { p.Privacy = PrivacyLevel.Private; p.Complexity = 0.4; p.Domain = RequestDomain.EnergyOptimization; });
    }

    [Benchmark]
    public RoutePlan Explain() => _router.Explain(_messages, _profiled);

    [Benchmark]
    public ChatOptions Clone() => _profiled.Clone();

    [Benchmark]
    public ChatOptions WithModel() => ChatOptionsCopy.WithModel(_profiled, "qwen2.5:7b");
}
