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
    /// <summary>The <see cref="Exception.Data"/> key set on a time-out that came before the request was sent (the wait for a
    /// slot): the provider never saw it, so it cannot have billed anything.</summary>
    internal const string NotSentKey = "Eaio.NotSent";

    private readonly ProviderResilience _r;

    public ProviderResilienceChatClient(IChatClient innerClient, ProviderResilience resilience)
        : base(innerClient)
    {
        _r = resilience;
    }

    /// <summary>Gets the provider's circuit breaker, whose state the router plans with.</summary>
    internal ProviderCircuitBreaker Circuit => _r.Circuit;

    /// <summary>Gets the share of the provider's request rate limit in use.</summary>
    internal double? RequestRateUtilization =>
        _r.RequestRate.GetStatistics() is { } statistics
            ? Math.Clamp((double)(_r.RequestsPerMinute - statistics.CurrentAvailablePermits) / _r.RequestsPerMinute, 0, 1)
            : null;

    public override Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        RespondAsync(messages, options, cancellationToken).AsTask();

    /// <summary>The non-streamed call as a <see cref="ValueTask{TResult}"/>, so that the router's await of a call that
    /// completes at once allocates no task.</summary>
    internal async ValueTask<ChatResponse> RespondAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
    {
        using RateLimitLease rate = AcquireRate();
        ProviderCircuitBreaker.Ticket ticket = _r.Circuit.Enter();

        // One timer per call, armed only when the call has to wait: first for a slot (bounded like a first update), then
        // for the answer (bounded by the total limit, counted from the wait's start). A call answered at once touches
        // neither the timer queue nor the clock. What a client does synchronously before returning its task is not
        // bounded: HTTP clients return at their first I/O.
        bool waited = false;
        RateLimitLease slot = _r.Concurrency.AttemptAcquire();
        CancellationTokenSource timeout = _r.Timeouts.Rent();
        Exception? failure = null;
        bool called = false;
        try
        {
            using CancellationTokenRegistration link = Link(timeout, cancellationToken);
            if (!slot.IsAcquired)
            {
                slot.Dispose();
                long waitStarted = _r.Time.GetTimestamp();
                waited = true;
                timeout.CancelAfter(_r.FirstUpdateTimeout);
                slot = await WaitForSlotAsync(timeout, cancellationToken).ConfigureAwait(false);
                RearmForTotal(timeout, waitStarted);
            }

            using (slot)
            {
                try
                {
                    called = true;
                    Task<ChatResponse> answer = InnerClient.GetResponseAsync(messages, options, timeout.Token);
                    if (answer.IsCompleted)
                    {
                        return await answer.ConfigureAwait(false);
                    }

                    if (!waited)
                    {
                        RearmForTotal(timeout, _r.Time.GetTimestamp());
                    }

                    // Raced against the limit like a stream's reads: a client that ignores the token cannot hold the call
                    // (or a half-open circuit's trial) past it.
                    return await answer.WaitAsync(timeout.Token).ConfigureAwait(false);
                }
                catch (Exception) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                {
                    throw failure = TimedOut(_r.TotalTimeout, "a response", "total time limit");
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // Not the caller and not our limit: the SDK's own time-out (set to the same total limit) won the race.
                    throw failure = TimedOut(_r.TotalTimeout, "a response", "its client's time-out, the total time limit");
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    failure = ex;
                    throw;
                }
            }
        }
        finally
        {
            // A call that never got a slot says nothing about the provider: it counts neither way.
            _r.Circuit.Report(ticket, failure, canceled: !called || cancellationToken.IsCancellationRequested);
            _r.Timeouts.Return(timeout);
        }
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using RateLimitLease rate = AcquireRate();
        ProviderCircuitBreaker.Ticket ticket = _r.Circuit.Enter();

        long started = _r.Time.GetTimestamp();
        using CancellationTokenSource timeout = new(_r.FirstUpdateTimeout, _r.Time);
        using CancellationTokenRegistration link = Link(timeout, cancellationToken);
        Exception? failure = null;
        RateLimitLease slot;
        try
        {
            slot = await AcquireSlotAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // No slot, no call: nothing to count against the provider, but a trial hands its turn back.
            _r.Circuit.Report(ticket, null, canceled: true);
            throw;
        }

        using RateLimitLease held = slot;

        int received = 0;
        bool output = false;
        bool finished = false;
        IAsyncEnumerator<ChatResponseUpdate>? updates = null;
        Task<bool>? pending = null;
        try
        {
            try
            {
                updates = base.GetStreamingResponseAsync(messages, options, timeout.Token).GetAsyncEnumerator(timeout.Token);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                failure = ex;
                throw;
            }

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
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw failure = TimedOut(_r.TotalTimeout, "its stream", "its client's time-out, the total time limit");
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

            _r.Circuit.Report(ticket, failure, cancellationToken.IsCancellationRequested);
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
            TimeoutException waited = TimedOut(_r.FirstUpdateTimeout, $"a free slot ({_r.ConcurrencySetting})", _r.TimeoutSetting);
            waited.Data[NotSentKey] = true;
            throw waited;
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
}
