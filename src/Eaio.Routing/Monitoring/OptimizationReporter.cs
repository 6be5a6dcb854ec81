using System.Globalization;

namespace Eaio.Routing;

/// <summary>Makes the <see cref="OptimizationReport"/> from the request log: figures per provider and model, the seed's
/// targets, and recommendations priced with the <see cref="PriceCatalog"/>.</summary>
/// <remarks>
/// Estimated monthly savings are the period's figures scaled to 30 days. Routing simple external requests (complexity under
/// <see cref="OptimizationTargets.LocalComplexity"/>) to the local model saves what they cost; routing requests up to
/// <see cref="OptimizationTargets.CheaperModelComplexity"/> to the provider's cheapest model saves their cost less what
/// their tokens cost at that model's price. The request log deletes entries older than its retention
/// (<c>REQUEST_LOG_RETENTION_DAYS</c>, default 90 days): a period that starts further back reports only what is left.
/// </remarks>
public sealed class OptimizationReporter
{
    private readonly IRequestLog _log;
    private readonly PriceCatalog _prices;
    private readonly HashSet<string> _chatModels;
    private readonly string _localModel;
    private readonly OptimizationTargets _targets;
    private readonly TimeProvider _time;
    private readonly TimeSpan _retention;

    /// <summary>Initializes a new instance of the <see cref="OptimizationReporter"/> class.</summary>
    /// <param name="log">The request log to report on.</param>
    /// <param name="options">The router's configuration, for prices and the local model; the defaults when <see langword="null"/>.</param>
    /// <param name="targets">The targets; the seed's when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock that ends the default period; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="log"/> is <see langword="null"/>.</exception>
    public OptimizationReporter(IRequestLog log, EaioHybridChatOptions? options = null, OptimizationTargets? targets = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(log);
        options ??= new EaioHybridChatOptions();
        _log = log;
        _prices = options.ResolvePrices();
        ProviderCatalog catalog = options.ResolveCatalog();
        _localModel = $"{catalog.Local.Name}/{catalog.Local.ModelFor(ModelTask.Complex).Id}";

        // Only models the router can chat with are candidates: the price list also prices embedding models.
        _chatModels = new HashSet<string>(catalog.Providers.SelectMany(p => p.Models.Select(m => $"{p.Name}/{m.Id}")), StringComparer.OrdinalIgnoreCase);
        _targets = targets ?? new OptimizationTargets();
        _time = timeProvider ?? TimeProvider.System;
        _retention = options.RequestLogRetention;
    }

    /// <summary>Reports on the period that ends now.</summary>
    /// <param name="period">The period's length; 30 days when <see langword="null"/>.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The report.</returns>
    public Task<OptimizationReport> CreateAsync(TimeSpan? period = null, CancellationToken cancellationToken = default)
    {
        DateTimeOffset until = _time.GetUtcNow();
        return CreateAsync(until - (period ?? TimeSpan.FromDays(30)), until, cancellationToken);
    }

