using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Eaio.Routing;

/// <summary>
/// Records every call to a provider in an audit log: who asked, which provider and model, why it was chosen, how many
/// values of each type were masked, a keyed hash of the payload as it left, the tokens, the cost and the outcome.
/// </summary>
/// <remarks>
/// <para>
/// The record is durable before the caller sees the answer, and the caller's cancellation does not skip it. A call the
/// caller cancels before any answer is not recorded: nothing was billed and nothing left after the cancellation. A
/// stream is recorded when it ends, <c>ok</c> or <c>failed after output</c>.
/// </para>
/// <para>
/// Placed outside <see cref="PseudonymizingChatClient"/>, it records calls that masking refused (<c>blocked</c>, nothing
/// sent), and hashes what masking sent rather than what the caller wrote: it reads the masked messages, the entity counts
/// and the cost from the call's <see cref="RouteCallContext"/>, which it adds when the caller's options have none.
/// Conversation and building ids are identifiers like any other: the record keeps their keyed hashes.
/// </para>
/// </remarks>
public sealed partial class AuditChatClient : DelegatingChatClient
{
    private static readonly IReadOnlyDictionary<string, int> s_noEntities = new Dictionary<string, int>();

    private readonly AuditPayloadHasher _hasher;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Initializes a new instance of the <see cref="AuditChatClient"/> class.</summary>
    /// <param name="innerClient">The client whose calls are recorded.</param>
    /// <param name="auditLog">Where the records go.</param>
    /// <param name="hmacKey">The key of the payload and identifier hashes (<c>AUDIT_HMAC_KEY</c>); keep it stable to compare hashes across restarts.</param>
    /// <param name="timeProvider">The clock of the records' times; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="logger">Logs a record of a failed call that could not be written; nothing is logged when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException">An argument other than <paramref name="timeProvider"/> and <paramref name="logger"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="hmacKey"/> is empty.</exception>
    public AuditChatClient(IChatClient innerClient, IAuditLog auditLog, byte[] hmacKey, TimeProvider? timeProvider = null, ILogger? logger = null)
        : base(innerClient)
    {
        ArgumentNullException.ThrowIfNull(auditLog);
        ArgumentNullException.ThrowIfNull(hmacKey);
        if (hmacKey.Length == 0)
        {
            throw new ArgumentException("The audit HMAC key is empty; pass at least 32 random bytes (AUDIT_HMAC_KEY).", nameof(hmacKey));
        }

        AuditLog = auditLog;
        _hasher = new AuditPayloadHasher(hmacKey);
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Gets the log the records go to.</summary>
    public IAuditLog AuditLog { get; }

    /// <inheritdoc/>
    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        RouteCallContext context = RouteCallContext.Ensure(ref options, InnerClient);
        long started = _time.GetTimestamp();
        ChatResponse response;
        try
        {
            response = await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            await AppendFailureAsync(context, messages, options, started, ex).ConfigureAwait(false);
            throw;
        }

        await AppendAsync(context, messages, options, started, null, "ok").ConfigureAwait(false);
        return response;
    }

    /// <inheritdoc/>
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        RouteCallContext context = RouteCallContext.Ensure(ref options, InnerClient);
        StreamRecord record = new(this, context, messages, options, _time.GetTimestamp());
        await foreach (ChatResponseUpdate update in ObservedStream.ObserveAsync(
            () => base.GetStreamingResponseAsync(messages, options, cancellationToken), record, cancellationToken).ConfigureAwait(false))
        {
            yield return update;
        }
    }

    /// <summary>Records a failed call; a log that cannot take the record is logged, never allowed to replace the call's own
    /// failure, which the router fails over on (a blocked call must stay a <see cref="PrivacyViolationException"/>).</summary>
    private async Task AppendFailureAsync(RouteCallContext context, IEnumerable<ChatMessage> messages, ChatOptions? options, long started, Exception failure)
    {
        try
        {
            await AppendAsync(context, messages, options, started, failure, null).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // See the summary.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogFailureNotRecorded(context.Provider, failure.GetType().Name, ex.GetType().Name, ex);
        }
    }

    [LoggerMessage(LogLevel.Error, "The audit record of a failed call to {Provider} ({Failure}) could not be written ({ErrorType}).")]
    private partial void LogFailureNotRecorded(string provider, string failure, string errorType, Exception exception);

    private async Task AppendAsync(RouteCallContext context, IEnumerable<ChatMessage> messages, ChatOptions? options, long started, Exception? failure, string? outcome)
    {
        RequestProfile? stated = options.GetEaioProfile();
        ResolvedRequestProfile? profile = context.Profile;
        string? building = profile is not null ? profile.BuildingId : stated?.BuildingId;

        // What left is what masking sent; a call masking refused sent nothing.
        IEnumerable<ChatMessage>? sent = context.SentMessages ?? (failure is PrivacyViolationException ? null : messages);
        CallCost? cost = context.Cost;
        _ = await AuditLog.AppendAsync(
            new AuditEntry
            {
                Timestamp = _time.GetUtcNow(),
                RequestId = RandomIds.NewId(),
                ConversationId = options?.ConversationId is { } conversation ? _hasher.Hash(conversation) : null,
                TenantId = context.TenantId,
                BuildingId = building is null ? null : _hasher.Hash(building),
                Provider = context.Provider,
                Model = RouteCallContext.ModelOf(options, InnerClient) ?? "unknown",
                Privacy = profile?.Privacy ?? stated?.Privacy ?? PrivacyLevel.Public,
                Sensitivity = profile?.Sensitivity ?? stated?.Sensitivity ?? DataSensitivity.Public,
                Reasons = context.Reasons,
                EntityCounts = context.EntityCounts ?? s_noEntities,
                PayloadHmac = sent is null ? "none: nothing was sent" : _hasher.Hash(sent),
                InputTokens = cost?.InputTokens,
                OutputTokens = cost?.OutputTokens,
                CostUsd = cost?.Usd ?? 0m,
                LatencyMs = _time.GetElapsedTime(started).TotalMilliseconds,
                Outcome = outcome ?? (failure is PrivacyViolationException ? "blocked" : $"failed: {failure!.GetType().Name}"),
            },
            CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>One stream's record: a failure before any update as a failed call, any other stream when it ends, before
    /// it completes for the caller.</summary>
    private sealed class StreamRecord(AuditChatClient owner, RouteCallContext context, IEnumerable<ChatMessage> messages, ChatOptions? options, long started) : IStreamObserver
    {
        public async ValueTask FailedBeforeOutputAsync(Exception exception, bool cancelledByCaller)
        {
            if (!cancelledByCaller)
            {
                await owner.AppendFailureAsync(context, messages, options, started, exception).ConfigureAwait(false);
            }
        }

        public ValueTask OnUpdateAsync(ChatResponseUpdate update) => default;

        public async ValueTask EndedAsync(StreamEnd end) =>
            await owner.AppendAsync(context, messages, options, started, null, end == StreamEnd.Completed ? "ok" : "failed after output").ConfigureAwait(false);
    }
}
