namespace Eaio.Routing;

/// <summary>The robust and rank statistics the analyses share.</summary>
internal static class Statistics
{
    /// <summary>The MAD of a normal distribution is 0.6745 σ, so this factor makes a MAD-based z-score comparable to a standard one.</summary>
    public const double MadToSigma = 0.6745;

    /// <summary>Median of the values (sorts <paramref name="values"/> in place); NaN for none.</summary>
    public static double MedianInPlace(Span<double> values)
    {
        if (values.IsEmpty)
        {
            return double.NaN;
        }

        values.Sort();
        int middle = values.Length / 2;
        return values.Length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }

    /// <summary>Median absolute deviation from <paramref name="median"/>.</summary>
    public static double MedianAbsoluteDeviation(ReadOnlySpan<double> values, double median)
    {
        double[] deviations = new double[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            deviations[i] = Math.Abs(values[i] - median);
        }

        return MedianInPlace(deviations);
    }

    /// <summary>Linear-interpolation percentile (type 7, as numpy and Excel's PERCENTILE.INC) of sorted values, p in 0..1.</summary>
    public static double PercentileOfSorted(ReadOnlySpan<double> sorted, double p)
    {
        if (sorted.IsEmpty)
        {
            return double.NaN;
        }

        double position = p * (sorted.Length - 1);
        int lower = (int)Math.Floor(position);
        int upper = Math.Min(lower + 1, sorted.Length - 1);
        return sorted[lower] + ((position - lower) * (sorted[upper] - sorted[lower]));
    }

    /// <summary>Ranks from 1, ties given their mean rank.</summary>
    public static double[] Ranks(ReadOnlySpan<double> values)
    {
        int[] order = new int[values.Length];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        double[] copy = values.ToArray();
        Array.Sort(copy, order);
        double[] ranks = new double[values.Length];
        int start = 0;
        while (start < copy.Length)
        {
            int end = start;
            while (end + 1 < copy.Length && copy[end + 1] == copy[start])
            {
                end++;
            }

            double rank = ((start + end) / 2.0) + 1;
            for (int k = start; k <= end; k++)
            {
                ranks[order[k]] = rank;
            }

            start = end + 1;
        }

        return ranks;
    }

    /// <summary>Pearson correlation; NaN when either side is constant.</summary>
    public static double Pearson(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        double mx = Mean(x), my = Mean(y);
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double dx = x[i] - mx, dy = y[i] - my;
            sxy += dx * dy;
            sxx += dx * dx;
            syy += dy * dy;
        }

        return sxx == 0 || syy == 0 ? double.NaN : sxy / Math.Sqrt(sxx * syy);
    }

    public static double Mean(ReadOnlySpan<double> values)
    {
        double sum = 0;
        foreach (double v in values)
        {
            sum += v;
        }

        return values.IsEmpty ? double.NaN : sum / values.Length;
    }

    /// <summary>A finite value, or null: JSON has no NaN, and a tool result must serialize.</summary>
    public static double? Finite(double value) => double.IsFinite(value) ? value : null;
}
