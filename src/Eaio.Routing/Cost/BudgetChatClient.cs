using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Eaio.Routing;

/// <summary>
/// Cost governance for one provider: holds each call's worst case on a budget ledger before it is sent, sends the output
/// limit it held for, and settles to the usage the provider reports (or, without usage, to what a cut stream used, else
/// the worst case, flagged as estimated).
/// </summary>
/// <remarks>
/// <para>
/// A call that fails before it is answered has its hold released, except one cut by the time limit after it was sent:
/// the provider may have billed its input, which is charged. A caller's cancellation releases the hold; a stream the
/// caller stops reading is charged what it used.
/// </para>
/// <para>
/// A call is charged what its provider reports, even above its hold (that is the bill). Every settlement above the hold is
/// logged and counted in <c>eaio.budget.over_hold</c>; a call that used more output than the limit it was sent with also
/// counts in <see cref="OutputLimitOverruns"/>, which takes the provider out of the router's plans at its threshold. A
/// stream is cut (its last update says <see cref="ChatFinishReason.Length"/>) once the output counted as it streams passes
/// the limit by a fifth (at least 16 tokens), and is charged the output counted. A settlement the ledger cannot take after
/// three attempts is recorded as pending (see <see cref="PendingSettlementsPath"/>) and the caller still gets the answer.
/// </para>
/// <para>
/// The cost is recorded on the call's <see cref="RouteCallContext"/> (for the audit record and the router's
/// <see cref="RouteDecision"/>) and in the response's <see cref="ChatResponse.AdditionalProperties"/> under
/// <see cref="CostPropertyKey"/>; for a stream, on the update that carries the usage.
/// </para>
/// </remarks>
public sealed class BudgetChatClient : DelegatingChatClient
{
    /// <summary>The key of <see cref="ChatResponse.AdditionalProperties"/> the call's <see cref="CallCost"/> is stored under.</summary>
    public const string CostPropertyKey = "eaio.cost";

    private readonly BudgetGovernor _governor;
    private int _defaultMaxOutputTokens = 1024;

