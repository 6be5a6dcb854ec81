using Microsoft.Extensions.AI;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>Provider health against a loopback Ollama that is down, up, and up without the default model; and the router planning with it.</summary>
[CancelAfter(30_000)]
public sealed class ProviderHealthTests
{
    private static readonly ChatMessage[] s_question = [new(ChatRole.User, "What is a kWh?")];
    private readonly HttpClient _http = new();

    [OneTimeTearDown]
    public void DisposeShared() => _http.Dispose();

    [Test]
    public async Task Ollama_up_with_its_default_model_is_healthy_and_lists_its_models()
    {
        await using LoopbackOllamaServer ollama = await LoopbackOllamaServer.StartAsync(["llama3.2:3b", "qwen2.5:7b"]);
        using ProviderHealthMonitor monitor = Monitor(Options(ollama.BaseUri));

        ProviderHealth health = (await monitor.RefreshAsync()).Single(h => h.Provider == EaioProviders.Ollama);

        Assert.That(health.Status, Is.EqualTo(HealthStatus.Healthy), health.Description);
        Assert.That(health.Models, Is.EqualTo(new[] { "llama3.2:3b", "qwen2.5:7b" }));
        Assert.That(ollama.Requests.Select(r => r.Path), Does.Contain("/api/tags"));
    }

    [Test]
    public async Task Ollama_up_without_its_default_model_is_unhealthy_and_says_what_to_pull()
    {
        await using LoopbackOllamaServer ollama = await LoopbackOllamaServer.StartAsync(["qwen2.5:7b"]);
        using ProviderHealthMonitor monitor = Monitor(Options(ollama.BaseUri));

        ProviderHealth health = (await monitor.RefreshAsync()).Single(h => h.Provider == EaioProviders.Ollama);

        Assert.That(health.Status, Is.EqualTo(HealthStatus.Unhealthy));
        Assert.That(health.Description, Does.Contain("ollama pull llama3.2:3b"));
    }

    [Test]
    public async Task Ollama_down_is_unhealthy_and_says_how_to_start_it()
    {
        Uri down = await DownAddressAsync();
        using ProviderHealthMonitor monitor = Monitor(Options(down));

        ProviderHealth health = (await monitor.RefreshAsync()).Single(h => h.Provider == EaioProviders.Ollama);

        Assert.That(health.Status, Is.EqualTo(HealthStatus.Unhealthy));
        Assert.That(health.Description, Does.Contain("not reachable").And.Contain("ollama serve"));
    }

