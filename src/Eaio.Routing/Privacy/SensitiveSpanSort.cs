using System.Buffers;

namespace Eaio.Routing;

/// <summary>
/// Stable sorts of spans by where they start, on packed integer keys: spans found alike keep the order the detectors
/// found them in, which is how masking breaks ties between overlapping spans.
/// </summary>
/// <remarks>
/// <see cref="List{T}.Sort(Comparison{T})"/> with a comparison delegate took 10 µs for the 82 spans of the 8 KB benchmark
/// prompt, a third of the scan it followed, and the pseudonymiser sorted the same spans again (docs/benchmarks.md). Here
/// the start (and the length) are packed into one <see cref="long"/> per span and sorted as primitives with the span's
/// index beside it; runs of equal keys are then put back in index order, which makes the sort stable (the comparison
/// sorts were not: ties came out in any order once there were more than 16 spans).
/// </remarks>
internal static class SensitiveSpanSort
{
    /// <summary>Sorts by start, then longest first; spans alike stay in their order.</summary>
    /// <param name="spans">The spans, sorted in place.</param>
    public static void ByStartLongestFirst(Span<SensitiveSpan> spans) => Sort(spans, longestFirst: true);

    /// <summary>Sorts by start; spans starting alike stay in their order.</summary>
    /// <param name="spans">The spans, sorted in place.</param>
    public static void ByStart(Span<SensitiveSpan> spans) => Sort(spans, longestFirst: false);

    private static void Sort(Span<SensitiveSpan> spans, bool longestFirst)
    {
        int n = spans.Length;
        if (IsSorted(spans, longestFirst))
        {
            return;
        }

        long[] keys = ArrayPool<long>.Shared.Rent(n);
        int[] order = ArrayPool<int>.Shared.Rent(n);
        SensitiveSpan[] copy = ArrayPool<SensitiveSpan>.Shared.Rent(n);
        try
        {
            for (int i = 0; i < n; i++)
            {
                keys[i] = Key(spans[i], longestFirst);
                order[i] = i;
            }

            Array.Sort(keys, order, 0, n);
            for (int start = 0; start < n;)
            {
                int end = start + 1;
                while (end < n && keys[end] == keys[start])
                {
                    end++;
                }

                if (end - start > 1)
                {
                    order.AsSpan(start, end - start).Sort();
                }

                start = end;
            }

            spans.CopyTo(copy);
            for (int i = 0; i < n; i++)
            {
                spans[i] = copy[order[i]];
            }
        }
        finally
        {
            ArrayPool<long>.Shared.Return(keys);
            ArrayPool<int>.Shared.Return(order);
            ArrayPool<SensitiveSpan>.Shared.Return(copy, clearArray: true);
        }
    }

    private static bool IsSorted(ReadOnlySpan<SensitiveSpan> spans, bool longestFirst)
    {
        for (int i = 1; i < spans.Length; i++)
        {
            if (Key(spans[i - 1], longestFirst) > Key(spans[i], longestFirst))
            {
                return false;
            }
        }

        return true;
    }

    // Start and length are non-negative ints: the start in the high half, the length's complement in the low one.
    private static long Key(SensitiveSpan span, bool longestFirst) =>
        ((long)span.Start << 32) | (longestFirst ? (uint)(int.MaxValue - span.Length) : 0u);
}
