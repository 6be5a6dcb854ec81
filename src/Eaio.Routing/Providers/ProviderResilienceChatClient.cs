using System.Globalization;
using System.Runtime.CompilerServices;
using System.Threading.RateLimiting;
using Microsoft.Extensions.AI;

namespace Eaio.Routing;

/// <summary>
/// Guards one provider's calls: request rate limit, circuit breaker, concurrency limit with a bounded wait, time to first
/// update and total time limits, and a check that a stream ends with its final chunk.
/// </summary>
/// <remarks>
/// <para>
/// The concurrency wait counts against the first-update time limit, so the time before a caller can fall back is bounded
/// by that one limit, whatever the queue. Turn the provider SDK's own retries off, so there is no retries x timeout.
/// </para>
/// <para>
/// Failures surface as <see cref="TimeoutException"/> (a time limit; <see cref="WasNotSent"/> tells whether the request was
/// ever sent), <see cref="ProviderUnavailableException"/> (refused before sending: circuit open, rate limit reached, queue
/// full), <see cref="IncompleteStreamException"/> (a stream ended without its final chunk), or the inner client's own.
/// </para>
/// <para>
/// When the call's options carry a <see cref="RouteCallContext"/>, the client sets its
/// <see cref="RouteCallContext.ProviderAnswered"/> once the inner client returned a response or a first streamed update,
/// so the layers around it know the call was served and must not be sent again. It never adds a context itself.
/// </para>
/// </remarks>
public sealed class ProviderResilienceChatClient : DelegatingChatClient
{
    /// <summary>The <see cref="Exception.Data"/> key set on a time-out that came before the request was sent (the wait for a
    /// slot, or for a connection of the provider's HttpClient): the provider never saw it, so it cannot have billed anything.</summary>
    internal const string NotSentKey = "Eaio.NotSent";

    private readonly string _provider;
    private readonly TimeSpan _firstUpdateTimeout;
    private readonly TimeSpan _totalTimeout;
    private readonly string _firstUpdateSetting;
    private readonly string _totalSetting;
    private readonly string _rateSetting;
    private readonly string _concurrencySetting;
    private readonly string _queueSetting;
    private readonly int? _requestsPerMinute;
    private readonly RateLimiter? _requestRate;
    private readonly RateLimiter? _ownedRequestRate;
    private readonly RateLimiter? _concurrency;
    private readonly ProviderCircuitBreaker _circuit;
    private readonly ProviderCircuitStateProvider _circuitState;
    private readonly TimeProvider _time;
    private readonly CancellationSourcePool _timeouts;

    /// <summary>Initializes a new instance of the <see cref="ProviderResilienceChatClient"/> class.</summary>
    /// <param name="innerClient">The provider client, with its own retries off.</param>
    /// <param name="options">The limits; read once, here.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerClient"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><see cref="ProviderResilienceOptions.TotalTimeout"/> is shorter than
    /// <see cref="ProviderResilienceOptions.FirstUpdateTimeout"/>.</exception>
    /// <exception cref="InvalidOperationException">The options' <see cref="ProviderResilienceOptions.CircuitStateProvider"/> is already used by another client.</exception>
    public ProviderResilienceChatClient(IChatClient innerClient, ProviderResilienceOptions options)
        : this(innerClient, options, TimeProvider.System)
    {
    }

    /// <summary>Initializes a new instance with the clock to use when the options name none (the service provider's).</summary>
    internal ProviderResilienceChatClient(IChatClient innerClient, ProviderResilienceOptions options, TimeProvider defaultTime)
        : base(innerClient)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();

