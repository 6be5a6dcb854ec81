using System.Collections.Frozen;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Eaio.Routing;

/// <summary>
/// The cost side of an external call: estimates its worst case and holds it on the ledger before the call, turns the
/// reported usage into a cost and settles it after, and raises the period's budget alert.
/// </summary>
internal sealed partial class BudgetGovernor
{
    private readonly PriceCatalog _prices;
    private readonly IBudgetLedger? _ledger;
    private readonly ILogger _logger;
    private readonly Action<BudgetStatus> _alert;
    private readonly FrozenSet<string> _budgetedTenants;

    public BudgetGovernor(PriceCatalog prices, IBudgetLedger? ledger, ILogger logger, Action<BudgetStatus> alert, IEnumerable<string>? budgetedTenants = null)
    {
        _prices = prices;
        _budgetedTenants = budgetedTenants?.ToFrozenSet(StringComparer.Ordinal) ?? FrozenSet<string>.Empty;
        _ledger = ledger;
        _logger = logger;
        _alert = alert;
    }

    /// <summary>Estimates a call and holds its worst case.</summary>
    /// <remarks><paramref name="maxOutput"/> is the limit the call is sent with.</remarks>
    /// <exception cref="BudgetExceededException">Less than the worst case remains.</exception>
    /// <exception cref="InvalidOperationException">The model has no price.</exception>
    public async ValueTask<CallBudget> ReserveAsync(
        string? tenantId, string provider, string model, IEnumerable<ChatMessage> outgoing, ChatOptions? options, int maxOutput, CancellationToken cancellationToken)
    {
        // The router refuses to start with an external model that has no price, so this only fails on a host's own catalogue bug.
        ModelPrice price = _prices.Find(provider, model)
            ?? throw new InvalidOperationException($"No price for {provider}/{model}: refusing to send an unpriced call. Add the model to the price catalogue (EaioHybridChatOptions.Prices or prices.json).");
        int input = TokenEstimator.EstimateInputTokens(outgoing, options, model);
        decimal worstCase = price.CostUsd(input, 0, maxOutput);
        BudgetReservation? reservation = _ledger is null
            ? null
            : await _ledger.ReserveAsync(tenantId, worstCase, cancellationToken).ConfigureAwait(false);
        return new CallBudget(price, input, maxOutput, worstCase, reservation);
    }

    /// <summary>Counts what a call cost and ends its hold.</summary>
    /// <param name="budget">The call's estimate and hold.</param>
    /// <param name="usage">The usage the provider reported, or <see langword="null"/>.</param>
    /// <param name="partialOutput">For a call cut short without usage: the output received, counted as what was used.</param>
    public async ValueTask<CallCost> SettleAsync(CallBudget budget, UsageDetails? usage, string? partialOutput)
    {
        CallCost cost = CostOf(budget, usage, partialOutput);
        if (!budget.TryBeginSettle())
        {
            // Settled before (a settle that failed after the ledger counted it, then the stream's end): counting it again
            // would charge the call twice.
            return cost;
        }

        EaioMetrics.CostUsd.Add(
            (double)cost.Usd,
            new KeyValuePair<string, object?>("gen_ai.provider.name", budget.Price.Provider),
            new KeyValuePair<string, object?>("gen_ai.request.model", budget.Price.Model),
            new KeyValuePair<string, object?>("eaio.cost.estimated", cost.IsEstimated));
        if (budget.Reservation is { } reservation)
        {
            BudgetSettlement settlement = await _ledger!.SettleAsync(reservation, cost.Usd, CancellationToken.None).ConfigureAwait(false);
            EaioMetrics.BudgetRemainingUsd.Record((double)settlement.Status.RemainingUsd, TenantTag(settlement.Status.TenantId));
            if (settlement.AlertRaised)
            {
                EaioMetrics.BudgetAlerts.Add(1, TenantTag(settlement.Status.TenantId));
                LogBudgetAlert(settlement.Status.TenantId ?? "(host)", settlement.Status.AlertThreshold, settlement.Status.ToString());
                try
                {
                    _alert(settlement.Status);
                }
#pragma warning disable CA1031 // A host's handler must not undo a settled call: its failure is logged.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    LogAlertHandlerFailed(ex.GetType().Name, ex);
                }
            }
        }

        if (cost.IsEstimated)
        {
            LogCostEstimated(budget.Price.Provider, budget.Price.Model, cost.ToString());
        }

