using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Eaio.Routing.Benchmarks;

/// <summary>
/// The router's own work per external call (issue 15): a PUBLIC request under <c>LLM_STRATEGY=api-only</c>, pinned to
/// OpenAI, through everything an external call passes (detection, pseudonymisation and restore, the egress guard, the
/// token estimate, budget reserve and settle, audit, request log, metrics) to a provider that answers at once. The router
/// is built only through <c>AddEaioHybridChat</c>, with in-memory stores, so the figure survives a rewrite of the router's
/// internals; the baseline row calls the same no-op provider directly.
/// </summary>
/// <remarks>
/// The prompts are energy-management prose with one e-mail address and one phone number in every 200 characters, so the
/// pseudonymiser and the guard have real values to mask and check. The audit log serialises and chains every record
/// as the in-memory one does, and the request log queues every entry, but neither keeps them: retained records would make
/// the figure the garbage collector's, not the router's.
/// </remarks>
[MemoryDiagnoser]
public class ExternalRouteBenchmarks
{
    private readonly CountingNoOpChatClient _provider = new();
    private ServiceProvider _services = null!;
    private IChatClient _router = null!;
    private ChatMessage[] _messages = null!;
    private ChatOptions _options = null!;

    /// <summary>Gets or sets the prompt size in characters: a short question or an 8 KB one.</summary>
    [Params(200, 8192)]
    public int PromptChars { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        ServiceCollection services = new();
        services.AddKeyedSingleton<IChatClient>(EaioProviders.OpenAI, _provider);
        services.AddSingleton<IBudgetLedger>(sp => new InMemoryBudgetLedger(BudgetLimits.From(sp.GetRequiredService<EaioHybridChatOptions>())));
        services.AddSingleton<IPseudonymVault>(new InMemoryPseudonymVault());
        services.AddSingleton<IRequestLog>(new QueueOnlyRequestLog());
        services.AddSingleton<IAuditLog>(new ChainOnlyAuditLog("bench-audit-key-0123456789"u8.ToArray())); // keyed, as AUDIT_HMAC_KEY makes it
        services.AddEaioHybridChat(o =>
        {
            o.Strategy = RoutingStrategy.ApiOnly;
            o.OpenAI.ApiKey = "bench-openai-key";

            // No rate limit worth the name: the benchmark makes hundreds of thousands of calls a minute.
            o.RequestsPerMinute = int.MaxValue;
            o.TokensPerMinute = int.MaxValue;
            o.MonthlyBudgetUsd = 1_000_000_000m; // a billion dollars: never the limit in a benchmark run
            o.DataDirectory = Path.Combine(Path.GetTempPath(), "eaio-bench-unused");
        });
        _services = services.BuildServiceProvider();
        _router = _services.GetRequiredService<IChatClient>();

        _messages = [new ChatMessage(ChatRole.User, BuildPrompt(PromptChars))];
        _options = new ChatOptions().WithEaio(p =>
        {
            p.Privacy = PrivacyLevel.Public;
            p.Provider = EaioProviders.OpenAI;
            p.Model = "gpt-4o-mini";
        });

        // The figure means nothing unless the call really went out, masked: check both once.
        ChatResponse response = _router.GetResponseAsync(_messages, _options).GetAwaiter().GetResult();
        if (_provider.Calls != 1 || _provider.LastText is not { } sent || sent.Contains('@', StringComparison.Ordinal) || response.Text != "ok")
        {
            throw new InvalidOperationException($"The request did not reach the no-op provider masked (calls {_provider.Calls}, sent: {_provider.LastText}).");
        }

        int values = SensitiveDataScanner.CreateDefault().Scan(_messages[0].Text).Spans.Count;
        int expected = 2 * ((PromptChars + 199) / 200);
        if (values < expected)
        {
            throw new InvalidOperationException($"The prompt has {values} detected values, expected at least {expected}.");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    [Benchmark(Baseline = true, Description = "no-op provider, called directly")]
    public Task<ChatResponse> Provider() => _provider.GetResponseAsync(_messages, _options);

    [Benchmark(Description = "router, external route (AddEaioHybridChat)")]
    public Task<ChatResponse> Router() => _router.GetResponseAsync(_messages, _options);

    /// <summary>
    /// Facility-manager prose in blocks of exactly 200 characters, each with one e-mail address and one phone number (a
    /// different one per block, as in a thread of several people), cut to <paramref name="length"/>.
    /// </summary>
    internal static string BuildPrompt(int length)
    {
        string[] plain =
        [
            "The chiller plant ran at 78 % of rated capacity during the afternoon peak and the supply water drifted up. ",
            "Please compare the heating demand of the east wing with last winter; the boiler cycled more often than planned. ",
            "Our energy manager wants a summary of where the ventilation runs outside occupied hours and what it costs. ",
            "The gas bill for March was 14 % higher than February although the degree days were lower than last year. ",
        ];
        string[] people = ["maria.keller", "j.okafor", "facilities", "energy.desk", "tom.lindqvist", "a.nakamura"];
        StringBuilder builder = new(length + 200);
        for (int block = 0; builder.Length < length; block++)
        {
            string contact = $"Questions to {people[block % people.Length]}{block}@northwind-energy.com or 415-555-01{block % 100:D2}. ";
            string filler = plain[block % plain.Length];
            string text = contact + filler + filler;
            builder.Append(text, 0, 200);
        }

        return builder.ToString(0, length);
    }

    /// <summary>A provider that answers at once with one prepared response and remembers the last text it was sent.</summary>
    private sealed class CountingNoOpChatClient : IChatClient
    {
        private static readonly ChatClientMetadata s_metadata = new("noop-openai", null, "gpt-4o-mini");

        // One completed task with one response, handed out every time: the provider allocates nothing per call.
        private readonly Task<ChatResponse> _answer = Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok"))
        {
            FinishReason = ChatFinishReason.Stop,
            ModelId = "gpt-4o-mini",
            Usage = new UsageDetails { InputTokenCount = 2000, OutputTokenCount = 1, TotalTokenCount = 2001 },
        });

        public int Calls { get; private set; }

        public string? LastText { get; private set; }

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            if (Calls++ == 0)
            {
                LastText = string.Concat(messages.Select(m => m.Text));
            }

            return _answer;
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) =>
            serviceKey is null && serviceType == typeof(ChatClientMetadata) ? s_metadata : null;

        public void Dispose()
        {
        }
    }
}
