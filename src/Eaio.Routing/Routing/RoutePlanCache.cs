using System.Collections.Concurrent;

namespace Eaio.Routing;

/// <summary>The routes and exclusions of recent plans by <see cref="PlanKey"/>, so requests alike are not planned again.</summary>
/// <remarks>
/// Only plans made while every configured provider was available are kept (the caller checks), so availability needs no
/// place in the key: when a circuit opens, the router plans afresh instead of asking the cache. Each request still gets
/// its own <see cref="RoutePlan"/> carrying its own profile; only the read-only lists are shared.
/// </remarks>
internal sealed class RoutePlanCache
{
    // Keys are combinations of a few enums, a budget and (for external routes) token counts: a bound keeps a run of
    // distinct token counts or budgets from growing the cache without end.
    private const int MaxEntries = 1024;

    private readonly ConcurrentDictionary<PlanKey, Entry> _plans = new();

    /// <summary>The kept plan of a key, for this request's profile; <see langword="null"/> when there is none or, under a
    /// key without the remaining budget, when the plan's budget decisions do not hold for <paramref name="remainingUsd"/>.</summary>
    public RoutePlan? Find(ResolvedRequestProfile profile, in PlanKey key, in RoutingInsight insight, decimal? remainingUsd)
    {
        if (!_plans.TryGetValue(key, out Entry cached))
        {
            return null;
        }

        if (key.BudgetBanded && !(cached.ReusableFromRemainingUsd is { } least ? remainingUsd >= least : remainingUsd == cached.RemainingUsd))
        {
            return null;
        }

        return new RoutePlan(profile, cached.Plan.Routes, cached.Plan.Exclusions)
        {
            Insight = insight,
            LogProbabilitiesUnavailable = cached.Plan.LogProbabilitiesUnavailable,
        };
    }

    /// <summary>Keeps a plan made with <paramref name="remainingUsd"/> left of the budget, the same plan for any remaining
    /// budget from <paramref name="reusableFromRemainingUsd"/> up (or, when that is <see langword="null"/>, for that cent only).</summary>
    public void Add(in PlanKey key, RoutePlan plan, decimal? remainingUsd, decimal? reusableFromRemainingUsd)
    {
        if (_plans.Count >= MaxEntries)
        {
            _plans.Clear();
        }

        _plans[key] = new Entry(plan, remainingUsd, reusableFromRemainingUsd);
    }

    /// <summary>Gets how many plans are kept, for tests.</summary>
    public int Count => _plans.Count;

    private readonly record struct Entry(RoutePlan Plan, decimal? RemainingUsd, decimal? ReusableFromRemainingUsd);
}
