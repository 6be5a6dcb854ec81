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

    private readonly ConcurrentDictionary<PlanKey, RoutePlan> _plans = new();

    public RoutePlan? Find(ResolvedRequestProfile profile, in PlanKey key, in RoutingInsight insight) =>
        _plans.TryGetValue(key, out RoutePlan? cached) ? new RoutePlan(profile, cached.Routes, cached.Exclusions) { Insight = insight } : null;

    public void Add(in PlanKey key, RoutePlan plan)
    {
        if (_plans.Count >= MaxEntries)
        {
            _plans.Clear();
        }

        _plans[key] = plan;
    }

    /// <summary>Gets how many plans are kept, for tests.</summary>
    public int Count => _plans.Count;
}
