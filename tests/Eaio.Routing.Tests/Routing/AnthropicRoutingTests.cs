using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>
/// The router, wired by <c>AddEaioHybridChat</c> with Anthropic as the only external provider, against loopback Ollama
/// and Anthropic servers: the real Anthropic SDK client over HTTP.
/// </summary>
[CancelAfter(30_000)]
public sealed class AnthropicRoutingTests
{
    private static readonly ChatMessage[] s_question = [new(ChatRole.User, "How do I read an electricity meter?")];

    [TestCase(false)]
    [TestCase(true)]
    public async Task A_public_general_question_goes_to_claude_3_haiku_with_answer_and_usage(bool streaming)
    {
        await using Harness h = await Harness.StartAsync();
        h.Anthropic.Enqueue(LoopbackReply.Text("Read the digits left to right.", 21, 7));

        ChatResponse response = await AskAsync(h, streaming, p => { p.Privacy = PrivacyLevel.Public; p.Complexity = 0.2; });

        RouteDecision decision = response.GetRouteDecision()!;
        LoopbackRequest request = h.Anthropic.Requests.Single();
        Assert.Multiple(() =>
        {
            Assert.That(response.Text, Is.EqualTo("Read the digits left to right."));
            Assert.That(response.Usage?.InputTokenCount, Is.EqualTo(21));
            Assert.That(response.Usage?.OutputTokenCount, Is.EqualTo(7));
            Assert.That(response.Usage?.TotalTokenCount, Is.EqualTo(28));
            Assert.That(response.FinishReason, Is.EqualTo(ChatFinishReason.Stop));
            Assert.That(decision.Provider, Is.EqualTo(EaioProviders.Anthropic));
            Assert.That(decision.Model, Is.EqualTo("claude-3-haiku-20240307"));
            Assert.That(decision.Attempts, Has.Count.EqualTo(1));
            Assert.That(request.Path, Is.EqualTo("/v1/messages"));
            Assert.That(request.Model, Is.EqualTo("claude-3-haiku-20240307"));
            Assert.That(request.Stream, Is.EqualTo(streaming));
            Assert.That(request.Authorization, Is.EqualTo("Bearer test"), "SDK 13.13.0 sends the API key as a bearer token");
            Assert.That(request.Headers["x-stainless-retry-count"], Is.EqualTo("0"));
            Assert.That(request.Headers["x-stainless-timeout"], Is.EqualTo("300"), "the SDK's timeout is API_TOTAL_TIMEOUT_SEC, not its 30 s non-streaming default");
            Assert.That(h.Ollama.ChatRequestCount, Is.Zero);
        });
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task AddEaioAnthropic_before_or_after_AddEaioHybridChat_sends_to_the_loopback_server(bool anthropicFirst)
    {
        await using Harness h = await Harness.StartAsync(anthropicFirst);
        h.Anthropic.Enqueue(LoopbackReply.Text("Either order.", 5, 2));

        ChatResponse response = await AskAsync(h, streaming: false, p => p.Privacy = PrivacyLevel.Public);

        Assert.Multiple(() =>
        {
            Assert.That(response.Text, Is.EqualTo("Either order."));
            Assert.That(response.GetRouteDecision()!.Provider, Is.EqualTo(EaioProviders.Anthropic));
            Assert.That(h.Services.GetKeyedService<IChatClient>(EaioProviders.Anthropic), Is.Not.TypeOf<UnregisteredProviderChatClient>());
            Assert.That(h.Anthropic.ChatRequestCount, Is.EqualTo(1));
        });
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task A_complex_public_question_goes_to_claude_3_5_sonnet(bool streaming)
    {
        await using Harness h = await Harness.StartAsync();
        h.Anthropic.Enqueue(LoopbackReply.Text("A longer analysis.", 40, 12));

        ChatResponse response = await AskAsync(h, streaming, p => { p.Privacy = PrivacyLevel.Public; p.Complexity = 0.9; });

        Assert.Multiple(() =>
        {
            Assert.That(response.Text, Is.EqualTo("A longer analysis."));
            Assert.That(response.Usage?.InputTokenCount, Is.EqualTo(40));
            Assert.That(response.Usage?.OutputTokenCount, Is.EqualTo(12));
            Assert.That(response.GetRouteDecision()!.Provider, Is.EqualTo(EaioProviders.Anthropic));
            Assert.That(response.GetRouteDecision()!.Model, Is.EqualTo("claude-3-5-sonnet-latest"));
            Assert.That(h.Anthropic.Requests.Single().Model, Is.EqualTo("claude-3-5-sonnet-latest"));
        });
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task A_429_from_Anthropic_falls_back_to_local_after_exactly_one_request(bool streaming)
    {
        await using Harness h = await Harness.StartAsync();
        h.Anthropic.Enqueue(LoopbackReply.RateLimited(TimeSpan.FromSeconds(1)));

        ChatResponse response = await AskAsync(h, streaming, p => p.Privacy = PrivacyLevel.Public);

        RouteDecision decision = response.GetRouteDecision()!;
        Assert.Multiple(() =>
        {
            Assert.That(response.Text, Is.EqualTo("Local answer."));
            Assert.That(response.Usage?.InputTokenCount, Is.EqualTo(12));
            Assert.That(decision.Provider, Is.EqualTo(EaioProviders.Ollama));
            Assert.That(decision.Attempts, Has.Count.EqualTo(2));
            Assert.That(decision.Attempts[0].Provider, Is.EqualTo(EaioProviders.Anthropic));
            Assert.That(decision.Attempts[0].Succeeded, Is.False);
            Assert.That(decision.Attempts[0].ErrorType, Is.EqualTo("AnthropicRateLimitException"));
            Assert.That(decision.Attempts[1].Succeeded, Is.True);
            Assert.That(h.Anthropic.ChatRequestCount, Is.EqualTo(1), "no SDK retries: failover is the retry");
            Assert.That(h.Ollama.ChatRequestCount, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task An_error_event_before_any_text_still_falls_back_to_local()
    {
        await using Harness h = await Harness.StartAsync();
        h.Anthropic.Enqueue(LoopbackReply.ErrorLine("Overloaded"));

        ChatResponse response = await AskAsync(h, streaming: true, p => p.Privacy = PrivacyLevel.Public);

        Assert.That(response.Text, Is.EqualTo("Local answer."), "the empty message_start update is held back, not committed");
        Assert.That(response.GetRouteDecision()!.Attempts[0].ErrorType, Is.EqualTo("AnthropicSseException"));
        Assert.That(h.Anthropic.ChatRequestCount, Is.EqualTo(1));
    }

    [Test]
    public async Task A_stream_cut_after_text_is_an_incomplete_stream_for_the_caller()
    {
        await using Harness h = await Harness.StartAsync();
        h.Anthropic.Enqueue(LoopbackReply.CutStreamBeforeFinal("The answer is"));
        List<ChatResponseUpdate> seen = [];

        IncompleteStreamException? error = Assert.ThrowsAsync<IncompleteStreamException>(async () =>
        {
            await foreach (ChatResponseUpdate update in h.Chat.GetStreamingResponseAsync(s_question, Options(p => p.Privacy = PrivacyLevel.Public)))
            {
                seen.Add(update);
            }
        });

        Assert.That(error!.Provider, Is.EqualTo(EaioProviders.Anthropic), "the SDK ends quietly without a FinishReason; the router notices");
        Assert.That(string.Concat(seen.Select(u => u.Text)), Is.EqualTo("The answer is"));
        Assert.That(h.Ollama.ChatRequestCount, Is.Zero, "no failover once output has been passed on");
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task A_private_request_never_reaches_Anthropic(bool streaming)
    {
        await using Harness h = await Harness.StartAsync();

        ChatResponse response = await AskAsync(h, streaming, p => { p.Privacy = PrivacyLevel.Private; p.Complexity = 0.9; });

        Assert.That(response.GetRouteDecision()!.Provider, Is.EqualTo(EaioProviders.Ollama));
        Assert.That(response.Text, Is.EqualTo("Local answer."));
        Assert.That(h.Anthropic.Requests, Is.Empty);
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task A_private_request_whose_local_route_fails_still_never_reaches_Anthropic(bool streaming)
    {
        await using Harness h = await Harness.StartAsync();
        h.Ollama.DefaultReply = LoopbackReply.Status(500);

        NoRouteAvailableException? error = Assert.ThrowsAsync<NoRouteAvailableException>(() => AskAsync(h, streaming, p => p.Privacy = PrivacyLevel.Private));

        Assert.That(error!.Attempts.Single().Provider, Is.EqualTo(EaioProviders.Ollama));
        Assert.That(h.Anthropic.Requests, Is.Empty);
    }

    private static ChatOptions Options(Action<RequestProfile> profile) => new ChatOptions().WithEaio(profile);

    private static Task<ChatResponse> AskAsync(Harness h, bool streaming, Action<RequestProfile> profile) =>
        streaming
            ? h.Chat.GetStreamingResponseAsync(s_question, Options(profile)).ToChatResponseAsync()
            : h.Chat.GetResponseAsync(s_question, Options(profile));

    /// <summary>Loopback Ollama and Anthropic; Anthropic is the only external provider with a key.</summary>
    private sealed class Harness : IAsyncDisposable
    {
        private Harness(LoopbackOllamaServer ollama, LoopbackAnthropicServer anthropic, ServiceProvider services)
        {
            Ollama = ollama;
            Anthropic = anthropic;
            Services = services;
            Chat = services.GetRequiredService<IChatClient>();
        }

        public LoopbackOllamaServer Ollama { get; }

        public LoopbackAnthropicServer Anthropic { get; }

        public ServiceProvider Services { get; }

        public IChatClient Chat { get; }

        /// <summary>Starts the servers and the router; <c>AddEaioAnthropic</c> comes after <c>AddEaioHybridChat</c> unless <paramref name="anthropicFirst"/>.</summary>
        public static async Task<Harness> StartAsync(bool anthropicFirst = false)
        {
            LoopbackOllamaServer ollama = await LoopbackOllamaServer.StartAsync(defaultReply: LoopbackReply.Text("Local answer.", 12, 3));
            LoopbackAnthropicServer anthropic = await LoopbackAnthropicServer.StartAsync(LoopbackReply.Text("Anthropic answer.", 11, 3));
            ServiceCollection collection = new();

            // An in-memory audit log: tests never write into the user's data folder.
            collection.AddSingleton<IAuditLog>(new InMemoryAuditLog());
            if (anthropicFirst)
            {
                collection.AddEaioAnthropic();
            }

            collection.AddEaioHybridChat(o =>
            {
                o.Ollama.BaseUrl = ollama.BaseUri;
                o.Anthropic.ApiKey = "test";
                o.Anthropic.BaseUrl = anthropic.BaseUri;
                o.DataDirectory = TestDataDirectory.Path;
                o.LocalTimeout = TimeSpan.FromSeconds(5);
                o.ApiTimeout = TimeSpan.FromSeconds(5);
            });
            if (!anthropicFirst)
            {
                collection.AddEaioAnthropic();
            }

            return new Harness(ollama, anthropic, collection.BuildServiceProvider());
        }

        public async ValueTask DisposeAsync()
        {
            await Services.DisposeAsync();
            await Ollama.DisposeAsync();
            await Anthropic.DisposeAsync();
        }
    }
}