    /// <summary>Reports on a period.</summary>
    /// <param name="since">The period's start, included.</param>
    /// <param name="until">The period's end, excluded.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The report.</returns>
    /// <exception cref="ArgumentException"><paramref name="until"/> is not after <paramref name="since"/>.</exception>
    public async Task<OptimizationReport> CreateAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken = default)
    {
        if (until <= since)
        {
            throw new ArgumentException($"The period must end after it starts; got {since:u} to {until:u}.", nameof(until));
        }

        // The request log is flushed first so the report includes what was just recorded.
        await _log.FlushAsync(cancellationToken).ConfigureAwait(false);
        Dictionary<(string Provider, string Model), Accumulator> groups = [];
        Accumulator? last = null;
        Dictionary<string, CategoryAccumulator> categories = new(StringComparer.Ordinal);
        void Add(ReportRow row)
        {
            if (row.Category is { } category && row.Outcome == RequestOutcome.Succeeded)
            {
                if (!categories.TryGetValue(category, out CategoryAccumulator? totals))
                {
                    totals = new CategoryAccumulator(category);
                    categories.Add(category, totals);
                }

                totals.Add(row);
            }

            // Consecutive rows often share a model: skip the lookup then.
            if (last is null || !string.Equals(last.Provider, row.Provider, StringComparison.Ordinal) || !string.Equals(last.Model, row.Model, StringComparison.Ordinal))
            {
                if (!groups.TryGetValue((row.Provider, row.Model), out last))
                {
                    last = new Accumulator(row.Provider, row.Model, row.Tier);
                    groups.Add((row.Provider, row.Model), last);
                }
            }

            last.Add(row, _targets);
        }

        if (_log is SqliteRequestLog sqlite)
        {
            // The SQLite log reads only the report's columns; any other log is read entry by entry.
            await sqlite.ScanReportRowsAsync(since, until, Add, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await foreach (RequestLogEntry entry in _log.ReadAsync(since, until, cancellationToken).ConfigureAwait(false))
            {
                Add(ReportRow.From(entry));
            }
        }

        decimal monthly = 30m / (decimal)(until - since).TotalDays;
        List<ProviderModelStatistics> models = [.. groups.Values.OrderBy(g => g.Provider, StringComparer.Ordinal).ThenBy(g => g.Model, StringComparer.Ordinal).Select(g => g.ToStatistics())];
        List<TargetCheck> checks = [.. models.SelectMany(Check)];
        List<Recommendation> recommendations = [];
        foreach (Accumulator group in groups.Values.Where(g => g.Tier == ProviderTier.External))
        {
            Recommend(group, monthly, recommendations);
        }

        foreach (TargetCheck check in checks.Where(c => !c.Met))
        {
            recommendations.Add(new Recommendation(
                RecommendationKind.Performance,
                check.Provider,
                check.Model,
                string.Create(CultureInfo.InvariantCulture, $"{check.Provider}/{check.Model} missed its {check.Metric} target: {check.FormattedActual}, target {check.Target}."),
                0m));
        }

        return new OptimizationReport
        {
            Since = since,
            Until = until,
            Requests = models.Sum(m => m.Requests),
            CostUsd = models.Sum(m => m.CostUsd),
            Models = models,
            Categories = [.. categories.Values.OrderByDescending(c => c.Requests).ThenBy(c => c.Category, StringComparer.Ordinal).Select(c => c.ToAcceptance())],
            Checks = checks,
            Recommendations = [.. recommendations.OrderByDescending(r => r.EstimatedMonthlySavingsUsd).ThenBy(r => r.Kind)],
            Notes = since < _time.GetUtcNow() - _retention
                ? [string.Create(CultureInfo.InvariantCulture, $"The request log keeps {_retention.TotalDays:0} days (REQUEST_LOG_RETENTION_DAYS) and this period starts {since:yyyy-MM-dd}, before that: older entries may have been purged, so its figures and savings may be incomplete.")]
                : [],
        };
    }

    private void Recommend(Accumulator group, decimal monthly, List<Recommendation> recommendations)
    {
        CultureInfo c = CultureInfo.InvariantCulture;
        if (group.Succeeded > 0 && group.SimpleCount > 0 && group.SimpleCost > 0)
        {
            decimal savings = group.SimpleCost * monthly;
            double share = (double)group.SimpleCount / group.Succeeded;
            recommendations.Add(new Recommendation(
                RecommendationKind.RouteLocally,
                group.Provider,
                group.Model,
                string.Create(c, $"{share:0%} of {group.Provider}/{group.Model} requests had complexity < {_targets.LocalComplexity:0.##}; routing them to {_localModel} would save ${savings:0.00} a month."),
                savings));
        }

        // The provider's cheapest model by list price; the request's tokens priced at it (cache discounts left out, so the saving is not overstated).
        ModelPrice? cheapest = _prices.Prices
            .Where(p => string.Equals(p.Provider, group.Provider, StringComparison.OrdinalIgnoreCase) && _chatModels.Contains($"{p.Provider}/{p.Model}"))
            .OrderBy(p => p.InputUsdPerMillionTokens + p.OutputUsdPerMillionTokens)
            .FirstOrDefault();
        if (group.ModerateCount == 0 || cheapest is null || string.Equals(cheapest.Model, group.Model, StringComparison.OrdinalIgnoreCase)
            || cheapest.Aliases.Contains(group.Model, StringComparer.OrdinalIgnoreCase))
        {
            return;
        }

        decimal cheaperCost = cheapest.CostUsd(group.ModerateInputTokens, 0, group.ModerateOutputTokens);
        decimal saving = (group.ModerateCost - cheaperCost) * monthly;
        if (saving > 0)
        {
            double share = (double)group.ModerateCount / group.Succeeded;
            recommendations.Add(new Recommendation(
                RecommendationKind.CheaperModel,
                group.Provider,
                group.Model,
                string.Create(c, $"{share:0%} of {group.Provider}/{group.Model} requests had complexity {_targets.LocalComplexity:0.##} to {_targets.CheaperModelComplexity:0.##}; serving them with {group.Provider}/{cheapest.Model} would save ${saving:0.00} a month."),
                saving));
        }
    }

    private IEnumerable<TargetCheck> Check(ProviderModelStatistics m)
    {
        bool local = m.Tier == ProviderTier.Local;
        TimeSpan latency = local ? _targets.LocalLatency : _targets.ApiLatency;
        if (m.P95LatencyMs is { } p95)
        {
            yield return new TargetCheck(m.Provider, m.Model, "p95 latency", string.Create(CultureInfo.InvariantCulture, $"< {latency.TotalMilliseconds:0} ms"), p95, p95 < latency.TotalMilliseconds);
        }

        if (m.Requests - m.Blocked - m.Cancelled > 0)
        {
            yield return new TargetCheck(m.Provider, m.Model, "error rate", string.Create(CultureInfo.InvariantCulture, $"< {_targets.ErrorRate:0.##%}"), m.ErrorRate, m.ErrorRate < _targets.ErrorRate);
            if (!local)
            {
                yield return new TargetCheck(m.Provider, m.Model, "availability", string.Create(CultureInfo.InvariantCulture, $"> {_targets.Availability:0.0##%}"), m.Availability, m.Availability > _targets.Availability);
            }
        }

        if (!local && m.RateLimitUtilization is { } utilization)
        {
            yield return new TargetCheck(m.Provider, m.Model, "rate-limit utilisation (p95)", string.Create(CultureInfo.InvariantCulture, $"< {_targets.RateLimitUtilization:0%}"), utilization, utilization < _targets.RateLimitUtilization);
        }

        if (local && m.TokensPerSecond is { } speed)
        {
            yield return new TargetCheck(
                m.Provider,
                m.Model,
                "throughput (tokens/s)",
                string.Create(CultureInfo.InvariantCulture, $"{_targets.LocalMinTokensPerSecond:0}-{_targets.LocalMaxTokensPerSecond:0}"),
                speed,
                speed >= _targets.LocalMinTokensPerSecond && speed <= _targets.LocalMaxTokensPerSecond);
        }
    }

    private static double? Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? null : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static double? Mean(List<double> values) => values.Count == 0 ? null : values.Average();

    /// <summary>One category's answers and scores by tier while the log is read.</summary>
    private sealed class CategoryAccumulator(string category)
    {
        private int _localRequests, _localScored, _externalRequests, _externalScored;
        private double _localScore, _externalScore;

        public string Category { get; } = category;

        public int Requests => _localRequests + _externalRequests;

        public void Add(in ReportRow row)
        {
            if (row.Tier == ProviderTier.Local)
            {
                _localRequests++;
                if (row.QualityScore is { } score)
                {
                    _localScored++;
                    _localScore += score;
                }
            }
            else
            {
                _externalRequests++;
                if (row.QualityScore is { } score)
                {
                    _externalScored++;
                    _externalScore += score;
                }
            }
        }

        public CategoryAcceptance ToAcceptance() => new()
        {
            Category = Category,
            LocalRequests = _localRequests,
            LocalScored = _localScored,
            LocalMeanScore = _localScored == 0 ? null : _localScore / _localScored,
            ExternalRequests = _externalRequests,
            ExternalScored = _externalScored,
            ExternalMeanScore = _externalScored == 0 ? null : _externalScore / _externalScored,
        };
    }

    /// <summary>One provider and model's running totals while the log is read.</summary>
    private sealed class Accumulator(string provider, string model, ProviderTier tier)
    {
        private readonly List<double> _latencies = [];
        private readonly List<double> _ttft = [];
        private readonly List<double> _rateLimit = [];
        private int _requests, _failed, _unavailable, _blocked, _cancelled, _rated;
        private decimal _cost;
        private long _input, _output, _succeededOutput;
        private double _quality, _succeededSeconds;

        public string Provider { get; } = provider;

        public string Model { get; } = model;

        public ProviderTier Tier { get; } = tier;

        public int Succeeded { get; private set; }

        public int SimpleCount { get; private set; }

        public decimal SimpleCost { get; private set; }

        public int ModerateCount { get; private set; }

        public decimal ModerateCost { get; private set; }

        public long ModerateInputTokens { get; private set; }

        public long ModerateOutputTokens { get; private set; }

        public void Add(in ReportRow entry, OptimizationTargets targets)
        {
            _requests++;
            _cost += entry.CostUsd;
            _input += entry.InputTokens;
            _output += entry.OutputTokens;
            if (entry.QualityScore is { } quality)
            {
                _quality += quality;
                _rated++;
            }

            if (entry.RateLimitUtilization is { } utilization)
            {
                _rateLimit.Add(utilization);
            }

            switch (entry.Outcome)
            {
                case RequestOutcome.Succeeded:
                    Succeeded++;
                    _latencies.Add(entry.LatencyMs);
                    _succeededSeconds += entry.LatencyMs / 1000;
                    _succeededOutput += entry.OutputTokens;
                    if (entry.TimeToFirstTokenMs is { } ttft)
                    {
                        _ttft.Add(ttft);
                    }

                    if (entry.Complexity < targets.LocalComplexity)
                    {
                        SimpleCount++;
                        SimpleCost += entry.CostUsd;
                    }
                    else if (entry.Complexity <= targets.CheaperModelComplexity)
                    {
                        ModerateCount++;
                        ModerateCost += entry.CostUsd;
                        ModerateInputTokens += entry.InputTokens;
                        ModerateOutputTokens += entry.OutputTokens;
                    }

                    break;
                case RequestOutcome.Failed:
                    _failed++;
                    break;
                case RequestOutcome.Unavailable:
                    _unavailable++;
                    break;
                case RequestOutcome.Blocked:
                    _blocked++;
                    break;
                default:
                    _cancelled++;
                    break;
            }
        }

        public ProviderModelStatistics ToStatistics()
        {
            _latencies.Sort();
            _ttft.Sort();
            _rateLimit.Sort();
            int counted = _requests - _blocked - _cancelled;
            return new ProviderModelStatistics
            {
                Provider = Provider,
                Model = Model,
                Tier = Tier,
                Requests = _requests,
                Succeeded = Succeeded,
                Failed = _failed,
                Unavailable = _unavailable,
                Blocked = _blocked,
                Cancelled = _cancelled,
                MeanLatencyMs = Mean(_latencies),
                P50LatencyMs = Percentile(_latencies, 0.50),
                P95LatencyMs = Percentile(_latencies, 0.95),
                MeanTimeToFirstTokenMs = Mean(_ttft),
                P50TimeToFirstTokenMs = Percentile(_ttft, 0.50),
                P95TimeToFirstTokenMs = Percentile(_ttft, 0.95),
                ErrorRate = counted == 0 ? 0 : (double)(_failed + _unavailable) / counted,
                Availability = counted == 0 ? 1 : 1 - ((double)_unavailable / counted),
                CostUsd = _cost,
                InputTokens = _input,
                OutputTokens = _output,
                MeanQuality = _rated == 0 ? null : _quality / _rated,
                Rated = _rated,
                TokensPerSecond = _succeededSeconds > 0 ? _succeededOutput / _succeededSeconds : null,
                RateLimitUtilization = Percentile(_rateLimit, 0.95),
            };
        }
    }
}
