using NUnit.Framework;

namespace Eaio.Routing.Tests;

[TestFixture]
public sealed class RoutingQualityMetricsTests
{
    [Test]
    public void RocAuc_PerfectRankingIsOne_ReversedIsZero_TiesAreOneHalf()
    {
        bool[] positives = [true, true, false, false];

        Assert.Multiple(() =>
        {
            Assert.That(RoutingQualityMetrics.RocAuc([0.9, 0.8, 0.2, 0.1], positives), Is.EqualTo(1.0));
            Assert.That(RoutingQualityMetrics.RocAuc([0.1, 0.2, 0.8, 0.9], positives), Is.EqualTo(0.0));
            Assert.That(RoutingQualityMetrics.RocAuc([0.5, 0.5, 0.5, 0.5], positives), Is.EqualTo(0.5));

            // Pairs (positive, negative): (0.9, 0.8) right, (0.9, 0.1) right, (0.2, 0.8) wrong, (0.2, 0.1) right: 3/4.
            Assert.That(RoutingQualityMetrics.RocAuc([0.9, 0.2, 0.8, 0.1], positives), Is.EqualTo(0.75));
        });
    }

    [Test]
    public void Pgr_Apgr_Cpt_OnAHandComputedExample()
    {
        // Weak right on half the prompts, strong on all: perf(weak) = 0.5, perf(strong) = 1.
        bool[] weak = [false, false, true, true];
        bool[] strong = [true, true, true, true];
        double[] perfect = [0.9, 0.8, 0.2, 0.1];

        Assert.Multiple(() =>
        {
            Assert.That(RoutingQualityMetrics.Pgr(perfect, weak, strong, strongCalls: 0), Is.EqualTo(0.0));
            Assert.That(RoutingQualityMetrics.Pgr(perfect, weak, strong, strongCalls: 1), Is.EqualTo(0.5));
            Assert.That(RoutingQualityMetrics.Pgr(perfect, weak, strong, strongCalls: 2), Is.EqualTo(1.0));
            Assert.That(RoutingQualityMetrics.Pgr(perfect, weak, strong, strongCalls: 4), Is.EqualTo(1.0));

            // Grid 0..100 % of 4 prompts gives 0,0,1,1,2,2,2,3,3,4,4 calls: PGR 0,0,.5,.5 then seven 1s = 8 / 11.
            Assert.That(RoutingQualityMetrics.Apgr(perfect, weak, strong), Is.EqualTo(8.0 / 11).Within(1e-12));
            Assert.That(RoutingQualityMetrics.Cpt(perfect, weak, strong, 0.5), Is.EqualTo(0.25));

            // The reversed router needs every call before it recovers anything.
            double[] reversed = [0.1, 0.2, 0.8, 0.9];
            Assert.That(RoutingQualityMetrics.Cpt(reversed, weak, strong, 0.5), Is.EqualTo(0.75));
            Assert.That(RoutingQualityMetrics.Apgr(reversed, weak, strong), Is.EqualTo(3.0 / 11).Within(1e-12));
        });
    }

    [Test]
    public void StrongCalls_RoundsToTheNearestPrompt()
    {
        Assert.Multiple(() =>
        {
            Assert.That(RoutingQualityMetrics.StrongCalls(10, 4), Is.Zero);
            Assert.That(RoutingQualityMetrics.StrongCalls(30, 4), Is.EqualTo(1));
            Assert.That(RoutingQualityMetrics.StrongCalls(100, 1307), Is.EqualTo(1307));
        });
    }
}