    /// <summary>Initializes a new instance of the <see cref="BudgetChatClient"/> class.</summary>
    /// <param name="innerClient">The provider's client.</param>
    /// <param name="ledger">The ledger the holds and costs go to.</param>
    /// <param name="prices">The prices calls are charged at; <see cref="PriceCatalog.Default"/> when <see langword="null"/>.</param>
    /// <param name="logger">Logs alerts and estimated costs; nothing is logged when <see langword="null"/>.</param>
    /// <param name="budgetedTenants">The tenants with a budget of their own, the only ones named in metric tags (a tenant
    /// id can be personal data, and a metrics backend must not get an unbounded number of series); others are "(other)".</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerClient"/> or <paramref name="ledger"/> is <see langword="null"/>.</exception>
    public BudgetChatClient(IChatClient innerClient, IBudgetLedger ledger, PriceCatalog? prices = null, ILogger? logger = null, IEnumerable<string>? budgetedTenants = null)
        : base(innerClient)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        Ledger = ledger;
        _governor = new BudgetGovernor(prices ?? PriceCatalog.Default, ledger, logger ?? NullLogger.Instance, OnAlert, budgetedTenants)
        {
            Overruns = OutputLimitOverruns,
        };
    }

    /// <summary>Gets the count of this provider's calls that used more output than the limit they were sent with, which
    /// takes the provider out of the router's plans once it reaches its threshold.</summary>
    public OutputLimitOverruns OutputLimitOverruns { get; } = new();

    /// <summary>Gets or sets the file that records settlements the ledger could not take (its store down, locked or out of
    /// connections), applied to the ledger once it works again; <see langword="null"/> (the default outside
    /// <c>AddEaioHybridChat</c>, which puts it in the data folder) keeps them in this process only. Set it before the first call.</summary>
    public string? PendingSettlementsPath
    {
        get => _governor.PendingSettlementsPath;
        set => _governor.PendingSettlementsPath = value;
    }

    /// <summary>Gets the ledger the holds and costs go to.</summary>
    public IBudgetLedger Ledger { get; }

    /// <summary>Gets or sets the output limit sent and held for when a request names none (default 1024).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1.</exception>
    public int DefaultMaxOutputTokens
    {
        get => _defaultMaxOutputTokens;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _defaultMaxOutputTokens = value;
        }
    }

    /// <summary>Occurs once per tenant and period when spending reaches the ledger's alert threshold.</summary>
    /// <remarks>Handlers run on the request's path after its cost was settled: keep them short; an exception is logged.</remarks>
    public event EventHandler<BudgetAlertEventArgs>? BudgetAlertRaised;

    /// <inheritdoc/>
    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        (RouteCallContext context, ChatOptions sent, CallBudget budget) = await ReserveAsync(messages, options, cancellationToken).ConfigureAwait(false);
        ChatResponse response;
        try
        {
            response = await base.GetResponseAsync(messages, sent, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            context.Cost = await _governor.EndFailedAsync(budget, ex, cancellationToken.IsCancellationRequested).ConfigureAwait(false);
            throw;
        }

        CallCost cost = await _governor.SettleAsync(budget, response.Usage, null).ConfigureAwait(false);
        context.Cost = cost;
        (response.AdditionalProperties ??= [])[CostPropertyKey] = cost;
        return response;
    }

    /// <inheritdoc/>
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        (RouteCallContext context, ChatOptions sent, CallBudget budget) = await ReserveAsync(messages, options, cancellationToken).ConfigureAwait(false);
        StreamSettlement settlement = new(_governor, context, budget);

        // The update that finishes the answer is held until the stream ends (at once, or after the usage update): a stream
        // without usage is settled only then, and its cost must still reach the caller on its last update.
        ChatResponseUpdate? finishing = null;
        await foreach (ChatResponseUpdate update in ObservedStream.ObserveAsync(
            () => base.GetStreamingResponseAsync(messages, sent, cancellationToken), settlement, cancellationToken).ConfigureAwait(false))
        {
            if (finishing is not null)
            {
                yield return finishing;
                finishing = null;
            }

            if (update.FinishReason is not null)
            {
                finishing = update;
                continue;
            }

            yield return update;
            if (settlement.Overran)
            {
                // The provider ignores the output limit: stop reading (which closes its stream) and end the answer as the
                // limit would have. Leaving the loop settles the stream with the output counted so far.
                finishing = new ChatResponseUpdate(ChatRole.Assistant, (string?)null)
                {
                    FinishReason = ChatFinishReason.Length,
                    ResponseId = update.ResponseId,
                    MessageId = update.MessageId,
                    ModelId = update.ModelId,
                    CreatedAt = update.CreatedAt,
                };
                break;
            }
        }

        if (finishing is not null)
        {
            if (settlement.SettledAtEnd && context.Cost is { } cost)
            {
                (finishing.AdditionalProperties ??= [])[CostPropertyKey] = cost;
            }

            yield return finishing;
        }
    }

    /// <summary>Holds the worst case and returns the options to send: the caller's, or a copy with the output limit held for.</summary>
    private async ValueTask<(RouteCallContext Context, ChatOptions Sent, CallBudget Budget)> ReserveAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
    {
        RouteCallContext context = RouteCallContext.Ensure(ref options, InnerClient);
        if (options!.MaxOutputTokens is not { } limit)
        {
            // The limit the budget holds for is the one the provider is told, so the hold is a true worst case.
            limit = context.DefaultMaxOutputTokens ?? DefaultMaxOutputTokens;
            options = context.OwnsOptions ? options : options.Clone();
            options.MaxOutputTokens = limit;
        }

        string model = RouteCallContext.ModelOf(options, InnerClient)
            ?? throw new InvalidOperationException($"The call to '{context.Provider}' names no model (ChatOptions.ModelId) and its client has no default: the budget cannot price it.");
        CallBudget budget = await _governor.ReserveAsync(context.TenantId, context.Provider, model, messages, options, limit, cancellationToken).ConfigureAwait(false);
        context.TokensHeld = budget.InputTokens + budget.MaxOutputTokens;
        return (context, options, budget);
    }

    private void OnAlert(BudgetStatus status) => BudgetAlertRaised?.Invoke(this, new BudgetAlertEventArgs(status));

    /// <summary>One stream's hold: settled on the update that carries the usage (the last one: usage is moved to the end of
    /// the stream), else when the stream ends, with what it used when it was cut short or the worst case.</summary>
    /// <remarks>Whether it is settled is this stream's own state, not the shared context's: a host layer that calls the
    /// route twice with the same options must not make the second stream look paid for.</remarks>
    private sealed class StreamSettlement(BudgetGovernor governor, RouteCallContext context, CallBudget budget) : IStreamObserver
    {
        private readonly StringBuilder _output = new();

        /// <summary>The output tokens past which the stream is cut: the limit and a fifth more (at least 16), because the
        /// router counts with OpenAI's tokenizers and other providers' own counts of the same text differ by up to about
        /// 15 %: a provider that keeps to the limit is never cut.</summary>
        private readonly int _cutAbove = budget.MaxOutputTokens + Math.Max(16, budget.MaxOutputTokens / 5);

        private int _counted;
        private int _uncountedBytes;
        private bool _done;

        /// <summary>Gets a value indicating whether the output counted so far passed the limit with its allowance.</summary>
        public bool Overran { get; private set; }

        /// <summary>Counts the output as it streams. A token is at least one UTF-8 byte, so the tokens are at most the last
        /// count plus the bytes since (give or take the last word of the counted text, which the new text can extend): the
        /// text is counted again only once that bound passes the cut, so a stream within its limit is never counted.</summary>
        private void Append(string text)
        {
            _ = _output.Append(text);
            _uncountedBytes += Encoding.UTF8.GetByteCount(text);
            if (!Overran && _counted + _uncountedBytes > _cutAbove)
            {
                _counted = TokenEstimator.CountTokens(_output.ToString(), budget.Price.Model);
                _uncountedBytes = 0;
                Overran = _counted > _cutAbove;
            }
        }

        public async ValueTask FailedBeforeOutputAsync(Exception exception, bool cancelledByCaller)
        {
            _done = true;
            context.Cost = await governor.EndFailedAsync(budget, exception, cancelledByCaller).ConfigureAwait(false);
        }

        public async ValueTask OnUpdateAsync(ChatResponseUpdate update)
        {
            if (_done)
            {
                return;
            }

            foreach (AIContent content in update.Contents)
            {
                switch (content)
                {
                    case UsageContent usage:
                        _done = true;
                        CallCost cost = await governor.SettleAsync(budget, usage.Details, null).ConfigureAwait(false);
                        context.Cost = cost;
                        (update.AdditionalProperties ??= [])[CostPropertyKey] = cost;
                        return;
                    case TextContent text:
                        Append(text.Text);
                        break;
                    case TextReasoningContent reasoning:
                        Append(reasoning.Text);
                        break;
                }
            }
        }

        /// <summary>Gets a value indicating whether the stream was settled when it ended, without a usage update.</summary>
        public bool SettledAtEnd { get; private set; }

        public async ValueTask EndedAsync(StreamEnd end)
        {
            if (!_done)
            {
                _done = true;
                SettledAtEnd = true;
                context.Cost = await governor.SettleAsync(budget, null, end == StreamEnd.Completed ? null : _output.ToString()).ConfigureAwait(false);
            }
        }
    }
}