        return cost;
    }

    /// <summary>The tenant as a metric tag: only tenants with a budget of their own are named. A tenant id can be a user's
    /// id or e-mail, and a metrics backend must get neither personal data nor an unbounded number of series.</summary>
    private KeyValuePair<string, object?> TenantTag(string? tenantId) =>
        new("eaio.tenant", tenantId is null ? string.Empty : _budgetedTenants.Contains(tenantId) ? tenantId : "(other)");

    /// <summary>Ends the hold of a call that failed before its answer: released, as nothing is known to be billed, unless the
    /// router's time limit cut it, when the provider had the request and may have billed its input: that is charged,
    /// flagged as estimated, so a provider that keeps timing out cannot spend without a trace.</summary>
    /// <returns>The cost charged, or <see langword="null"/> when the hold was released.</returns>
    /// <remarks>It never throws: it runs on a failure path, where a ledger error would replace the call's own failure
    /// (which the router fails over on); it is logged, and the hold expires after <c>BUDGET_RESERVATION_SEC</c>.</remarks>
    public async ValueTask<CallCost?> ReleaseOrChargeInputAsync(CallBudget? budget, Exception failure)
    {
        try
        {
            if (budget is not null && failure is TimeoutException && !ProviderResilienceChatClient.WasNotSent(failure))
            {
                return await SettleAsync(budget, null, partialOutput: string.Empty).ConfigureAwait(false);
            }

            await ReleaseAsync(budget).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // See the remarks: logged, and the hold expires.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogHoldNotEnded(budget?.Price.Provider ?? "?", ex.GetType().Name, ex);
        }

        return null;
    }

    /// <summary>Ends the hold of a call that failed before its answer: released when the caller cancelled it, else as
    /// <see cref="ReleaseOrChargeInputAsync"/> decides.</summary>
    /// <returns>The cost charged, or <see langword="null"/> when the hold was released.</returns>
    public async ValueTask<CallCost?> EndFailedAsync(CallBudget budget, Exception failure, bool cancelledByCaller)
    {
        if (cancelledByCaller)
        {
            // Nothing is known to be billed.
            await ReleaseAsync(budget).ConfigureAwait(false);
            return null;
        }

        return await ReleaseOrChargeInputAsync(budget, failure).ConfigureAwait(false);
    }

    /// <summary>Ends a hold without counting anything: the call failed before it was answered, or the caller cancelled it.</summary>
    /// <remarks>It never throws, for the reason <see cref="ReleaseOrChargeInputAsync"/> gives.</remarks>
    public async ValueTask ReleaseAsync(CallBudget? budget)
    {
        if (budget?.Reservation is not { } reservation)
        {
            return;
        }

        try
        {
            await _ledger!.ReleaseAsync(reservation, CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // See the remarks.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogHoldNotEnded(budget.Price.Provider, ex.GetType().Name, ex);
        }
    }

    /// <summary>The cost of a local call: nothing, with the tokens it reported (a count that makes no sense as 0, flagged).</summary>
    internal static CallCost Free(UsageDetails? usage)
    {
        long? input = Sane(usage?.InputTokenCount);
        long? output = Sane(usage?.OutputTokenCount);
        return new(0m, input ?? 0, Math.Clamp(usage?.CachedInputTokenCount ?? 0, 0, input ?? 0), output ?? 0, IsEstimated: input is null || output is null);
    }

    /// <summary>The cost of a call from its usage; without usage, what was used (a cut stream) or the worst case, flagged as estimated.</summary>
    /// <remarks>A count that makes no sense (negative) is treated as one the provider left out: charged at its worst case and
    /// flagged, never trusted and never allowed to fail the settlement of a call that was served.</remarks>
    internal static CallCost CostOf(CallBudget budget, UsageDetails? usage, string? partialOutput)
    {
        long? reportedInput = Sane(usage?.InputTokenCount);
        long? reportedOutput = Sane(usage?.OutputTokenCount);
        if (reportedInput is not null || reportedOutput is not null)
        {
            long input = reportedInput ?? budget.InputTokens;
            long cached = Math.Clamp(usage!.CachedInputTokenCount ?? 0, 0, input);
            // A count the provider left out is charged at its worst case and flagged, never as nothing.
            long output = reportedOutput ?? budget.MaxOutputTokens;
            return new CallCost(budget.Price.CostUsd(input, cached, output), input, cached, output, reportedInput is null || reportedOutput is null);
        }

        if (partialOutput is not null)
        {
            int output = TokenEstimator.CountTokens(partialOutput, budget.Price.Model);
            return new CallCost(budget.Price.CostUsd(budget.InputTokens, 0, output), budget.InputTokens, 0, output, IsEstimated: true);
        }

        // A provider that reports nothing (or nothing that makes sense) is charged the worst case, never nothing.
        return new CallCost(budget.WorstCaseUsd, budget.InputTokens, 0, budget.MaxOutputTokens, IsEstimated: true);
    }

    /// <summary>A reported token count, or <see langword="null"/> when there is none or it is negative.</summary>
    private static long? Sane(long? count) => count is >= 0 ? count : null;

    [LoggerMessage(LogLevel.Warning, "Budget alert for {Tenant}: spending reached {Threshold:P0} of the budget. {Status}")]
    private partial void LogBudgetAlert(string tenant, double threshold, string status);

    [LoggerMessage(LogLevel.Warning, "A BudgetAlertRaised handler threw {ErrorType}; the call was settled and the alert recorded.")]
    private partial void LogAlertHandlerFailed(string errorType, Exception exception);

    [LoggerMessage(LogLevel.Error, "The budget hold of a failed call to {Provider} could not be ended ({ErrorType}); it expires after BUDGET_RESERVATION_SEC.")]
    private partial void LogHoldNotEnded(string provider, string errorType, Exception exception);

    [LoggerMessage(LogLevel.Information, "{Provider}/{Model} reported no usage; the call is charged the router's estimate {Cost}.")]
    private partial void LogCostEstimated(string provider, string model, string cost);
}
