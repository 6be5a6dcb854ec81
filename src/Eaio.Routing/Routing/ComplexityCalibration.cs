using System.Collections.Concurrent;

namespace Eaio.Routing;

/// <summary>
/// The calibrated complexity threshold (<c>COMPLEXITY_STRONG_SHARE</c>): per tenant, the quantile of its recent complexity
/// scores above which the configured share of its requests lies, as RouteLLM calibrates its routers' thresholds.
/// </summary>
/// <remarks>
/// Each tenant keeps its last <see cref="WindowSize"/> scores in a ring and a 1,024-bin histogram of them; the threshold is
/// read from the histogram every <see cref="RecalculateEvery"/> scores, so a request costs a lock, two bin updates and,
/// rarely, one walk over the bins. Until <see cref="MinimumScores"/> scores are seen the fixed threshold applies: a
/// quantile of a handful of scores would swing with every request.
/// </remarks>
/// <param name="strongShare">The share of requests to send to the strong tier.</param>
/// <param name="lowest">The lowest score the window sees: 0 for complexity, <see cref="AdaptivePolicy.MinScore"/> for the adaptive score.</param>
/// <param name="highest">The highest score the window sees: 1 for complexity, <see cref="AdaptivePolicy.MaxScore"/> for the adaptive score.</param>
internal sealed class ComplexityCalibration(double strongShare, double lowest = 0, double highest = 1)
{
    public const int WindowSize = 1_000;
    public const int MinimumScores = 100;
    public const int RecalculateEvery = 16;

    // Past this many tenants, new tenants share one window rather than growing the table without end.
    private const int MaxTenants = 10_000;
    private const int Bins = 1024;

    private readonly ConcurrentDictionary<string, Window> _tenants = new(StringComparer.Ordinal);
    private readonly Window _shared = new();

    public double StrongShare { get; } = strongShare;

    /// <summary>Gets the threshold for a request of the tenant, then counts its score into the window.</summary>
    public RoutingInsight Next(string? tenant, double score)
    {
        Window window = WindowOf(tenant);
        lock (window)
        {
            RoutingInsight insight = Current(window);
            window.Add((score - lowest) / (highest - lowest), StrongShare);
            return insight;
        }
    }

    /// <summary>Gets the threshold for the tenant without counting a score, for Explain.</summary>
    public RoutingInsight Peek(string? tenant)
    {
        Window window = WindowOf(tenant);
        lock (window)
        {
            return Current(window);
        }
    }

    // The window works on scores scaled to 0..1; the threshold is handed out on the scores' own scale.
    private RoutingInsight Current(Window window) => window.Count >= MinimumScores
        ? new() { ComplexityThreshold = lowest + (window.Threshold * (highest - lowest)), StrongShare = StrongShare, CalibrationWindow = window.Count }
        : new() { ComplexityThreshold = RoutingPolicy.HighComplexity, StrongShare = StrongShare };

    private Window WindowOf(string? tenant)
    {
        if (tenant is null)
        {
            return _shared;
        }

        if (_tenants.TryGetValue(tenant, out Window? window))
        {
            return window;
        }

        return _tenants.Count >= MaxTenants ? _shared : _tenants.GetOrAdd(tenant, static _ => new Window());
    }

    private sealed class Window
    {
        private readonly short[] _ring = new short[WindowSize];
        private readonly int[] _histogram = new int[Bins];
        private int _next;
        private int _sinceRecalculation;

        public int Count { get; private set; }

        public double Threshold { get; private set; } = RoutingPolicy.HighComplexity;

        public void Add(double complexity, double share)
        {
            short bin = (short)Math.Clamp((int)(complexity * Bins), 0, Bins - 1);
            if (Count == WindowSize)
            {
                _histogram[_ring[_next]]--;
            }
            else
            {
                Count++;
            }

            _ring[_next] = bin;
            _histogram[bin]++;
            _next = (_next + 1) % WindowSize;

            if (++_sinceRecalculation >= RecalculateEvery || Count == MinimumScores)
            {
                _sinceRecalculation = 0;
                Threshold = Quantile(share);
            }
        }

        // The threshold t with about `share` of the window's scores above it: walk down from the top bin until that many
        // are counted; t is the lower edge of the bin where the count is reached, so its scores lie above t.
        private double Quantile(double share)
        {
            double wanted = share * Count;
            if (wanted <= 0)
            {
                return 1.0;
            }

            int above = 0;
            for (int bin = Bins - 1; bin >= 0; bin--)
            {
                int next = above + _histogram[bin];
                if (next >= wanted)
                {
                    // Of this bin's scores only part are needed: place t inside the bin, as if they were spread evenly.
                    double fraction = (wanted - above) / _histogram[bin];
                    return (bin + 1 - fraction) / Bins;
                }

                above = next;
            }

            return 0.0;
        }
    }
}
