namespace Eaio.Routing.Tests;

/// <summary>
/// Routing-quality metrics of the RouteLLM paper (Ong et al., arXiv:2406.18665, section "Evaluation").
/// </summary>
internal static class RoutingQualityMetrics
{
    /// <summary>Call percentages at which APGR averages PGR: 0, 10, ..., 100 % (11 points, 10 steps).</summary>
    public static IReadOnlyList<int> CallPercentGrid { get; } = [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100];

    /// <summary>
    /// ROC AUC of <paramref name="scores"/> for <paramref name="positives"/>: the probability that a random positive
    /// scores above a random negative, ties counting one half (Mann-Whitney U with mid-ranks).
    /// </summary>
    public static double RocAuc(IReadOnlyList<double> scores, IReadOnlyList<bool> positives)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(scores.Count, positives.Count);
        int[] order = Enumerable.Range(0, scores.Count).OrderBy(i => scores[i]).ToArray();
        double positiveRankSum = 0;
        long positiveCount = 0;
        for (int start = 0; start < order.Length;)
        {
            int end = start;
            while (end < order.Length && scores[order[end]] == scores[order[start]])
            {
                end++;
            }

            double midRank = (start + 1 + end) / 2.0;
            for (int i = start; i < end; i++)
            {
                if (positives[order[i]])
                {
                    positiveRankSum += midRank;
                    positiveCount++;
                }
            }

            start = end;
        }

        long negativeCount = scores.Count - positiveCount;
        if (positiveCount == 0 || negativeCount == 0)
        {
            throw new ArgumentException("AUC needs at least one positive and one negative.", nameof(positives));
        }

        return (positiveRankSum - (positiveCount * (positiveCount + 1) / 2.0)) / ((double)positiveCount * negativeCount);
    }

    /// <summary>
    /// Performance gap recovered when the <paramref name="strongCalls"/> highest-scoring prompts go to the strong model
    /// and the rest to the weak one: (perf(router) - perf(weak)) / (perf(strong) - perf(weak)).
    /// Equal scores keep their input order.
    /// </summary>
    public static double Pgr(IReadOnlyList<double> scores, IReadOnlyList<bool> weakCorrect, IReadOnlyList<bool> strongCorrect, int strongCalls)
    {
        int[] byScore = OrderByScoreDescending(scores);
        return Pgr(byScore, weakCorrect, strongCorrect, strongCalls);
    }

    /// <summary>Average PGR over <see cref="CallPercentGrid"/>.</summary>
    public static double Apgr(IReadOnlyList<double> scores, IReadOnlyList<bool> weakCorrect, IReadOnlyList<bool> strongCorrect)
    {
        int[] byScore = OrderByScoreDescending(scores);
        return CallPercentGrid.Average(percent => Pgr(byScore, weakCorrect, strongCorrect, StrongCalls(percent, scores.Count)));
    }

    /// <summary>
    /// Call-performance threshold: the smallest share of strong calls (0..1, at single-prompt resolution) whose PGR
    /// reaches <paramref name="targetPgr"/>.
    /// </summary>
    public static double Cpt(IReadOnlyList<double> scores, IReadOnlyList<bool> weakCorrect, IReadOnlyList<bool> strongCorrect, double targetPgr)
    {
        int[] byScore = OrderByScoreDescending(scores);
        PerformanceGap gap = Gap(weakCorrect, strongCorrect);
        int correct = gap.WeakCorrect;
        for (int calls = 0; calls <= byScore.Length; calls++)
        {
            if (gap.Pgr(correct) >= targetPgr)
            {
                return (double)calls / byScore.Length;
            }

            if (calls < byScore.Length)
            {
                int i = byScore[calls];
                correct += (strongCorrect[i] ? 1 : 0) - (weakCorrect[i] ? 1 : 0);
            }
        }

        return 1;
    }

    /// <summary>Number of strong calls for a call percentage, rounded to the nearest prompt.</summary>
    public static int StrongCalls(int percent, int promptCount) =>
        (int)Math.Round(percent * promptCount / 100.0, MidpointRounding.AwayFromZero);

    private static double Pgr(int[] byScore, IReadOnlyList<bool> weakCorrect, IReadOnlyList<bool> strongCorrect, int strongCalls)
    {
        PerformanceGap gap = Gap(weakCorrect, strongCorrect);
        int correct = gap.WeakCorrect;
        for (int k = 0; k < strongCalls; k++)
        {
            int i = byScore[k];
            correct += (strongCorrect[i] ? 1 : 0) - (weakCorrect[i] ? 1 : 0);
        }

        return gap.Pgr(correct);
    }

    private static int[] OrderByScoreDescending(IReadOnlyList<double> scores) =>
        Enumerable.Range(0, scores.Count).OrderByDescending(i => scores[i]).ToArray(); // stable sort

    private static PerformanceGap Gap(IReadOnlyList<bool> weakCorrect, IReadOnlyList<bool> strongCorrect)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(weakCorrect.Count, strongCorrect.Count);
        var gap = new PerformanceGap(weakCorrect.Count(c => c), strongCorrect.Count(c => c));
        if (gap.StrongCorrect <= gap.WeakCorrect)
        {
            throw new ArgumentException("PGR needs a strong model that outperforms the weak one.", nameof(strongCorrect));
        }

        return gap;
    }

    private readonly record struct PerformanceGap(int WeakCorrect, int StrongCorrect)
    {
        // Counts over the same prompts, so the 1/n of the accuracies cancels.
        public double Pgr(int routerCorrect) => (double)(routerCorrect - WeakCorrect) / (StrongCorrect - WeakCorrect);
    }
}
