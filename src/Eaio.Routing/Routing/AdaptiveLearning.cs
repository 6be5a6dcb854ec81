using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Eaio.Routing;

/// <summary>
/// The adaptive policy's state: the feedback of each category as last read from the store plus what this host added since,
/// read without locks or allocation by the planner, and re-read from the store every <see cref="RefreshInterval"/> so that
/// hosts sharing a store learn from one another.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "The semaphore holds no OS handle unless its AvailableWaitHandle is read, which it never is.")]
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
    private readonly SemaphoreSlim _storeTurn = new(1, 1);
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

    /// <summary>Gets the feedback of a category and of all categories, as last read plus what this host added since.</summary>
    public void Lookup(string category, out CategoryFeedback feedback, out CategoryFeedback all)
    {
        if (_time.GetElapsedTime(_lastRefresh) >= RefreshInterval && Interlocked.CompareExchange(ref _refreshing, 1, 0) == 0)
        {
            _lastRefresh = _time.GetTimestamp();
            _ = RefreshInBackgroundAsync();
        }

        _categories.TryGetValue(category, out feedback);
        all = _all.Value;
    }

    /// <summary>Chooses for a request of a category with the pure <see cref="AdaptivePolicy"/> over the current state.</summary>
    /// <param name="category">The request's category.</param>
    /// <param name="complexity">The request's complexity.</param>
    /// <param name="threshold">The insight with the threshold in effect.</param>
    /// <param name="draw">The exploration draw; 1 never explores.</param>
    public RoutingInsight Advise(string category, double complexity, in RoutingInsight threshold, double draw)
    {
        Lookup(category, out CategoryFeedback feedback, out CategoryFeedback all);
        double score = AdaptivePolicy.Score(feedback, all, complexity, AdaptivePolicy.Default, out double local, out double external);
        return Decide(category, feedback, score, local, external, threshold, draw);
    }

    /// <summary>The insight for a request whose score and estimates are known.</summary>
    public static RoutingInsight Decide(string category, in CategoryFeedback feedback, double score, double local, double external, in RoutingInsight threshold, double draw) =>
        threshold with
        {
            Category = category,
            Choice = AdaptivePolicy.Choose(feedback, score, threshold.ComplexityThreshold, draw, AdaptivePolicy.Default),
            Feedback = feedback,
            LocalAcceptance = local,
            ExternalAcceptance = external,
            Score = score,
        };

    /// <summary>Stores a score and counts it at once on this host.</summary>
    /// <remarks>
    /// Writes and re-reads take turns (<see cref="_storeTurn"/>): a write that overlapped a re-read could be missing from
    /// what the store returned yet counted here before the re-read replaced the state, and so be hidden until the next
    /// re-read 30 s later (or, the other way round, counted twice). Taking turns, every write is either in what a re-read
    /// returns or added after it. Feedback comes at the pace of people scoring answers, so writes waiting for one another
    /// on one host cost nothing that matters.
    /// </remarks>
    public async Task RecordAsync(string category, ProviderTier tier, double score, CancellationToken cancellationToken)
    {
        await _storeTurn.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
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
        finally
        {
            _storeTurn.Release();
        }
    }

    /// <summary>Replaces the state with the store's, which holds every host's scores, this host's included.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await _storeTurn.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
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
        finally
        {
            _storeTurn.Release();
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
