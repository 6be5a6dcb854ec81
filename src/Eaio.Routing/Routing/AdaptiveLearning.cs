using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Eaio.Routing;

/// <summary>
/// The adaptive policy's state: the feedback of each category as last read from the store plus what this host added since,
/// read without locks or allocation by the planner, and re-read from the store every <see cref="RefreshInterval"/> so that
/// hosts sharing a store learn from one another.
/// </summary>
internal sealed partial class AdaptiveLearning
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(30);

    // Past this many categories, new ones are planned by the complexity rule (and still stored): a bound on memory.
    private const int MaxCategories = 10_000;

    private readonly ConcurrentDictionary<string, CategoryFeedback> _categories = new(StringComparer.Ordinal);
    private readonly IRoutingFeedbackStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private Totals _all = new(default);
    private long _lastRefresh;
    private int _refreshing;

    public AdaptiveLearning(IRoutingFeedbackStore store, TimeProvider time, ILogger logger)
    {
        _store = store;
        _time = time;
        _logger = logger;
        _lastRefresh = time.GetTimestamp();
        _ = RefreshInBackgroundAsync();
    }

    public IRoutingFeedbackStore Store => _store;

    /// <summary>Chooses for a category: the pure <see cref="AdaptivePolicy"/> over the current state.</summary>
    public RoutingInsight Advise(string category, in RoutingInsight threshold, double draw)
    {
        if (_time.GetElapsedTime(_lastRefresh) >= RefreshInterval && Interlocked.CompareExchange(ref _refreshing, 1, 0) == 0)
        {
            _lastRefresh = _time.GetTimestamp();
            _ = RefreshInBackgroundAsync();
        }

        _categories.TryGetValue(category, out CategoryFeedback feedback);
        CategoryFeedback all = _all.Value;
        AdaptiveChoice choice = AdaptivePolicy.Choose(feedback, all, draw, out double local, out double external, AdaptivePolicy.Default);
        return threshold with
        {
            Category = category,
            Choice = choice,
            Feedback = feedback,
            LocalAcceptance = local,
            ExternalAcceptance = external,
            Target = AdaptivePolicy.Target,
        };
    }

    /// <summary>Stores a score and counts it at once on this host.</summary>
    public async Task RecordAsync(string category, ProviderTier tier, double score, CancellationToken cancellationToken)
    {
        await _store.AddAsync(category, tier, score, cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            if (_categories.TryGetValue(category, out CategoryFeedback feedback) || _categories.Count < MaxCategories)
            {
                _categories[category] = feedback.Add(tier, score);
            }

            _all = new Totals(_all.Value.Add(tier, score));
        }
    }

    /// <summary>Replaces the state with the store's, which holds every host's scores.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        IReadOnlyDictionary<string, CategoryFeedback> stored = await _store.ReadAsync(cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            CategoryFeedback all = default;
            foreach (KeyValuePair<string, CategoryFeedback> category in stored)
            {
                all = all.Add(category.Value);
                if (_categories.ContainsKey(category.Key) || _categories.Count < MaxCategories)
                {
                    _categories[category.Key] = category.Value;
                }
            }

            _all = new Totals(all);
        }
    }

    private async Task RefreshInBackgroundAsync()
    {
        try
        {
            await RefreshAsync(CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The learnt state only advises: a store that cannot be read leaves the last state in use.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogRefreshFailed(_logger, ex);
        }
        finally
        {
            Volatile.Write(ref _refreshing, 0);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The adaptive routing state could not be read from its store; the last state stays in use")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);

    /// <summary>The pooled feedback, swapped whole so that the planner never reads half of an update.</summary>
    private sealed record Totals(CategoryFeedback Value);
}