        _provider = options.ProviderName is { Length: > 0 } name
            ? name
            : RouteCallContext.ProviderOf(innerClient);
        _firstUpdateTimeout = options.FirstUpdateTimeout;
        _totalTimeout = options.TotalTimeout;
        _firstUpdateSetting = options.FirstUpdateTimeoutSettingName ?? nameof(ProviderResilienceOptions.FirstUpdateTimeout);
        _totalSetting = options.TotalTimeoutSettingName ?? nameof(ProviderResilienceOptions.TotalTimeout);
        _rateSetting = options.RequestsPerMinuteSettingName ?? (options.RequestRateLimiter is null ? nameof(ProviderResilienceOptions.RequestsPerMinute) : nameof(ProviderResilienceOptions.RequestRateLimiter));
        _concurrencySetting = options.ConcurrencySettingName ?? nameof(ProviderResilienceOptions.ConcurrencyLimiter);
        _queueSetting = options.QueueLimitSettingName ?? "the concurrency limiter's queue limit";
        _time = options.TimeProvider ?? defaultTime;
        _requestsPerMinute = options.RequestsPerMinute;
        _requestRate = options.RequestRateLimiter;
        if (_requestRate is null && _requestsPerMinute is { } perMinute)
        {
            _requestRate = _ownedRequestRate = new SlidingWindowRateLimiter(new SlidingWindowRateLimiterOptions
            {
                PermitLimit = perMinute,
                Window = TimeSpan.FromMinutes(1),
                SegmentsPerWindow = 6,
                QueueLimit = 0,
            });
        }

