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
        _governor = new BudgetGovernor(prices ?? PriceCatalog.Default, ledger, logger ?? NullLogger.Instance, OnAlert, budgetedTenants);
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
            options = options.Clone();
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
        private bool _done;

        public async ValueTask FailedBeforeFirstUpdateAsync(Exception exception, bool cancelledByCaller)
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
                        _ = _output.Append(text.Text);
                        break;
                    case TextReasoningContent reasoning:
                        _ = _output.Append(reasoning.Text);
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
