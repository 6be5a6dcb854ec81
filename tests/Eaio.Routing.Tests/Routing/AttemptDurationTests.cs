using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>
/// How long each attempt took, as <see cref="RouteAttempt"/> reports it: a non-streamed attempt on the system clock is read
/// from the millisecond tick count, any other clock as it is, and streams with the high-resolution clock.
/// </summary>
[CancelAfter(30_000)]
public sealed class AttemptDurationTests
{
    private static readonly ChatMessage[] s_question = [new(ChatRole.User, "What is a degree day?")];

    private static ChatOptions Private => RouterHarness.Options(p => p.Privacy = PrivacyLevel.Private);

    [Test]
    public async Task A_non_streamed_attempt_on_the_system_clock_lasts_as_long_as_the_call()
    {
        using HybridRouterChatClient router = Router(new DelayedClient(TimeSpan.FromMilliseconds(120)), timeProvider: null);

        ChatResponse response = await router.GetResponseAsync(s_question, Private);

        TimeSpan duration = response.GetRouteDecision()!.Attempts[0].Duration;
        // The tick count's step is at most 16 ms (Windows); Linux's is 1 to 4.
        Assert.That(duration, Is.InRange(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10)));
    }

    [Test]
    public async Task A_failed_attempt_on_the_system_clock_lasts_as_long_as_the_call()
    {
        using HybridRouterChatClient router = Router(new DelayedClient(TimeSpan.FromMilliseconds(120), fail: true), timeProvider: null);

        NoRouteAvailableException? error = Assert.ThrowsAsync<NoRouteAvailableException>(() => router.GetResponseAsync(s_question, Private));

        Assert.That(error!.Attempts[0].Duration, Is.InRange(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10)));
        await Task.CompletedTask;
    }

    [Test]
    public async Task A_non_streamed_attempt_on_a_fake_clock_reads_that_clock()
    {
        FakeTimeProvider time = new();
        using HybridRouterChatClient router = Router(new AdvancingClient(time, TimeSpan.FromMilliseconds(1_234.5)), time);

        ChatResponse response = await router.GetResponseAsync(s_question, Private);

        Assert.That(response.GetRouteDecision()!.Attempts[0].Duration, Is.EqualTo(TimeSpan.FromMilliseconds(1_234.5)));
    }

    [Test]
    public async Task A_streamed_attempt_keeps_the_high_resolution_clock()
    {
        FakeTimeProvider time = new();
        using HybridRouterChatClient router = Router(new AdvancingClient(time, TimeSpan.FromTicks(12_345)), time);

        ChatResponse response = await router.GetStreamingResponseAsync(s_question, Private).ToChatResponseAsync();

        RouteAttempt attempt = response.GetRouteDecision()!.Attempts[0];
        Assert.That(attempt.Duration, Is.EqualTo(TimeSpan.FromTicks(12_345)));
        Assert.That(attempt.TimeToFirstUpdate, Is.EqualTo(TimeSpan.FromTicks(12_345)));
    }

    [Test]
    public void The_tick_count_clock_measures_a_sleep()
    {
        AttemptClock clock = new(TimeProvider.System);
        long started = clock.Now();
        Thread.Sleep(60);
        Assert.That(clock.Since(started), Is.InRange(TimeSpan.FromMilliseconds(40), TimeSpan.FromSeconds(10)));
    }

    private static HybridRouterChatClient Router(IChatClient ollama, TimeProvider? timeProvider)
    {
        EaioHybridChatOptions options = new();
        return new HybridRouterChatClient(options, new Dictionary<string, IChatClient> { [EaioProviders.Ollama] = ollama }, timeProvider);
    }

    /// <summary>Answers (or fails) after a real delay.</summary>
    private sealed class DelayedClient(TimeSpan delay, bool fail = false) : IChatClient
    {
        public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            await Task.Delay(delay, cancellationToken);
            return fail ? throw new HttpRequestException("refused") : new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok"));
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }

    /// <summary>Moves a fake clock on by a set time while it answers, at once (the router's synchronous path) or as a stream.</summary>
    private sealed class AdvancingClient(FakeTimeProvider time, TimeSpan by) : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            time.Advance(by);
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok")));
        }

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            time.Advance(by);
            yield return new ChatResponseUpdate(ChatRole.Assistant, "ok");
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
