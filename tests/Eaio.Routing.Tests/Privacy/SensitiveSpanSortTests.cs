using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>The span sorts give what a stable sort by the same keys gives (LINQ's <c>OrderBy</c> is stable).</summary>
public sealed class SensitiveSpanSortTests
{
    [Test]
    public void Both_orders_match_a_stable_sort_on_random_spans([Random(0, int.MaxValue, 5)] int seed)
    {
        Random random = new(seed);
        string[] types = [EntityTypes.Email, EntityTypes.Phone, EntityTypes.Building, EntityTypes.Readings];
        for (int round = 0; round < 200; round++)
        {
            // Few distinct starts and lengths, so that ties are common; sizes on both sides of 16 (where the library's
            // comparison sort stops being an insertion sort).
            SensitiveSpan[] spans = [.. Enumerable.Range(0, random.Next(0, 120)).Select(_ =>
                new SensitiveSpan(random.Next(0, 30), random.Next(0, 6), types[random.Next(types.Length)], random.NextDouble()))];

            SensitiveSpan[] byStart = [.. spans];
            SensitiveSpanSort.ByStart(byStart);
            Assert.That(byStart, Is.EqualTo(spans.OrderBy(s => s.Start).ToArray()), $"seed {seed}, round {round}");

            SensitiveSpan[] longestFirst = [.. spans];
            SensitiveSpanSort.ByStartLongestFirst(longestFirst);
            Assert.That(longestFirst, Is.EqualTo(spans.OrderBy(s => s.Start).ThenByDescending(s => s.Length).ToArray()), $"seed {seed}, round {round}");
        }
    }

    [Test]
    public void Extreme_starts_and_lengths_keep_their_order()
    {
        SensitiveSpan[] spans =
        [
            new(int.MaxValue - 1, 1, EntityTypes.Email, 1),
            new(0, int.MaxValue, EntityTypes.Phone, 1),
            new(0, 0, EntityTypes.Phone, 1),
            new(5, 3, EntityTypes.Email, 1),
        ];

        SensitiveSpanSort.ByStartLongestFirst(spans);

        Assert.That(spans.Select(s => (s.Start, s.Length)), Is.EqualTo(new[] { (0, int.MaxValue), (0, 0), (5, 3), (int.MaxValue - 1, 1) }));
    }
}