    [Test]
    public async Task Callers_that_find_no_snapshot_share_one_check_and_a_disposed_monitor_starts_none()
    {
        await using LoopbackOllamaServer ollama = await LoopbackOllamaServer.StartAsync(["llama3.2:3b"]);
        ProviderHealthMonitor monitor = Monitor(Options(ollama.BaseUri));

        // What a health probe does: one check per provider, all at once, before any snapshot exists.
        IReadOnlyList<ProviderHealth>[] answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => monitor.GetHealthAsync()));

        Assert.That(answers.Select(a => a.Single(h => h.Provider == EaioProviders.Ollama).Status), Is.All.EqualTo(HealthStatus.Healthy));
        Assert.That(ollama.Requests.Count(r => r.Path == "/api/tags"), Is.EqualTo(1), "eight callers, one request to Ollama");

        using MemoryCache empty = new(new MemoryCacheOptions());
        ProviderHealthMonitor disposed = new(Options(ollama.BaseUri), _http, empty, refreshInterval: Timeout.InfiniteTimeSpan);
        disposed.Dispose();
        Assert.That(disposed.Current, Is.Null);
        await Task.Delay(200);
        Assert.That(ollama.Requests.Count(r => r.Path == "/api/tags"), Is.EqualTo(1), "a disposed monitor checks nothing");
        monitor.Dispose();
    }

    [Test]
    public async Task Ollama_going_down_and_coming_back_is_logged_once_per_change()
    {
        await using LoopbackOllamaServer ollama = await LoopbackOllamaServer.StartAsync(["llama3.2:3b"]);
        EaioHybridChatOptions options = Options(await DownAddressAsync());
        FakeLogger<ProviderHealthMonitor> logger = new();
        using ProviderHealthMonitor monitor = new(options, _http, new MemoryCache(new MemoryCacheOptions()), logger: logger, refreshInterval: Timeout.InfiniteTimeSpan);

        for (int i = 0; i < 3; i++)
        {
            await monitor.RefreshAsync();
        }

        options.Ollama.BaseUrl = ollama.BaseUri; // Ollama started
        await monitor.RefreshAsync();
        await monitor.RefreshAsync();
        ollama.Models = ["qwen2.5:7b"]; // its default model removed
        await monitor.RefreshAsync();
        await monitor.RefreshAsync();

        FakeLogRecord[] records = [.. logger.Collector.GetSnapshot()];
        string all = string.Join('\n', records.Select(r => $"{r.Level}: {r.Message}"));
        Assert.That(records.Select(r => r.Level), Is.EqualTo(new[] { LogLevel.Warning, LogLevel.Information, LogLevel.Warning }), all);
        Assert.That(records[0].Message, Does.Contain("not reachable").And.Contain("ollama serve"), all);
        Assert.That(records[1].Message, Does.Contain(ollama.BaseUri.ToString()), all);
        Assert.That(records[2].Message, Does.Contain("ollama pull llama3.2:3b"), all);
    }

    [Test]
    public async Task External_providers_are_healthy_only_with_a_key()
    {
        EaioHybridChatOptions options = Options(await DownAddressAsync());
        options.OpenAI.ApiKey = "sk-test";
        using ProviderHealthMonitor monitor = Monitor(options);

        IReadOnlyList<ProviderHealth> snapshot = await monitor.RefreshAsync();

        Assert.That(snapshot.Single(h => h.Provider == EaioProviders.OpenAI).Status, Is.EqualTo(HealthStatus.Healthy));
        ProviderHealth deepSeek = snapshot.Single(h => h.Provider == EaioProviders.DeepSeek);
        Assert.That(deepSeek.Status, Is.EqualTo(HealthStatus.Unhealthy));
        Assert.That(deepSeek.Description, Does.Contain("DEEPSEEK_API_KEY is not set"));
    }

    [Test]
    public async Task The_router_plans_with_the_snapshot_an_unhealthy_Ollama_is_out_with_the_reason()
    {
        await using LoopbackOllamaServer ollama = await LoopbackOllamaServer.StartAsync(["qwen2.5:7b"]);
        EaioHybridChatOptions options = Options(ollama.BaseUri);
        using ProviderHealthMonitor monitor = Monitor(options);
        using IChatClient local = new OllamaSharp.OllamaApiClient(new HttpClient { BaseAddress = ollama.BaseUri });
        using HybridRouterChatClient router = TestRouter.Create(options, new Dictionary<string, IChatClient> { [EaioProviders.Ollama] = local }, health: monitor);
        ChatOptions chat = new ChatOptions().WithEaio(p => p.Privacy = PrivacyLevel.Private);

        Assert.That(router.Explain(s_question, chat).Routes.Select(r => r.Provider), Does.Contain(EaioProviders.Ollama), "unknown health is not unhealthy");

        await monitor.RefreshAsync();
        RoutePlan plan = router.Explain(s_question, chat);
        Assert.That(plan.IsEmpty, Is.True);
        Assert.That(plan.Exclusions.Single(e => e.Provider == EaioProviders.Ollama).Reason, Does.Contain("ollama pull llama3.2:3b"));
        NoRouteAvailableException? error = Assert.ThrowsAsync<NoRouteAvailableException>(() => router.GetResponseAsync(s_question, chat));
        Assert.That(error!.Message, Does.Contain("ollama pull llama3.2:3b"));
        Assert.That(ollama.ChatRequestCount, Is.Zero, "an unhealthy Ollama is not called");

        ollama.Models = ["llama3.2:3b"];
        await monitor.RefreshAsync();
        Assert.That(router.Explain(s_question, chat).Routes.Select(r => r.Provider), Is.EqualTo(new[] { EaioProviders.Ollama }));
        IReadOnlyList<ProviderHealth> health = await monitor.GetHealthAsync();
        Assert.That(health.Single(h => h.Provider == EaioProviders.Ollama).Circuit, Is.EqualTo("closed"), "the router's circuit state is in the report");
    }

    [Test]
    public async Task The_snapshot_is_refreshed_in_the_background_on_the_timer()
    {
        await using LoopbackOllamaServer ollama = await LoopbackOllamaServer.StartAsync(["qwen2.5:7b"]);
        FakeTimeProvider time = new(DateTimeOffset.Parse("2026-11-24T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        using ProviderHealthMonitor monitor = new(Options(ollama.BaseUri), _http, new MemoryCache(new MemoryCacheOptions()), time,
            refreshInterval: TimeSpan.FromSeconds(30), checkTimeout: TimeSpan.FromMinutes(5));

        // The timer's first tick, at construction, started the first check: waiting for it leaves nothing in flight.
        await monitor.GetHealthAsync();
        Assert.That(OllamaStatus(monitor), Is.EqualTo(HealthStatus.Unhealthy));

        ollama.Models = ["llama3.2:3b"];
        Assert.That(OllamaStatus(monitor), Is.EqualTo(HealthStatus.Unhealthy), "the cached snapshot is served until the next refresh");
        Task<IReadOnlyList<ProviderHealth>>? first = monitor.LastChecks;
        time.Advance(TimeSpan.FromSeconds(29));
        Assert.That(monitor.LastChecks, Is.SameAs(first), "no check before the interval is up");

        time.Advance(TimeSpan.FromSeconds(1));
        await monitor.LastChecks!;

        Assert.That(OllamaStatus(monitor), Is.EqualTo(HealthStatus.Healthy));
        Assert.That(ollama.Requests.Count(r => r.Path == "/api/tags"), Is.EqualTo(2));
    }

    [Test]
    public async Task A_timer_tick_during_a_check_is_followed_by_a_check_that_starts_after_it()
    {
        await using LoopbackOllamaServer ollama = await LoopbackOllamaServer.StartAsync(["qwen2.5:7b"]);
        TaskCompletionSource arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
        TaskCompletionSource release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        ollama.HoldTags = () =>
        {
            arrived.TrySetResult();
            return release.Task;
        };
        FakeTimeProvider time = new(DateTimeOffset.Parse("2026-11-24T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

        // A check timeout longer than the interval, so advancing the fake clock does not cancel the check held in flight.
        using ProviderHealthMonitor monitor = new(Options(ollama.BaseUri), _http, new MemoryCache(new MemoryCacheOptions()), time,
            refreshInterval: TimeSpan.FromSeconds(30), checkTimeout: TimeSpan.FromMinutes(5));

        // The check the timer started at construction has read the model list (no default model) and waits to answer.
        await arrived.Task;
        ollama.HoldTags = null;
        ollama.Models = ["llama3.2:3b"];
        time.Advance(TimeSpan.FromSeconds(30));
        release.SetResult();

        // No snapshot yet: this waits for the checks in flight, which must include one that started after the tick.
        IReadOnlyList<ProviderHealth> health = await monitor.GetHealthAsync();

        Assert.That(health.Single(h => h.Provider == EaioProviders.Ollama).Status, Is.EqualTo(HealthStatus.Healthy), "the tick saw the model pulled before it");
        Assert.That(ollama.Requests.Count(r => r.Path == "/api/tags"), Is.EqualTo(2));
    }

    [Test]
    public async Task AddEaioHealthChecks_registers_a_check_per_usable_provider_and_the_router_uses_the_monitor()
    {
        Uri down = await DownAddressAsync();
        string data = Path.Combine(TestDataDirectory.Path, "health-" + Guid.NewGuid().ToString("N"));
        ServiceCollection services = new();
        services.AddEaioHybridChat(o =>
        {
            o.Ollama.BaseUrl = down;
            o.OpenAI.ApiKey = "sk-test";
            o.DataDirectory = data;
        });
        services.AddHealthChecks().AddEaioHealthChecks();
        await using ServiceProvider provider = services.BuildServiceProvider();

        HealthReport report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        Assert.That(report.Entries.Keys, Is.EquivalentTo(new[] { "eaio-ollama", "eaio-openai" }), "providers without a key have no check");
        Assert.That(report.Entries["eaio-ollama"].Status, Is.EqualTo(HealthStatus.Unhealthy));
        Assert.That(report.Entries["eaio-ollama"].Description, Does.Contain("not reachable"));
        Assert.That(report.Entries["eaio-openai"].Status, Is.EqualTo(HealthStatus.Healthy));
        Assert.That(report.Status, Is.EqualTo(HealthStatus.Unhealthy));

        HybridRouterChatClient router = provider.GetRequiredService<IChatClient>().GetService<HybridRouterChatClient>()!;
        Assert.That(report.Entries["eaio-openai"].Data["circuit"], Is.EqualTo("closed"));
        RoutePlan plan = router.Explain(s_question, new ChatOptions().WithEaio(p => p.Privacy = PrivacyLevel.Public));
        Assert.That(plan.Routes.Select(r => r.Provider), Is.EqualTo(new[] { EaioProviders.OpenAI }));
        Assert.That(plan.Exclusions.Single(e => e.Provider == EaioProviders.Ollama).Reason, Does.Contain("not reachable"));
    }

    [Test]
    public async Task A_provider_whose_circuit_opened_is_degraded_with_the_reason()
    {
        await using RouterHarness h = await RouterHarness.StartAsync(services: s => s.AddHealthChecks().AddEaioHealthChecks());
        ChatOptions options = RouterHarness.Options(p => { p.Privacy = PrivacyLevel.Public; p.Domain = RequestDomain.General; p.Complexity = 0.9; });
        for (int i = 0; i < 3; i++)
        {
            h.OpenAI.Enqueue(LoopbackReply.Status(500));
            await h.Chat.GetResponseAsync(s_question, options); // fails over to the local model each time
        }

        HealthReport report = await h.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        Assert.That(report.Entries["eaio-openai"].Status, Is.EqualTo(HealthStatus.Degraded));
        Assert.That(report.Entries["eaio-openai"].Description, Does.Contain("circuit open"));
        Assert.That(report.Entries["eaio-openai"].Data["circuit"], Is.EqualTo("open"));
        Assert.That(report.Entries["eaio-ollama"].Status, Is.EqualTo(HealthStatus.Healthy));
    }

    [Test]
    public void AddEaioHealthChecks_without_AddEaioHybridChat_says_what_to_call_first()
    {
        ServiceCollection services = new();
        InvalidOperationException? error = Assert.Throws<InvalidOperationException>(() => services.AddHealthChecks().AddEaioHealthChecks());
        Assert.That(error!.Message, Does.Contain("AddEaioHybridChat"));
    }

    private static HealthStatus? OllamaStatus(ProviderHealthMonitor monitor) =>
        monitor.Current?.Single(h => h.Provider == EaioProviders.Ollama).Status;

    private static EaioHybridChatOptions Options(Uri ollama)
    {
        EaioHybridChatOptions options = new() { DataDirectory = TestDataDirectory.Path };
        options.Ollama.BaseUrl = ollama;
        return options;
    }

    /// <summary>The address of a loopback Ollama that has been stopped: connections to it are refused.</summary>
    private static async Task<Uri> DownAddressAsync()
    {
        LoopbackOllamaServer server = await LoopbackOllamaServer.StartAsync();
        Uri address = server.BaseUri;
        await server.DisposeAsync();
        return address;
    }

    private ProviderHealthMonitor Monitor(EaioHybridChatOptions options) =>
        new(options, _http, new MemoryCache(new MemoryCacheOptions()), refreshInterval: Timeout.InfiniteTimeSpan, checkTimeout: TimeSpan.FromSeconds(5));
}
