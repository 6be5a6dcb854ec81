using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Eaio.Routing;

/// <summary>
/// Logs every call to a provider for the optimisation report (<see cref="IRequestLog"/>) and measures it in the
/// <c>eaio.*</c> metrics: outcome, latency, time to first update, tokens, cost, fallbacks and rate-limit use.
/// </summary>
/// <remarks>
/// With no request log and no metrics listener it adds nothing to a call but a check. With a request log, every response
/// and streamed update gets a <see cref="ChatResponse.ResponseId"/> (the provider's, or a new one), the key quality feedback
/// is filed under (<see cref="IRequestLog.RecordFeedbackAsync"/>). The log is written in the background
/// (<see cref="IRequestLog.Record"/> never waits), so a slow store cannot slow a call.
/// </remarks>
public sealed class RequestLogChatClient : DelegatingChatClient
{
    private readonly TimeProvider _time;
    private ProviderResilienceChatClient? _resilience;
    private bool _resilienceLooked;

    /// <summary>Initializes a new instance of the <see cref="RequestLogChatClient"/> class.</summary>
    /// <param name="innerClient">The client whose calls are logged.</param>
    /// <param name="requestLog">The log; only metrics are recorded when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    public RequestLogChatClient(IChatClient innerClient, IRequestLog? requestLog = null, TimeProvider? timeProvider = null)
        : base(innerClient)
    {
        RequestLog = requestLog;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Gets the log, or <see langword="null"/> when only metrics are recorded.</summary>
    public IRequestLog? RequestLog { get; }

    /// <inheritdoc/>
    public override Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        RequestLog is null && !EaioMetrics.RequestInstrumentsEnabled
            ? base.GetResponseAsync(messages, options, cancellationToken)
            : LogResponseAsync(messages, options, cancellationToken);

    /// <inheritdoc/>
    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        RequestLog is null && !EaioMetrics.RequestInstrumentsEnabled
            ? base.GetStreamingResponseAsync(messages, options, cancellationToken)
            : LogStreamAsync(messages, options, cancellationToken);

    private async Task<ChatResponse> LogResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
    {
        RouteCallContext context = RouteCallContext.Ensure(ref options, InnerClient);
        long started = _time.GetTimestamp();
        ChatResponse response;
        try
        {
            response = await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Record(context, options, started, Failure(ex, cancellationToken), null, null, streamed: false);
            throw;
        }

        if (RequestLog is not null)
        {
            response.ResponseId ??= RandomIds.NewId();
        }

        CallCost cost = context.Cost ?? BudgetGovernor.Free(response.Usage);
        Record(context, options, started, new(RequestOutcome.Succeeded, null), cost, null, streamed: false, response.ResponseId);
        return response;
    }

    private IAsyncEnumerable<ChatResponseUpdate> LogStreamAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
    {
        RouteCallContext context = RouteCallContext.Ensure(ref options, InnerClient);
        StreamLog log = new(this, context, options, _time.GetTimestamp(), cancellationToken);
        return ObservedStream.ObserveAsync(() => base.GetStreamingResponseAsync(messages, options, cancellationToken), log, cancellationToken);
    }

    private static (RequestOutcome, string?) Failure(Exception ex, CancellationToken cancellationToken) =>
        cancellationToken.IsCancellationRequested && ex is OperationCanceledException
            ? (RequestOutcome.Cancelled, nameof(OperationCanceledException))
            : (OutcomeOf(ex), ex.GetType().Name);

    /// <summary>Counts an attempt in the metrics and queues it for the request log; never waits and never throws for the log.</summary>
    private void Record(
        RouteCallContext context, ChatOptions? options, long started, (RequestOutcome Outcome, string? ErrorType) result, CallCost? cost, TimeSpan? firstUpdate, bool streamed, string? responseId = null)
    {
        TimeSpan elapsed = _time.GetElapsedTime(started);
        string model = RouteCallContext.ModelOf(options, InnerClient) ?? "unknown";
        PrivacyLevel privacy = context.Profile?.Privacy ?? options.GetEaioProfile()?.Privacy ?? PrivacyLevel.Public;
        double? utilization = RequestLog is not null || EaioMetrics.RateLimitUtilization.Enabled ? Resilience()?.RequestRateUtilization : null;
        if (EaioMetrics.RequestInstrumentsEnabled)
        {
            Measure(context, model, privacy, result, cost, elapsed, firstUpdate, utilization);
        }

        if (result.ErrorType == nameof(PrivacyViolationException))
        {
            EaioMetrics.PrivacyBlocks.Add(1, new KeyValuePair<string, object?>(EaioMetrics.ProviderTag, context.Provider));
        }

        RequestLog?.Record(new RequestLogEntry
        {
            RequestId = context.RequestId ?? RandomIds.NewId(),
            ResponseId = responseId,
            Timestamp = _time.GetUtcNow() - elapsed,
            Provider = context.Provider,
            Model = model,
            Tier = context.Tier,
            Privacy = privacy,
            Complexity = context.Profile?.Complexity ?? 0,
            Outcome = result.Outcome,
            ErrorType = result.ErrorType,
            LatencyMs = elapsed.TotalMilliseconds,
            TimeToFirstTokenMs = firstUpdate?.TotalMilliseconds,
            InputTokens = cost?.InputTokens ?? 0,
            OutputTokens = cost?.OutputTokens ?? 0,
            CostUsd = cost?.Usd ?? 0m,
            Fallbacks = context.Fallbacks,
            RateLimitUtilization = utilization,
            Streamed = streamed,
            Category = context.Profile?.Category,
        });
    }

    /// <summary>The resilience layer below, whose request rate limit gives the utilisation; looked up once.</summary>
    private ProviderResilienceChatClient? Resilience()
    {
        if (!_resilienceLooked)
        {
            _resilience = InnerClient.GetService<ProviderResilienceChatClient>();
            _resilienceLooked = true;
        }

        return _resilience;
    }

    private static void Measure(
        RouteCallContext context, string model, PrivacyLevel privacy, (RequestOutcome Outcome, string? ErrorType) result, CallCost? cost, TimeSpan elapsed, TimeSpan? firstUpdate, double? utilization)
    {
        TagList tags = new()
        {
            { "gen_ai.operation.name", "chat" },
            { EaioMetrics.ProviderTag, context.Provider },
            { EaioMetrics.ModelTag, model },
            { EaioMetrics.PrivacyTag, EaioMetrics.PrivacyValue(privacy) },
        };
        if (result.ErrorType is { } errorType)
        {
            tags.Add("error.type", errorType);
        }

        EaioMetrics.OperationDuration.Record(elapsed.TotalSeconds, tags);
        TagList counted = tags;
        counted.Add("eaio.outcome", OutcomeValue(result.Outcome));
        EaioMetrics.Requests.Add(1, counted);
        if (cost is { } c)
        {
            TagList input = tags;
            input.Add("gen_ai.token.type", "input");
            EaioMetrics.TokenUsage.Record(c.InputTokens, input);
            TagList output = tags;
            output.Add("gen_ai.token.type", "output");
            EaioMetrics.TokenUsage.Record(c.OutputTokens, output);
        }

        if (firstUpdate is { } first)
        {
            EaioMetrics.TimeToFirstToken.Record(first.TotalSeconds, tags);
        }

        if (result.Outcome == RequestOutcome.Succeeded && context.Fallbacks > 0)
        {
            EaioMetrics.Fallbacks.Add(context.Fallbacks, tags);
        }

        if (utilization is { } share)
        {
            EaioMetrics.RateLimitUtilization.Record(share, new KeyValuePair<string, object?>(EaioMetrics.ProviderTag, context.Provider));
        }
    }

    /// <summary>Who is at fault: the router refusing (blocked), the provider not answering (unavailable), or its answer (failed).</summary>
    internal static RequestOutcome OutcomeOf(Exception ex) => ex switch
    {
        PrivacyViolationException or BudgetExceededException or EaioStorageException => RequestOutcome.Blocked,
        ProviderUnavailableException or HttpRequestException or TimeoutException or OperationCanceledException => RequestOutcome.Unavailable,
        _ => RequestOutcome.Failed,
    };

    private static string OutcomeValue(RequestOutcome outcome) => outcome switch
    {
        RequestOutcome.Succeeded => "succeeded",
        RequestOutcome.Failed => "failed",
        RequestOutcome.Unavailable => "unavailable",
        RequestOutcome.Blocked => "blocked",
        _ => "cancelled",
    };

    /// <summary>One stream's log entry: its first update's time, its response id and usage, and how it ended.</summary>
    private sealed class StreamLog(RequestLogChatClient owner, RouteCallContext context, ChatOptions? options, long started, CancellationToken cancellationToken) : IStreamObserver
    {
        private TimeSpan? _firstUpdate;
        private string? _responseId;
        private CallCost? _usage;

        public ValueTask FailedBeforeOutputAsync(Exception exception, bool cancelledByCaller)
        {
            owner.Record(context, options, started, Failure(exception, cancellationToken), null, null, streamed: true);
            return default;
        }

        public ValueTask OnUpdateAsync(ChatResponseUpdate update)
        {
            _firstUpdate ??= owner._time.GetElapsedTime(started);
            if (owner.RequestLog is not null)
            {
                _responseId ??= update.ResponseId ?? RandomIds.NewId();
                update.ResponseId ??= _responseId;
            }

            _usage ??= update.LocalCost();
            return default;
        }

        public ValueTask EndedAsync(StreamEnd end)
        {
            (RequestOutcome, string?) outcome = end switch
            {
                StreamEnd.Completed => (RequestOutcome.Succeeded, null),
                StreamEnd.FailedAfterOutput => (RequestOutcome.Failed, "stream failed after output"),
                _ => (RequestOutcome.Cancelled, null),
            };
            owner.Record(context, options, started, outcome, context.Cost ?? _usage, _firstUpdate, streamed: true, _responseId);
            return default;
        }
    }
}