        _concurrency = options.ConcurrencyLimiter;
        _circuit = new ProviderCircuitBreaker(_provider, options.CircuitMinimumThroughput, options.CircuitBreakDuration, _time, _totalTimeout);
        _circuitState = options.CircuitStateProvider ?? new ProviderCircuitStateProvider();
        _circuitState.Bind(_circuit);
        _timeouts = new CancellationSourcePool(_time);
    }

    /// <summary>Gets the provider's name, as messages and exceptions name it.</summary>
    public string ProviderName => _provider;

    /// <summary>Gets the circuit breaker's state provider: the options' one, or one of the client's own.</summary>
    public ProviderCircuitStateProvider CircuitStateProvider => _circuitState;

    /// <summary>Gets the provider's circuit breaker, whose state the router plans with.</summary>
    internal ProviderCircuitBreaker Circuit => _circuit;

    /// <summary>Gets the share of the provider's request rate limit in use, or <see langword="null"/> without a per-minute limit.</summary>
    internal double? RequestRateUtilization =>
        _requestsPerMinute is { } perMinute && _requestRate?.GetStatistics() is { } statistics
            ? Math.Clamp((double)(perMinute - statistics.CurrentAvailablePermits) / perMinute, 0, 1)
            : null;

    /// <summary>Gets whether <paramref name="exception"/> is a time-out that came before the request was sent (it waited for a
    /// concurrency slot in vain, or, through <c>AddEaioHybridChat</c>'s HttpClients, for a connection, before its body
    /// started to go out): the provider never saw the request, so it cannot have billed it.</summary>
    /// <param name="exception">A failure of a call through this client.</param>
    /// <returns><see langword="true"/> when the request was never sent.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="exception"/> is <see langword="null"/>.</exception>
    /// <remarks>Refusals before sending (<see cref="ProviderUnavailableException"/>) were not sent either; they are a type of their own.</remarks>
    public static bool WasNotSent(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception.Data[NotSentKey] is true;
    }

    /// <inheritdoc/>
    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType == typeof(ProviderCircuitStateProvider)
            ? _circuitState
            : base.GetService(serviceType, serviceKey);
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            // Only what it created: the limiters in the options are the host's, possibly shared with other clients.
            _ownedRequestRate?.Dispose();
            _timeouts.Clear();
        }

        base.Dispose(disposing);
    }

    /// <inheritdoc/>
    public override Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        RespondAsync(messages, options, cancellationToken).AsTask();

    /// <summary>The non-streamed call as a <see cref="ValueTask{TResult}"/>, so that the router's await of a call that
    /// completes at once allocates no task.</summary>
    internal async ValueTask<ChatResponse> RespondAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
    {
        using RateLimitLease rate = AcquireRate();
        ProviderCircuitBreaker.Ticket ticket = _circuit.Enter();

        // One timer per call, armed only when the call has to wait, for the first-update limit counted from the start: a
        // non-streamed call's answer is its first update, so that one limit (API_TIMEOUT_SEC, as the seed has it) bounds the
        // wait for a slot and the answer together, and with it the time before the router can fall back. A call answered
        // at once touches neither the timer queue nor the clock. What a client does synchronously before returning its task
        // is not bounded: HTTP clients return at their first I/O.
        bool waited = false;
        RateLimitLease slot = _concurrency?.AttemptAcquire() ?? FreeLease.Instance;
        CancellationTokenSource timeout = _timeouts.Rent();
        Exception? failure = null;
        bool called = false;
        try
        {
            using CancellationTokenRegistration link = Link(timeout, cancellationToken);
            if (!slot.IsAcquired)
            {
                slot.Dispose();
                waited = true;
                timeout.CancelAfter(_firstUpdateTimeout);
                slot = await WaitForSlotAsync(timeout, cancellationToken).ConfigureAwait(false);
            }

            using (slot)
            {
                RouteCallContext? context = RouteCallContext.Get(options);
                RequestSendProbe? probe = StartProbe(context);
                try
                {
                    called = true;
                    Task<ChatResponse> answer = InnerClient.GetResponseAsync(messages, options, timeout.Token);
                    ChatResponse response;
                    if (answer.IsCompleted)
                    {
                        response = await answer.ConfigureAwait(false);
                    }
                    else
                    {
                        if (!waited)
                        {
                            timeout.CancelAfter(_firstUpdateTimeout);
                        }

                        // Raced against the limit like a stream's reads: a client that ignores the token cannot hold the call
                        // (or a half-open circuit's trial) past it.
                        response = await answer.WaitAsync(timeout.Token).ConfigureAwait(false);
                    }

                    MarkAnswered(context);
                    return response;
                }
                catch (Exception) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                {
                    throw failure = NotSentWhen(probe, TimedOut(_firstUpdateTimeout, "a response", ResponseLimit));
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // Not the caller and not our limit: the SDK's own time-out won the race.
                    throw failure = NotSentWhen(probe, TimedOut(_firstUpdateTimeout, "a response", ClientTimeout));
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
            _circuit.Report(ticket, failure, canceled: !called || cancellationToken.IsCancellationRequested);
            _timeouts.Return(timeout);
        }
    }

    /// <inheritdoc/>
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using RateLimitLease rate = AcquireRate();
        ProviderCircuitBreaker.Ticket ticket = _circuit.Enter();

        long started = _time.GetTimestamp();
        using CancellationTokenSource timeout = new(_firstUpdateTimeout, _time);
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
            _circuit.Report(ticket, null, canceled: true);
            throw;
        }

        using RateLimitLease held = slot;

        int received = 0;
        bool output = false;
        bool finished = false;
        IAsyncEnumerator<ChatResponseUpdate>? updates = null;
        Task<bool>? pending = null;
        // Read before the call: the route's bottom takes the context off the options the provider gets.
        RouteCallContext? context = RouteCallContext.Get(options);
        RequestSendProbe? probe = StartProbe(context);
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
                        ? NotSentWhen(probe, TimedOut(_firstUpdateTimeout, "its first update", _firstUpdateSetting))
                        : TimedOut(_totalTimeout, "the rest of its stream", TotalLimit);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw failure = TimedOut(_totalTimeout, "its stream", ClientTimeout);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // After output nothing fails over, so the caller sees this: a connection reset or a broken line from
                    // the SDK says nothing of which provider broke, or that part of the answer already arrived.
                    if (output)
                    {
                        throw failure = new IncompleteStreamException(_provider, received, ex);
                    }

                    failure = ex;
                    throw;
                }

                if (received++ == 0)
                {
                    MarkAnswered(context);
                }

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
                throw failure = new IncompleteStreamException(_provider, received);
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

            _circuit.Report(ticket, failure, cancellationToken.IsCancellationRequested);
        }
    }

    private void RearmForTotal(CancellationTokenSource timeout, long started)
    {
        TimeSpan left = _totalTimeout - _time.GetElapsedTime(started);
        timeout.CancelAfter(left > TimeSpan.Zero ? left : TimeSpan.Zero);
    }

    private string TotalLimit => $"total time limit, {_totalSetting}";

    private string ResponseLimit => $"time limit of a non-streamed call, {_firstUpdateSetting}";

    private string ClientTimeout => $"its client's time-out; the router's limits are {_firstUpdateSetting} and {_totalSetting}";

    /// <summary>Tells the layers around that the provider answered: from here on the call is served and is not sent again.</summary>
    private static void MarkAnswered(RouteCallContext? context)
    {
        if (context is not null)
        {
            context.ProviderAnswered = true;
        }
    }

    private RateLimitLease AcquireRate()
    {
        if (_requestRate is null)
        {
            return FreeLease.Instance;
        }

        RateLimitLease lease = _requestRate.AttemptAcquire();
        if (!lease.IsAcquired)
        {
            TimeSpan? retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out TimeSpan after) ? after : null;
            lease.Dispose();
            throw new ProviderUnavailableException(
                _provider,
                _requestsPerMinute is { } perMinute
                    ? string.Create(CultureInfo.InvariantCulture, $"its rate limit of {perMinute} requests per minute is reached ({_rateSetting})")
                    : $"its request rate limit is reached ({_rateSetting})")
            {
                RetryAfter = retryAfter,
            };
        }

        return lease;
    }

    /// <summary>Ties the caller's token to the call's own source, so one source carries both the time limits and the caller's cancellation.</summary>
    private static CancellationTokenRegistration Link(CancellationTokenSource timeout, CancellationToken caller) =>
        caller.CanBeCanceled ? caller.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), timeout) : default;

    private async ValueTask<RateLimitLease> AcquireSlotAsync(CancellationTokenSource timeout, CancellationToken caller)
    {
        if (_concurrency is null)
        {
            return FreeLease.Instance;
        }

        RateLimitLease lease = _concurrency.AttemptAcquire();
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
            lease = await _concurrency!.AcquireAsync(1, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!caller.IsCancellationRequested)
        {
            TimeoutException waited = TimedOut(_firstUpdateTimeout, $"a free slot ({_concurrencySetting})", _firstUpdateSetting);
            waited.Data[NotSentKey] = true;
            throw waited;
        }

        if (!lease.IsAcquired)
        {
            lease.Dispose();
            throw new ProviderUnavailableException(_provider, $"too many requests are already waiting for a slot ({_concurrencySetting}, {_queueSetting})");
        }

        return lease;
    }

    /// <summary>Marks a time-out as not sent when the request never got a connection (see <see cref="RequestSendProbe"/>).</summary>
    /// <summary>Starts a probe only for a call whose hold a budget layer ends (an external call, which adds the context):
    /// setting an <see cref="AsyncLocal{T}"/> costs an execution context per call, and a local call is billed nothing.</summary>
    private static RequestSendProbe? StartProbe(RouteCallContext? context) =>
        context is { Tier: ProviderTier.External } ? RequestSendProbe.Start() : null;

    private static TimeoutException NotSentWhen(RequestSendProbe? probe, TimeoutException timedOut)
    {
        if (probe is { KnownNotSent: true })
        {
            timedOut.Data[NotSentKey] = true;
        }

        return timedOut;
    }

    private TimeoutException TimedOut(TimeSpan limit, string what, string setting) =>
        new(string.Create(CultureInfo.InvariantCulture, $"Provider '{_provider}' did not deliver {what} within {limit.TotalSeconds:0.###} s ({setting})."));

    /// <summary>The lease of a limit that is not set: always granted, nothing to release, shared by every call.</summary>
    private sealed class FreeLease : RateLimitLease
    {
        public static readonly FreeLease Instance = new();

        public override bool IsAcquired => true;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }
}
