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
    private readonly TimeProvider _time;
    private PendingSettlements? _pending;

    public BudgetGovernor(
        PriceCatalog prices, IBudgetLedger? ledger, ILogger logger, Action<BudgetStatus> alert, IEnumerable<string>? budgetedTenants = null, TimeProvider? timeProvider = null)
    {
        _time = timeProvider ?? TimeProvider.System;
        _prices = prices;
        _budgetedTenants = budgetedTenants?.ToFrozenSet(StringComparer.Ordinal) ?? FrozenSet<string>.Empty;
        _ledger = ledger;
        _logger = logger;
        _alert = alert;
    }

    /// <summary>The waits before the second and third attempt of a settlement: a locked file or a pool out of connections
    /// is often free again within them, and the caller already has its answer, so the wait is short.</summary>
    private static readonly TimeSpan[] s_settleRetryDelays = [TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(250)];

    /// <summary>Gets or sets the journal of settlements the ledger could not take (see <see cref="PendingSettlements"/>), or
    /// <see langword="null"/> to keep them in memory only; read when the ledger's pending settlements are first needed.</summary>
    public string? PendingSettlementsPath { get; set; }

    /// <summary>Gets or sets the count of calls that used more output than their limit, or <see langword="null"/> to count none.</summary>
    public OutputLimitOverruns? Overruns { get; set; }

    /// <summary>Gets the ledger's pending settlements, or <see langword="null"/> without a ledger.</summary>
    internal PendingSettlements? Pending => _ledger is null ? null : _pending ??= PendingSettlements.For(_ledger, PendingSettlementsPath, _logger);

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
        return await ReserveAsync(tenantId, price, TokenEstimator.EstimateInputTokens(outgoing, options, model), maxOutput, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Holds the worst case of a call whose input is already counted (an embedding's texts).</summary>
    /// <exception cref="BudgetExceededException">Less than the worst case remains.</exception>
    public async ValueTask<CallBudget> ReserveAsync(string? tenantId, ModelPrice price, int input, int maxOutput, CancellationToken cancellationToken)
    {
        decimal worstCase = price.CostUsd(input, 0, maxOutput);
        BudgetReservation? reservation = null;
        if (_ledger is not null)
        {
            // Settlements the ledger could not take are applied first; those still pending are held on top of this call's
            // worst case, so this process cannot spend them again while the ledger does not know them.
            PendingSettlements pending = Pending!;
            await pending.ApplyAsync().ConfigureAwait(false);
            reservation = await _ledger.ReserveAsync(tenantId, worstCase + pending.TotalFor(tenantId), cancellationToken).ConfigureAwait(false);
        }

        return new CallBudget(price, input, maxOutput, worstCase, reservation);
    }

    /// <summary>Settles with the ledger, trying three times; when it still fails, records the settlement as pending and
    /// returns <see langword="null"/>. It never throws: the call was served and billed, and its answer must reach the caller.</summary>
    private async ValueTask<BudgetSettlement?> SettleOrRecordAsync(CallBudget budget, BudgetReservation reservation, decimal usd)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                // Safe to repeat: the ledger counts a reservation once, even when a failure came after its count.
                return await _ledger!.SettleAsync(reservation, usd, CancellationToken.None).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // See the summary: every failure ends in a retry or a pending settlement.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                if (attempt < s_settleRetryDelays.Length)
                {
                    await Task.Delay(s_settleRetryDelays[attempt], _time).ConfigureAwait(false);
                    continue;
                }

                await Pending!.AddAsync(reservation, usd, budget.Price.Provider, ex).ConfigureAwait(false);
                return null;
            }
        }
    }

    /// <summary>Logs and meters a call that cost more than its hold or used more output than its limit; the latter counts
    /// against the provider (see <see cref="OutputLimitOverruns"/>).</summary>
    private void ReportOverHold(CallBudget budget, CallCost cost)
    {
        bool overran = cost.OutputTokens > budget.MaxOutputTokens;
        EaioMetrics.SettlementsOverHold.Add(
            1,
            new KeyValuePair<string, object?>("gen_ai.provider.name", budget.Price.Provider),
            new KeyValuePair<string, object?>("gen_ai.request.model", budget.Price.Model),
            new KeyValuePair<string, object?>("eaio.output_overrun", overran));
        if (overran)
        {
            Overruns?.Record();
            LogOutputOverrun(budget.Price.Provider, budget.Price.Model, cost.OutputTokens, budget.MaxOutputTokens, cost.ToString(), budget.WorstCaseUsd, Overruns?.Count ?? 0);
        }
        else
        {
            LogInputUnderestimated(budget.Price.Provider, budget.Price.Model, cost.ToString(), budget.WorstCaseUsd, budget.InputTokens);
        }
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
        if (cost.OutputTokens > budget.MaxOutputTokens || cost.Usd > budget.WorstCaseUsd)
        {
            ReportOverHold(budget, cost);
        }

        if (budget.Reservation is { } reservation && await SettleOrRecordAsync(budget, reservation, cost.Usd).ConfigureAwait(false) is { } settlement)
        {
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

    [LoggerMessage(LogLevel.Warning, "{Provider}/{Model} used {Output} output tokens on a call sent with a limit of {Limit}: charged {Cost} against a hold of ${Held}; {Overruns} such calls since the last reset.")]
    private partial void LogOutputOverrun(string provider, string model, long output, int limit, string cost, decimal held, int overruns);

    [LoggerMessage(LogLevel.Warning, "A call to {Provider}/{Model} cost {Cost}, more than its hold of ${Held}: its input was estimated at {EstimatedInput} tokens.")]
    private partial void LogInputUnderestimated(string provider, string model, string cost, decimal held, int estimatedInput);

    [LoggerMessage(LogLevel.Information, "{Provider}/{Model} reported no usage; the call is charged the router's estimate {Cost}.")]
    private partial void LogCostEstimated(string provider, string model, string cost);
}
