using Microsoft.Extensions.AI;

namespace Eaio.Routing;

/// <summary>
/// The router's planning: resolves a request's profile (with a conversation's CRITICAL mark), reads what remains of the
/// budget and which providers are available, and asks the pure <see cref="RoutingPolicy"/> for the plan, reusing plans
/// while every provider is available.
/// </summary>
internal sealed class RoutePlanner(
    RoutingPolicy policy, RequestProfiler profiler, RouteTable routes, IBudgetSnapshotSource budgets, CriticalConversationMarks marks, ProviderHealthMonitor? monitor, RoutingAdvisor? advisor = null)
{
    private readonly RoutePlanCache _plans = new();

    /// <summary>Gets how many plans are kept for reuse.</summary>
    public int CachedPlans => _plans.Count;

    /// <summary>Plans from the messages and options alone, without reading the vault.</summary>
    /// <remarks>
    /// For <see cref="HybridRouterChatClient.Explain"/> only, which is synchronous: when the ledger must read its store
    /// for the budget, this thread waits for it. Calls plan with <see cref="PlanAsync"/>, which never blocks.
    /// </remarks>
    public RoutePlan Plan(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        ValueTask<RoutePlan> planning = PlanForAsync(profiler.Resolve(messages, options), record: false, CancellationToken.None);
        return planning.IsCompletedSuccessfully ? planning.Result : planning.AsTask().GetAwaiter().GetResult();
    }

    /// <summary>Plans as a call plans: a conversation an earlier turn marked CRITICAL stays local.</summary>
    /// <param name="messages">The request's messages.</param>
    /// <param name="options">The request's options.</param>
    /// <param name="record">Whether the request is being served (its score counts into the calibration and it may explore);
    /// <see langword="false"/> for <c>ExplainAsync</c>, which changes no state.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <remarks>Completes synchronously, without allocating, when there is no conversation and the budget is known in memory.</remarks>
    public ValueTask<RoutePlan> PlanAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, bool record, CancellationToken cancellationToken)
    {
        ResolvedRequestProfile profile = profiler.Resolve(messages, options);
        if (options?.ConversationId is null)
        {
            // No conversation, no mark to read.
            return PlanForAsync(profile, record, cancellationToken);
        }

        return PlanConversationAsync(profile, options, record, cancellationToken);
    }

    private async ValueTask<RoutePlan> PlanConversationAsync(ResolvedRequestProfile profile, ChatOptions options, bool record, CancellationToken cancellationToken) =>
        await PlanForAsync(await RememberCriticalConversationAsync(profile, options, cancellationToken).ConfigureAwait(false), record, cancellationToken).ConfigureAwait(false);

    private ValueTask<RoutePlan> PlanForAsync(ResolvedRequestProfile profile, bool record, CancellationToken cancellationToken)
    {
        // A local-only request can take no external route, so what remains of the budget cannot change its plan; not
        // reading it saves the ledger a look-up and keeps such plans cached while external calls move the budget.
        if (profile.IsLocalOnly)
        {
            return new ValueTask<RoutePlan>(PlanFor(profile, BudgetSnapshot.Unlimited, record));
        }

        ValueTask<BudgetSnapshot> reading = budgets.GetSnapshotAsync(profile.TenantId, cancellationToken);
        return reading.IsCompletedSuccessfully
            ? new ValueTask<RoutePlan>(PlanFor(profile, ToWholeCents(reading.Result), record))
            : PlanAfterReadingAsync(profile, reading, record);
    }

    private async ValueTask<RoutePlan> PlanAfterReadingAsync(ResolvedRequestProfile profile, ValueTask<BudgetSnapshot> reading, bool record) =>
        PlanFor(profile, ToWholeCents(await reading.ConfigureAwait(false)), record);

    private RoutePlan PlanFor(ResolvedRequestProfile profile, BudgetSnapshot budget, bool record)
    {
        // The calibrated threshold and the adaptive choice; they change the plan only through its key's complexity rule.
        RoutingInsight insight = advisor?.Advise(profile, record) ?? RoutingInsight.Fixed;
        IReadOnlyList<ProviderHealth>? health = monitor?.Current;
        bool healthy = routes.AllAvailable(health);
        if (!healthy)
        {
            // A circuit is open or a health check failed: plan with the current reasons, and keep nothing (the reasons change).
            return policy.Plan(profile, routes.Availability(health), budget, insight);
        }

        // With every configured provider available, the plan only depends on the profile and the budget: reuse it.
        PlanKey key = policy.KeyFor(profile, budget, routes.ExternalConfigured, insight);
        if (_plans.Find(profile, key, insight, budget.RemainingUsd) is { } cached)
        {
            return cached;
        }

        RoutePlan plan = policy.Plan(profile, routes.Healthy, budget, insight, out decimal? reusableFrom);
        _plans.Add(key, plan, budget.RemainingUsd, reusableFrom);
        return plan;
    }

    /// <summary>
    /// A conversation that once carried CRITICAL data stays CRITICAL for the life of its vault scope (see
    /// <see cref="CriticalConversationMarks"/>).
    /// </summary>
    private async ValueTask<ResolvedRequestProfile> RememberCriticalConversationAsync(ResolvedRequestProfile profile, ChatOptions options, CancellationToken cancellationToken)
    {
        if (options.ConversationId is not { } conversation)
        {
            return profile;
        }

        try
        {
            if (profile.Sensitivity == DataSensitivity.Critical)
            {
                await marks.MarkAsync(profile.TenantId, conversation, cancellationToken).ConfigureAwait(false);
                return profile;
            }

            if (await marks.IsMarkedAsync(profile.TenantId, conversation, cancellationToken).ConfigureAwait(false))
            {
                return profile with
                {
                    Sensitivity = DataSensitivity.Critical,
                    Notes = [.. profile.Notes, "CRITICAL: an earlier turn of this conversation carried CRITICAL data, so the conversation stays local"],
                };
            }
        }
#pragma warning disable CA1031 // Fail closed: a vault that cannot say whether the conversation is clean keeps it local.
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            return profile with
            {
                Sensitivity = DataSensitivity.Critical,
                Notes = [.. profile.Notes, $"CRITICAL: the conversation's history could not be read ({ex.GetType().Name}), so the request stays local"],
            };
        }

        return profile;
    }

    /// <summary>
    /// What remains, rounded down to the cent: plans are reused per budget, and the exact remainder changes with every
    /// external call, so a plan made for it was never reused while a budget was set (every external call planned afresh,
    /// 29 µs against 14 at 200 characters, docs/benchmarks.md). Rounding down errs on the side of the budget: a route whose
    /// estimate is within a twentieth of a cent of its limit may be skipped, never one over it taken.
    /// </summary>
    private static BudgetSnapshot ToWholeCents(BudgetSnapshot snapshot) =>
        snapshot.RemainingUsd is { } remaining ? snapshot with { RemainingUsd = decimal.Floor(remaining * 100m) / 100m } : snapshot;
}
