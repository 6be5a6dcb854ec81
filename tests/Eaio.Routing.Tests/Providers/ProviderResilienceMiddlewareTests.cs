using System.ClientModel;
using System.Threading.RateLimiting;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>
/// <see cref="ProviderResilienceChatClient"/> on its own, built with <see cref="ChatClientBuilder"/> around the real OpenAI
/// SDK client talking to a loopback server: what a host composing its own pipeline gets.
/// </summary>
[CancelAfter(30_000)]
public sealed class ProviderResilienceMiddlewareTests
{
    private static (ChatOptions Options, RouteCallContext Context) WithContext()
    {
        RouteCallContext context = new("openai", ProviderTier.External);
        return (new ChatOptions { AdditionalProperties = new() { [RouteCallContext.PropertyKey] = context } }, context);
    }

    [Test]
    public async Task The_first_update_limit_bounds_a_whole_non_streamed_call_and_names_its_setting()
    {
        await using LoopbackOpenAIServer server = await LoopbackOpenAIServer.StartAsync();
        server.Enqueue(LoopbackReply.Delay(TimeSpan.FromSeconds(10), LoopbackReply.Text("late", 3, 1)));
        using IChatClient client = new ChatClientBuilder(server.CreateSdkChatClient())
            .UseProviderResilience(new ProviderResilienceOptions
            {
                FirstUpdateTimeout = TimeSpan.FromMilliseconds(300),
                FirstUpdateTimeoutSettingName = "API_TIMEOUT_SEC",
                TotalTimeout = TimeSpan.FromSeconds(8),
                TotalTimeoutSettingName = "API_TOTAL_TIMEOUT_SEC",
            })
            .Build();

        System.Diagnostics.Stopwatch clock = System.Diagnostics.Stopwatch.StartNew();
        TimeoutException? error = Assert.ThrowsAsync<TimeoutException>(() => client.GetResponseAsync("q"));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)), "cut at API_TIMEOUT_SEC, not at the total limit of 8 s");
        Assert.That(error!.Message, Does.Contain("a response").And.Contain("0.3 s").And.Contain("API_TIMEOUT_SEC"));
        Assert.That(ProviderResilienceChatClient.WasNotSent(error), Is.False, "the request was sent: it may have been billed");
    }

    [Test]
    public async Task A_stream_that_stalls_after_its_first_output_is_cut_by_the_total_limit_named_by_property_by_default()
    {
        await using LoopbackOpenAIServer server = await LoopbackOpenAIServer.StartAsync();
        server.Enqueue(LoopbackReply.DelayAfterFirstChunk(TimeSpan.FromSeconds(10), "Hello there world", 3, 3));
        using IChatClient client = new ChatClientBuilder(server.CreateSdkChatClient())
            .UseProviderResilience(new ProviderResilienceOptions { FirstUpdateTimeout = TimeSpan.FromMilliseconds(200), TotalTimeout = TimeSpan.FromMilliseconds(400) })
            .Build();

        List<ChatResponseUpdate> received = [];
        TimeoutException? error = Assert.ThrowsAsync<TimeoutException>(async () =>
        {
            await foreach (ChatResponseUpdate update in client.GetStreamingResponseAsync("q"))
            {
                received.Add(update);
            }
        });

        Assert.That(error!.Message, Does.Contain("the rest of its stream").And.Contain("TotalTimeout"));
        Assert.That(received.ToChatResponse().Text, Is.EqualTo("Hello"), "the first chunk was passed on before the stall");
    }

    [Test]
    public async Task A_stream_cut_before_its_final_chunk_fails_as_incomplete_after_the_provider_answered()
    {
        await using LoopbackOpenAIServer server = await LoopbackOpenAIServer.StartAsync();
        server.Enqueue(LoopbackReply.CutStreamBeforeFinal("Half an answer"));
        using IChatClient client = new ChatClientBuilder(server.CreateSdkChatClient())
            .UseProviderResilience(new ProviderResilienceOptions { ProviderName = "openai-eu" })
            .Build();
        (ChatOptions options, RouteCallContext context) = WithContext();

        IncompleteStreamException? error = Assert.ThrowsAsync<IncompleteStreamException>(() => client.GetStreamingResponseAsync("q", options).ToChatResponseAsync());
        Assert.That(error!.Provider, Is.EqualTo("openai-eu"));
        Assert.That(error.UpdatesReceived, Is.GreaterThan(0));
        Assert.That(context.ProviderAnswered, Is.True, "updates arrived: the call is served and must not be sent again");
    }

    [Test]
    public async Task Repeated_500s_open_the_circuit_with_a_reason_then_it_half_opens_after_the_break_and_a_good_trial_closes_it()
    {
        await using LoopbackOpenAIServer server = await LoopbackOpenAIServer.StartAsync();
        server.Enqueue(LoopbackReply.Status(500), LoopbackReply.Status(500), LoopbackReply.Status(500));
        FakeTimeProvider time = new(); // starts 2000-01-01; from the service provider, since the options name no clock
        await using ServiceProvider services = new ServiceCollection().AddSingleton<TimeProvider>(time).BuildServiceProvider();
        ProviderCircuitStateProvider circuit = new();
        using IChatClient client = new ChatClientBuilder(server.CreateSdkChatClient())
            .UseProviderResilience(new ProviderResilienceOptions { CircuitMinimumThroughput = 3, CircuitBreakDuration = TimeSpan.FromSeconds(30), CircuitStateProvider = circuit })
            .Build(services);

        Assert.That(client.GetService<ProviderCircuitStateProvider>(), Is.SameAs(circuit), "a host or a start-up check finds it in the pipeline");
        for (int i = 0; i < 3; i++)
        {
            Assert.ThrowsAsync<ClientResultException>(() => client.GetResponseAsync("q"));
        }

        Assert.That(circuit.CircuitState, Is.EqualTo(CircuitState.Open));
        Assert.That(circuit.UnavailableReason, Does.Contain("circuit open").And.Contain("3 of 3 calls").And.Contain("ClientResultException").And.Contain("until 2000-01-01 00:00:30Z"));
        ProviderUnavailableException? refused = Assert.ThrowsAsync<ProviderUnavailableException>(() => client.GetResponseAsync("q"));
        Assert.That(refused!.Reason, Does.Contain("circuit open"));
        Assert.That(server.Requests, Has.Count.EqualTo(3), "an open circuit sends nothing");

        time.Advance(TimeSpan.FromSeconds(31));
        Assert.That(circuit.UnavailableReason, Is.Null, "the break is over: the next call is let through as the trial");
        server.Enqueue(LoopbackReply.Delay(TimeSpan.FromMilliseconds(500), LoopbackReply.Text("back", 3, 1)));
        Task<ChatResponse> trial = client.GetResponseAsync("q");
        Assert.That(circuit.CircuitState, Is.EqualTo(CircuitState.HalfOpen));
        ProviderUnavailableException? second = Assert.ThrowsAsync<ProviderUnavailableException>(() => client.GetResponseAsync("q"));
        Assert.That(second!.Reason, Does.Contain("half-open"), "one trial at a time");

        Assert.That((await trial).Text, Is.EqualTo("back"));
        Assert.That(circuit.CircuitState, Is.EqualTo(CircuitState.Closed));
    }

    [Test]
    public async Task A_host_can_isolate_and_reset_the_circuit_by_hand()
    {
        await using LoopbackOpenAIServer server = await LoopbackOpenAIServer.StartAsync();
        ProviderCircuitStateProvider circuit = new();
        Assert.Throws<InvalidOperationException>(() => circuit.Isolate(), "not bound to a client yet");
        using IChatClient client = new ChatClientBuilder(server.CreateSdkChatClient()).UseProviderResilience(new ProviderResilienceOptions { CircuitStateProvider = circuit }).Build();

        circuit.Isolate("maintenance window");
        Assert.That(circuit.CircuitState, Is.EqualTo(CircuitState.Isolated));
        ProviderUnavailableException? refused = Assert.ThrowsAsync<ProviderUnavailableException>(() => client.GetResponseAsync("q"));
        Assert.That(refused!.Reason, Does.Contain("isolated").And.Contain("maintenance window"));
        Assert.That(server.Requests, Is.Empty);

        circuit.Reset();
        Assert.That(circuit.UnavailableReason, Is.Null);
        Assert.That((await client.GetResponseAsync("q")).Text, Is.Not.Empty);
    }

    [Test]
    public async Task ProviderAnswered_is_set_on_a_response_and_on_the_first_streamed_update_and_not_on_a_failure()
    {
        await using LoopbackOpenAIServer server = await LoopbackOpenAIServer.StartAsync();
        using IChatClient client = new ChatClientBuilder(server.CreateSdkChatClient()).UseProviderResilience().Build();

        (ChatOptions whole, RouteCallContext wholeContext) = WithContext();
        await client.GetResponseAsync("q", whole);
        Assert.That(wholeContext.ProviderAnswered, Is.True);

        (ChatOptions streamed, RouteCallContext streamedContext) = WithContext();
        bool? atFirstUpdate = null;
        await foreach (ChatResponseUpdate update in client.GetStreamingResponseAsync("q", streamed))
        {
            atFirstUpdate ??= streamedContext.ProviderAnswered;
        }

        Assert.That(atFirstUpdate, Is.True, "set before the first update is passed on");

        server.Enqueue(LoopbackReply.Status(500), LoopbackReply.Status(429));
        (ChatOptions failing, RouteCallContext failingContext) = WithContext();
        Assert.ThrowsAsync<ClientResultException>(() => client.GetResponseAsync("q", failing));
        Assert.ThrowsAsync<ClientResultException>(() => client.GetStreamingResponseAsync("q", failing).ToChatResponseAsync());
        Assert.That(failingContext.ProviderAnswered, Is.False);
        Assert.That(RouteCallContext.Get(null), Is.Null, "and a call without a context gets none added");
    }

    [Test]
    public async Task A_call_that_waits_in_vain_for_a_shared_slot_was_not_sent_and_the_host_keeps_its_limiter()
    {
        await using LoopbackOpenAIServer server = await LoopbackOpenAIServer.StartAsync();
        server.Enqueue(LoopbackReply.Delay(TimeSpan.FromSeconds(1), LoopbackReply.Text("slow", 3, 1)));
        using ConcurrencyLimiter shared = new(new ConcurrencyLimiterOptions { PermitLimit = 1, QueueLimit = 1 });
        ProviderResilienceOptions options = new()
        {
            FirstUpdateTimeout = TimeSpan.FromMilliseconds(200),
            ConcurrencyLimiter = shared,
            ConcurrencySettingName = "MAX_CONCURRENT_API",
            FirstUpdateTimeoutSettingName = "API_TIMEOUT_SEC",
        };
        IChatClient client = new ChatClientBuilder(server.CreateSdkChatClient()).UseProviderResilience(options).Build();

        // Another provider of the same tier holds the one slot for a second (its own limit is longer).
        using IChatClient holder = new ChatClientBuilder(server.CreateSdkChatClient())
            .UseProviderResilience(new ProviderResilienceOptions { FirstUpdateTimeout = TimeSpan.FromSeconds(5), ConcurrencyLimiter = shared })
            .Build();
        Task<ChatResponse> holding = holder.GetResponseAsync("q");
        TimeoutException? waited = Assert.ThrowsAsync<TimeoutException>(() => client.GetResponseAsync("q"));
        Assert.That(waited!.Message, Does.Contain("a free slot (MAX_CONCURRENT_API)").And.Contain("API_TIMEOUT_SEC"));
        Assert.That(ProviderResilienceChatClient.WasNotSent(waited), Is.True);
        Assert.That((await holding).Text, Is.EqualTo("slow"));
        Assert.That(server.Requests, Has.Count.EqualTo(1));

        client.Dispose();
        using RateLimitLease lease = shared.AttemptAcquire();
        Assert.That(lease.IsAcquired, Is.True, "a limiter passed in is the host's: the client does not dispose it");
    }

    [Test]
    public async Task The_request_rate_limit_refuses_a_call_over_it_before_sending()
    {
        await using LoopbackOpenAIServer server = await LoopbackOpenAIServer.StartAsync();
        ProviderResilienceChatClient? created = null;
        using IChatClient client = new ChatClientBuilder(server.CreateSdkChatClient())
            .UseProviderResilience(new ProviderResilienceOptions { RequestsPerMinute = 1 }, c => created = c)
            .Build();

        await client.GetResponseAsync("q");
        ProviderUnavailableException? refused = Assert.ThrowsAsync<ProviderUnavailableException>(() => client.GetResponseAsync("q"));
        Assert.That(refused!.Reason, Does.Contain("1 requests per minute").And.Contain("RequestsPerMinute"));
        Assert.That(server.Requests, Has.Count.EqualTo(1));
        Assert.That(created, Is.SameAs(client), "configure gets the client the builder returns");
        Assert.That(created!.ProviderName, Is.EqualTo("openai"), "named after the SDK client's metadata when the options name none");
    }

    [TestCase(nameof(ProviderResilienceOptions.FirstUpdateTimeout), "greater than zero and at most 24 days")]
    [TestCase(nameof(ProviderResilienceOptions.TotalTimeout), "greater than zero and at most 24 days")]
    [TestCase(nameof(ProviderResilienceOptions.RequestsPerMinute), "a whole number of 1 or more, or null for no limit")]
    [TestCase(nameof(ProviderResilienceOptions.CircuitMinimumThroughput), "a whole number of 2 or more")]
    [TestCase(nameof(ProviderResilienceOptions.CircuitBreakDuration), "at least 0.5 seconds and at most 1 day")]
    public void An_option_out_of_range_is_refused_naming_the_property_and_its_range(string property, string range)
    {
        ProviderResilienceOptions options = new();
        ArgumentOutOfRangeException? error = Assert.Throws<ArgumentOutOfRangeException>(() =>
        {
            switch (property)
            {
                case nameof(ProviderResilienceOptions.FirstUpdateTimeout): options.FirstUpdateTimeout = TimeSpan.Zero; break;
                case nameof(ProviderResilienceOptions.TotalTimeout): options.TotalTimeout = TimeSpan.FromDays(30); break;
                case nameof(ProviderResilienceOptions.RequestsPerMinute): options.RequestsPerMinute = 0; break;
                case nameof(ProviderResilienceOptions.CircuitMinimumThroughput): options.CircuitMinimumThroughput = 1; break;
                default: options.CircuitBreakDuration = TimeSpan.FromMilliseconds(100); break;
            }
        });

        Assert.That(error!.ParamName, Is.EqualTo(property));
        Assert.That(error.Message, Does.Contain($"ProviderResilienceOptions.{property} must be {range}."));
    }

    [Test]
    public void A_total_limit_shorter_than_the_first_update_limit_is_refused_when_the_client_is_built()
    {
        ProviderResilienceOptions options = new()
        {
            FirstUpdateTimeout = TimeSpan.FromSeconds(30),
            TotalTimeout = TimeSpan.FromSeconds(5),
            TotalTimeoutSettingName = "API_TOTAL_TIMEOUT_SEC",
            FirstUpdateTimeoutSettingName = "API_TIMEOUT_SEC",
        };
        ArgumentException? error = Assert.Throws<ArgumentException>(() => new ChatClientBuilder(new NoOpChatClient()).UseProviderResilience(options).Build());
        Assert.That(error!.Message, Does.Contain("TotalTimeout (API_TOTAL_TIMEOUT_SEC) is 5 s").And.Contain("at least FirstUpdateTimeout (API_TIMEOUT_SEC), 30 s"));
    }

    [Test]
    public void A_state_provider_serves_one_client_only()
    {
        ProviderResilienceOptions options = new() { CircuitStateProvider = new ProviderCircuitStateProvider() };
        using ProviderResilienceChatClient first = new(new NoOpChatClient(), options);

        InvalidOperationException? error = Assert.Throws<InvalidOperationException>(() => _ = new ProviderResilienceChatClient(new NoOpChatClient(), options));
        Assert.That(error!.Message, Does.Contain("already used by another ProviderResilienceChatClient"));
    }

    [Test]
    public void The_builder_extension_checks_its_argument() =>
        Assert.Throws<ArgumentNullException>(() => ProviderResilienceChatClientBuilderExtensions.UseProviderResilience(null!));

    /// <summary>A client that is never called, for tests of construction.</summary>
    private sealed class NoOpChatClient : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
