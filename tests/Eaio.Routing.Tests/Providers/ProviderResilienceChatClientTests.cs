using System.Runtime.CompilerServices;
using System.Threading.RateLimiting;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

[CancelAfter(10_000)]
public sealed class ProviderResilienceChatClientTests
{
    private static ProviderResilienceOptions Resilience(TimeProvider time, int totalSeconds = 300) => new()
    {
        ProviderName = "test",
        FirstUpdateTimeout = TimeSpan.FromSeconds(Math.Min(10, totalSeconds)),
        TotalTimeout = TimeSpan.FromSeconds(totalSeconds),
        FirstUpdateTimeoutSettingName = "API_TIMEOUT_SEC",
        ConcurrencySettingName = "MAX_CONCURRENT_API",
        RequestsPerMinute = 100,
        ConcurrencyLimiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = 1, QueueLimit = 1 }),
        CircuitMinimumThroughput = 3,
        CircuitBreakDuration = TimeSpan.FromSeconds(30),
        TimeProvider = time,
    };

    /// <summary>An opening update without output, then a stall that ignores the token, as a provider that hangs after message_start.</summary>
    private static async IAsyncEnumerable<ChatResponseUpdate> OpensThenStalls(TaskCompletionSource stalled, Task never, [EnumeratorCancellation] CancellationToken _ = default)
    {
        yield return new ChatResponseUpdate(ChatRole.Assistant, string.Empty);
        stalled.SetResult();
        await never;
        yield return new ChatResponseUpdate(ChatRole.Assistant, "never");
    }

    [Test]
    public async Task Updates_without_output_do_not_satisfy_the_first_update_limit()
    {
        FakeTimeProvider time = new();
        TaskCompletionSource stalled = new(TaskCreationOptions.RunContinuationsAsynchronously);
        TaskCompletionSource never = new();
        IChatClient inner = Substitute.For<IChatClient>();
        inner.GetStreamingResponseAsync(Arg.Any<IEnumerable<ChatMessage>>(), Arg.Any<ChatOptions?>(), Arg.Any<CancellationToken>())
            .Returns(OpensThenStalls(stalled, never.Task));
        using ProviderResilienceChatClient client = new(inner, Resilience(time));

        Task<ChatResponse> consuming = client.GetStreamingResponseAsync("q").ToChatResponseAsync();
        await stalled.Task;
        time.Advance(TimeSpan.FromSeconds(11));

        // WaitAsync keeps a regression from hanging the run; its own TimeoutException would not carry the message below.
        TimeoutException? error = Assert.ThrowsAsync<TimeoutException>(async () => await consuming.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.That(error!.Message, Does.Contain("its first update").And.Contain("API_TIMEOUT_SEC"));
    }

    [Test]
    public async Task After_the_first_output_only_the_total_limit_applies()
    {
        FakeTimeProvider time = new();
        TaskCompletionSource release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        TaskCompletionSource waiting = new(TaskCreationOptions.RunContinuationsAsynchronously);
        IChatClient inner = Substitute.For<IChatClient>();
        inner.GetStreamingResponseAsync(Arg.Any<IEnumerable<ChatMessage>>(), Arg.Any<ChatOptions?>(), Arg.Any<CancellationToken>())
            .Returns(OutputThenWait(waiting, release.Task));
        using ProviderResilienceChatClient client = new(inner, Resilience(time));

        Task<ChatResponse> consuming = client.GetStreamingResponseAsync("q").ToChatResponseAsync();
        await waiting.Task;
        time.Advance(TimeSpan.FromSeconds(60)); // past the first-update limit, inside the total limit
        release.SetResult();

        ChatResponse response = await consuming.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.That(response.Text, Is.EqualTo("Hello world"));
    }

    [Test]
    public async Task A_non_streamed_call_that_does_not_answer_at_once_is_cut_by_its_time_limit_and_counted_against_the_provider()
    {
        FakeTimeProvider time = new();
        ProviderResilienceOptions resilience = Resilience(time, totalSeconds: 5);
        IChatClient inner = Substitute.For<IChatClient>();
        inner.GetResponseAsync(Arg.Any<IEnumerable<ChatMessage>>(), Arg.Any<ChatOptions?>(), Arg.Any<CancellationToken>())
            .Returns(call => Task.Delay(Timeout.Infinite, call.Arg<CancellationToken>()).ContinueWith<ChatResponse>(_ => throw new TaskCanceledException(), TaskScheduler.Default));
        using ProviderResilienceChatClient client = new(inner, resilience);

        for (int i = 0; i < 3; i++)
        {
            Task<ChatResponse> call = client.GetResponseAsync("q");
            time.Advance(TimeSpan.FromSeconds(4));
            Assert.That(call.IsCompleted, Is.False, "inside the time limit of 5 s");
            time.Advance(TimeSpan.FromSeconds(1));
            TimeoutException? error = Assert.ThrowsAsync<TimeoutException>(() => call.WaitAsync(TimeSpan.FromSeconds(5)));
            Assert.That(error!.Message, Does.Contain("a response").And.Contain("5 s"));
        }

        Assert.That(client.CircuitStateProvider.CircuitState, Is.EqualTo(CircuitState.Open), "three time-outs out of three calls within 30 s open the circuit");
    }

    [Test]
    public async Task A_non_streamed_call_arms_its_time_limit_only_when_it_has_to_wait()
    {
        ArmCountingTimeProvider time = new();
        TaskCompletionSource<ChatResponse> later = new(TaskCreationOptions.RunContinuationsAsynchronously);
        ChatResponse ok = new(new ChatMessage(ChatRole.Assistant, "ok"));
        IChatClient inner = Substitute.For<IChatClient>();
        inner.GetResponseAsync(Arg.Any<IEnumerable<ChatMessage>>(), Arg.Any<ChatOptions?>(), Arg.Any<CancellationToken>())
            .Returns(Task.FromResult(ok), later.Task);
        using ProviderResilienceChatClient client = new(inner, Resilience(time));

        Assert.That((await client.GetResponseAsync("q")).Text, Is.EqualTo("ok"));
        Assert.That(time.Armed, Is.Zero, "answered at once: no timer was armed");

        Task<ChatResponse> waiting = client.GetResponseAsync("q");
        Assert.That(time.Armed, Is.EqualTo(1), "an answer that is not there yet arms the time limit");
        later.SetResult(ok);
        Assert.That((await waiting).Text, Is.EqualTo("ok"));
    }

    [Test]
    public void A_client_that_cancels_on_its_own_counts_as_a_timed_out_failure()
    {
        FakeTimeProvider time = new();
        ProviderResilienceOptions resilience = Resilience(time);
        IChatClient inner = Substitute.For<IChatClient>();
        inner.GetResponseAsync(Arg.Any<IEnumerable<ChatMessage>>(), Arg.Any<ChatOptions?>(), Arg.Any<CancellationToken>())
            .Returns(Task.FromException<ChatResponse>(new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout")));
        using ProviderResilienceChatClient client = new(inner, resilience);

        for (int i = 0; i < 3; i++)
        {
            TimeoutException? error = Assert.ThrowsAsync<TimeoutException>(() => client.GetResponseAsync("q"));
            Assert.That(error!.Message, Does.Contain("its client's time-out"));
        }

        Assert.That(client.CircuitStateProvider.CircuitState, Is.EqualTo(CircuitState.Open), "the SDK's own time-outs count against the provider");
    }

    [Test]
    public void A_stream_whose_client_throws_before_it_starts_counts_as_a_failure()
    {
        FakeTimeProvider time = new();
        ProviderResilienceOptions resilience = Resilience(time);
        IChatClient inner = Substitute.For<IChatClient>();
        inner.GetStreamingResponseAsync(Arg.Any<IEnumerable<ChatMessage>>(), Arg.Any<ChatOptions?>(), Arg.Any<CancellationToken>())
            .Returns(_ => throw new HttpRequestException("connection refused"));
        using ProviderResilienceChatClient client = new(inner, resilience);

        for (int i = 0; i < 3; i++)
        {
            Assert.ThrowsAsync<HttpRequestException>(() => client.GetStreamingResponseAsync("q").ToChatResponseAsync());
        }

        Assert.That(client.CircuitStateProvider.CircuitState, Is.EqualTo(CircuitState.Open));
    }

    /// <summary>A fake clock that counts how often a timer is armed with a finite due time.</summary>
    private sealed class ArmCountingTimeProvider : TimeProvider
    {
        public FakeTimeProvider Fake { get; } = new();

        public int Armed { get; private set; }

        public override DateTimeOffset GetUtcNow() => Fake.GetUtcNow();

        public override long GetTimestamp() => Fake.GetTimestamp();

        public override long TimestampFrequency => Fake.TimestampFrequency;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            Count(dueTime);
            return new CountingTimer(this, Fake.CreateTimer(callback, state, dueTime, period));
        }

        private void Count(TimeSpan dueTime)
        {
            if (dueTime != Timeout.InfiniteTimeSpan)
            {
                Armed++;
            }
        }

        private sealed class CountingTimer(ArmCountingTimeProvider owner, ITimer inner) : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period)
            {
                owner.Count(dueTime);
                return inner.Change(dueTime, period);
            }

            public void Dispose() => inner.Dispose();

            public ValueTask DisposeAsync() => inner.DisposeAsync();
        }
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> OutputThenWait(TaskCompletionSource waiting, Task release, [EnumeratorCancellation] CancellationToken _ = default)
    {
        yield return new ChatResponseUpdate(ChatRole.Assistant, "Hello");
        waiting.SetResult();
        await release;
        yield return new ChatResponseUpdate(ChatRole.Assistant, " world") { FinishReason = ChatFinishReason.Stop };
    }
}
