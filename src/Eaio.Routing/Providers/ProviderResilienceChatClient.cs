using System.Globalization;
using System.Runtime.CompilerServices;
using System.Threading.RateLimiting;
using Microsoft.Extensions.AI;

namespace Eaio.Routing;

/// <summary>
/// Guards one provider's calls: request rate limit, circuit breaker, tier concurrency limit with a bounded wait, time
/// to first update and total time limits, and a check that a stream ends with its final chunk.
/// </summary>
/// <remarks>
/// The concurrency wait counts against the first-update time limit, so the time before the router can fall back is
/// bounded by that one limit, whatever the queue. The provider SDKs' own retries are off, so there is no retries x timeout.
/// </remarks>
internal sealed class ProviderResilienceChatClient : DelegatingChatClient
{
    private readonly ProviderResilience _r;

    public ProviderResilienceChatClient(IChatClient innerClient, ProviderResilience resilience)
        : base(innerClient)
    {
        _r = resilience;
    }

    public override Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        RespondAsync(messages, options, cancellationToken).AsTask();

    /// <summary>The non-streamed call as a <see cref="ValueTask{TResult}"/>, so that the router's await of a call that
    /// completes at once allocates no task.</summary>
    internal async ValueTask<ChatResponse> RespondAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
    {
        using RateLimitLease rate = AcquireRate();
        ThrowIfCircuitOpen();

        // One timer per call: the wait for a slot is bounded like a first update, then the call by the total limit.
        // When a slot is free at once there is no wait, so the timer is armed once, with the total limit.
        long started = _r.Time.GetTimestamp();
        RateLimitLease slot = _r.Concurrency.AttemptAcquire();
        CancellationTokenSource timeout = _r.Timeouts.Rent(slot.IsAcquired ? _r.TotalTimeout : _r.FirstUpdateTimeout);
        try
        {
            using CancellationTokenRegistration link = Link(timeout, cancellationToken);
            if (!slot.IsAcquired)
            {
                slot.Dispose();
                slot = await WaitForSlotAsync(timeout, cancellationToken).ConfigureAwait(false);
                RearmForTotal(timeout, started);
            }

            using (slot)
            {
                return await _r.Circuit.ExecuteAsync(
                    static (c, token) => c.Owner.RunAsync(c, token),
                    new Call(InnerClient, messages, options, this, timeout, cancellationToken),
                    timeout.Token).ConfigureAwait(false);
            }
        }
        finally
        {
            _r.Timeouts.Return(timeout);
        }
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using RateLimitLease rate = AcquireRate();
        ThrowIfCircuitOpen();

        long started = _r.Time.GetTimestamp();
        using CancellationTokenSource timeout = new(_r.FirstUpdateTimeout, _r.Time);
        using CancellationTokenRegistration link = Link(timeout, cancellationToken);
        using RateLimitLease slot = await AcquireSlotAsync(timeout, cancellationToken).ConfigureAwait(false);
        ProviderCircuitBreaker.Call call = _r.Circuit.Begin();

        Exception? failure = null;
        int received = 0;
        bool output = false;
        bool finished = false;
        IAsyncEnumerator<ChatResponseUpdate>? updates = null;
        Task<bool>? pending = null;
        try
        {
            updates = base.GetStreamingResponseAsync(messages, options, timeout.Token).GetAsyncEnumerator(timeout.Token);
            while (true)
            {
                try
                {
                    // OllamaSharp reads lines without the token, so a stalled stream would outlive every limit: race the read against it.
                    ValueTask<bool> move = updates.MoveNextAsync();
                    bool more;
                    if (move.IsCompletedSuccessfully)
                    {
                        more = move.Result;
                    }
                    else
                    {
                        pending = move.AsTask();
                        more = await pending.WaitAsync(timeout.Token).ConfigureAwait(false);
                        pending = null;
                    }

                    if (!more)
                    {
                        break;
                    }
                }
                catch (Exception) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                {
                    throw failure = !output
                        ? TimedOut(_r.FirstUpdateTimeout, "its first update", _r.TimeoutSetting)
                        : TimedOut(_r.TotalTimeout, "the rest of its stream", "total time limit");
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    failure = ex;
                    throw;
                }

                received++;
                ChatResponseUpdate update = updates.Current;
                if (!output && update.HasOutput())
                {
                    // From the first output on, only the total limit applies. Updates without output (a role-only chunk,
                    // Anthropic's message_start) do not count: a provider that stalls after them is still bounded by the first-update limit.
                    output = true;
                    RearmForTotal(timeout, started);
                }

                finished |= update.FinishReason is not null;
                yield return update;
            }

            // Some SDKs end a cancelled stream quietly; that is the caller's doing, not an incomplete stream.
            cancellationToken.ThrowIfCancellationRequested();
            if (!finished)
            {
                throw failure = new IncompleteStreamException(_r.Provider, received);
            }
        }
        finally
        {
            if (pending is not null)
            {
                // The abandoned read is still running; dispose the stream once it ends rather than wait for it here.
                _ = pending.ContinueWith(static (_, state) => ((IAsyncEnumerator<ChatResponseUpdate>)state!).DisposeAsync().AsTask(), updates, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            }
            else if (updates is not null)
            {
                await updates.DisposeAsync().ConfigureAwait(false);
            }

            await call.CompleteAsync(failure, cancellationToken.IsCancellationRequested).ConfigureAwait(false);
        }
    }

    private void RearmForTotal(CancellationTokenSource timeout, long started)
    {
        TimeSpan left = _r.TotalTimeout - _r.Time.GetElapsedTime(started);
        timeout.CancelAfter(left > TimeSpan.Zero ? left : TimeSpan.Zero);
    }

    private RateLimitLease AcquireRate()
    {
        RateLimitLease lease = _r.RequestRate.AttemptAcquire();
        if (!lease.IsAcquired)
        {
            lease.Dispose();
            throw new ProviderUnavailableException(
                _r.Provider,
                string.Create(CultureInfo.InvariantCulture, $"its rate limit of {_r.RequestsPerMinute} requests per minute is reached (PROVIDER_REQUESTS_PER_MINUTE)"));
        }

        return lease;
    }

    private void ThrowIfCircuitOpen()
    {
        if (_r.Circuit.UnavailableReason is { } reason)
        {
            throw new ProviderUnavailableException(_r.Provider, reason);
        }
    }

    /// <summary>Ties the caller's token to the call's own source, so one source carries both the time limits and the caller's cancellation.</summary>
    private static CancellationTokenRegistration Link(CancellationTokenSource timeout, CancellationToken caller) =>
        caller.CanBeCanceled ? caller.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), timeout) : default;

    private async ValueTask<RateLimitLease> AcquireSlotAsync(CancellationTokenSource timeout, CancellationToken caller)
    {
        RateLimitLease lease = _r.Concurrency.AttemptAcquire();
        if (lease.IsAcquired)
        {
            return lease;
        }

        lease.Dispose();
        return await WaitForSlotAsync(timeout, caller).ConfigureAwait(false);
    }

    /// <summary>Queues for a slot once none was free, for as long as the first-update limit allows.</summary>
    private async ValueTask<RateLimitLease> WaitForSlotAsync(CancellationTokenSource timeout, CancellationToken caller)
    {
        RateLimitLease lease;
        try
        {
            lease = await _r.Concurrency.AcquireAsync(1, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!caller.IsCancellationRequested)
        {
            throw TimedOut(_r.FirstUpdateTimeout, $"a free slot ({_r.ConcurrencySetting})", _r.TimeoutSetting);
        }

        if (!lease.IsAcquired)
        {
            lease.Dispose();
            throw new ProviderUnavailableException(_r.Provider, $"too many requests are already waiting for a slot ({_r.ConcurrencySetting}, MAX_QUEUED_REQUESTS)");
        }

        return lease;
    }

    private TimeoutException TimedOut(TimeSpan limit, string what, string setting) =>
        new(string.Create(CultureInfo.InvariantCulture, $"Provider '{_r.Provider}' did not deliver {what} within {limit.TotalSeconds:0.###} s ({setting})."));

    /// <summary>Runs a non-streamed call inside the circuit breaker, so that its outcome, time-outs included, counts against the provider.</summary>
    private async ValueTask<ChatResponse> RunAsync(Call call, CancellationToken cancellationToken)
    {
        try
        {
            return await call.Inner.GetResponseAsync(call.Messages, call.Options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (call.Timeout.IsCancellationRequested && !call.Caller.IsCancellationRequested)
        {
            throw TimedOut(_r.TotalTimeout, "a response", "total time limit");
        }
    }

    /// <summary>What a non-streamed call needs inside the breaker; a struct, so passing it allocates nothing.</summary>
    private readonly record struct Call(
        IChatClient Inner,
        IEnumerable<ChatMessage> Messages,
        ChatOptions? Options,
        ProviderResilienceChatClient Owner,
        CancellationTokenSource Timeout,
        CancellationToken Caller);
}
