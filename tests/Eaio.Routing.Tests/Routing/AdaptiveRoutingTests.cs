using Microsoft.Extensions.AI;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>The calibrated threshold, the adaptive policy's guarantees, and feedback reaching it from a response.</summary>
public sealed class AdaptiveRoutingTests
{
    private static readonly ProviderCatalog s_catalog = ProviderCatalog.CreateDefault();

    [TestCase(0.25)]
    [TestCase(0.10)]
    [TestCase(0.50)]
    public void Calibrated_threshold_sends_the_configured_share_to_the_strong_tier(double share)
    {
        // Skewed scores (most requests short): the fixed 0.8 would send 1 - sqrt(0.8) = 10.6 % whatever the share.
        var random = new Random(42);
        var calibration = new ComplexityCalibration(share);
        int strong = 0, counted = 0;
        for (int i = 0; i < 6000; i++)
        {
            double complexity = Math.Pow(random.NextDouble(), 2);
            RoutingInsight insight = calibration.Next("tenant-a", complexity);
            if (i >= ComplexityCalibration.WindowSize)
            {
                counted++;
                strong += insight.PrefersStrong(complexity) ? 1 : 0;
                Assert.That(insight.CalibrationWindow, Is.EqualTo(ComplexityCalibration.WindowSize));
            }
        }

        Assert.That(strong / (double)counted, Is.EqualTo(share).Within(0.03));
    }

    [Test]
    public void Calibration_is_per_tenant_and_waits_for_enough_scores()
    {
        var calibration = new ComplexityCalibration(0.5);
        for (int i = 0; i < 500; i++)
        {
            calibration.Next("long-prompts", 0.9 + (i % 10 * 0.01));
        }

        Assert.Multiple(() =>
        {
            Assert.That(calibration.Peek("long-prompts").ComplexityThreshold, Is.GreaterThan(0.9));
            Assert.That(calibration.Peek("other").ComplexityThreshold, Is.EqualTo(RoutingPolicy.HighComplexity), "no scores yet: the fixed threshold");
            Assert.That(calibration.Peek("other").CalibrationWindow, Is.Zero);
        });
    }

    [Test]
    public void Adaptive_choice_and_exploration_never_add_an_external_route_only_reorder([Random(0, int.MaxValue, 1)] int seed)
    {
        var random = new Random(seed);
        var policy = new RoutingPolicy(s_catalog, new EaioHybridChatOptions());
        List<ProviderAvailability> available = RoutingPolicyTests.AllAvailable();
        for (int i = 0; i < 5000; i++)
        {
            ResolvedRequestProfile profile = RoutingPolicyTests.Profile(
                Pick<PrivacyLevel>(random),
                Pick<DataSensitivity>(random),
                random.NextDouble(),
                Pick<RequestDomain>(random),
                Pick<Workload>(random),
                Pick<Urgency>(random),
                Pick<CostSensitivity>(random));
            var budget = new BudgetSnapshot(1000m, random.Next(4) == 0 ? 50m : 900m);
            RoutingInsight insight = new()
            {
                ComplexityThreshold = random.NextDouble(),
                StrongShare = random.Next(2) == 0 ? null : random.NextDouble(),
                Choice = Pick<AdaptiveChoice>(random),
                Category = "c",
            };

            RoutePlan adaptive = policy.Plan(profile, available, budget, insight);
            RoutePlan fixedPlan = policy.Plan(profile, available, budget);
            string why = $"{profile} with {insight.Choice}";
            if (profile.IsLocalOnly)
            {
                Assert.That(adaptive.Routes.Select(r => r.Tier), Is.All.EqualTo(ProviderTier.Local), why);
            }

            // The same routes are allowed, whatever the insight: it only reorders them.
            Assert.That(adaptive.Routes.Select(r => r.Provider), Is.EquivalentTo(fixedPlan.Routes.Select(r => r.Provider)), why);
            Assert.That(adaptive.Exclusions.Select(e => e.Provider), Is.EquivalentTo(fixedPlan.Exclusions.Select(e => e.Provider)), why);
        }
    }

    [Test]
    public void The_advisor_never_explores_for_a_request_that_may_only_go_local()
    {
        var store = new InMemoryRoutingFeedbackStore();
        var learning = new AdaptiveLearning(store, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        var advisor = new RoutingAdvisor(new ComplexityCalibration(0.9), learning);
        var random = new Random(7);
        for (int i = 0; i < 2000; i++)
        {
            ResolvedRequestProfile profile = RoutingPolicyTests.Profile(
                PrivacyLevel.Private, Pick<DataSensitivity>(random), random.NextDouble(), Pick<RequestDomain>(random), Pick<Workload>(random)) with { Category = "c" };
            Assert.That(advisor.Advise(profile), Is.EqualTo(RoutingInsight.Fixed));
            Assert.That(advisor.Advise(profile with { Privacy = PrivacyLevel.Public, Sensitivity = DataSensitivity.Critical }), Is.EqualTo(RoutingInsight.Fixed));
            Assert.That(advisor.Advise(profile with { Privacy = PrivacyLevel.Public, Sensitivity = DataSensitivity.Public, Workload = Workload.EmergencyResponse }), Is.EqualTo(RoutingInsight.Fixed));
        }
    }

    [Test]
    public void Pure_choice_follows_the_estimates_and_bounds_exploration()
    {
        CategoryFeedback poorLocal = new(LocalCount: 30, LocalScore: 3, ExternalCount: 30, ExternalScore: 27);
        CategoryFeedback goodLocal = new(LocalCount: 30, LocalScore: 27, ExternalCount: 30, ExternalScore: 28);
        CategoryFeedback all = poorLocal.Add(goodLocal);
        Assert.Multiple(() =>
        {
            Assert.That(AdaptivePolicy.Choose(poorLocal, all, 0.99, out _, out _, AdaptivePolicy.Default), Is.EqualTo(AdaptiveChoice.External));
            Assert.That(AdaptivePolicy.Choose(goodLocal, all, 0.99, out _, out _, AdaptivePolicy.Default), Is.EqualTo(AdaptiveChoice.Local));

            // Both tiers have more than MaxExplorations answers: a low draw no longer explores.
            Assert.That(AdaptivePolicy.Choose(poorLocal, all, 0.0, out _, out _, AdaptivePolicy.Default), Is.EqualTo(AdaptiveChoice.External));
            Assert.That(AdaptivePolicy.Choose(poorLocal with { LocalCount = 5, LocalScore = 0 }, all, 0.0, out _, out _, AdaptivePolicy.Default), Is.EqualTo(AdaptiveChoice.ExploreLocal));

            // External no better than a poor local: sending out would only cost money.
            Assert.That(AdaptivePolicy.Choose(poorLocal with { ExternalScore = 0 }, all, 0.99, out _, out _, AdaptivePolicy.Default), Is.EqualTo(AdaptiveChoice.Local));
            Assert.That(AdaptivePolicy.Choose(default, all, 0.0, out double local, out _, AdaptivePolicy.Default), Is.EqualTo(AdaptiveChoice.None));
            Assert.That(local, Is.NaN);
        });
    }

    [Test]
    public async Task Feedback_on_a_response_moves_its_category_external_and_the_plan_cache_follows()
    {
        await using RouterHarness h = await RouterHarness.StartAsync(o => o.AdaptiveRouting = true);
        ChatOptions options = RouterHarness.Options(p => { p.Privacy = PrivacyLevel.Enhanced; p.Category = "meter-summary"; });
        ChatMessage[] question = [new(ChatRole.User, "Write a two-line note to the facilities team about the new opening hours.")];

        RoutePlan before = h.Router.Explain(question, options);
        Assert.That(before.Routes[0].Tier, Is.EqualTo(ProviderTier.Local));
        Assert.That(before.Insight.Choice, Is.EqualTo(AdaptiveChoice.None));

        ChatResponse answer = await h.Chat.GetResponseAsync(question, options);
        Assert.That(answer.GetRouteDecision()!.Tier, Is.EqualTo(ProviderTier.Local));
        for (int i = 0; i < (int)AdaptivePolicy.MaxExplorations; i++)
        {
            // Through the extension on the host's IChatClient, as a host would.
            await h.Chat.RecordFeedbackAsync(answer, 0.0);
        }

        RoutePlan after = h.Router.Explain(question, options);
        Assert.Multiple(() =>
        {
            Assert.That(after.Insight.Choice, Is.EqualTo(AdaptiveChoice.External));
            Assert.That(after.Insight.Feedback.LocalCount, Is.EqualTo(AdaptivePolicy.MaxExplorations));
            Assert.That(after.Routes[0].Tier, Is.EqualTo(ProviderTier.External), "the cached local-first plan must not be reused");
            Assert.That(after.Routes[0].Reasons[0], Does.StartWith("adaptive: the local model's answers in this category are accepted below the target"));
            Assert.That(after.ToString(), Does.Contain("category 'meter-summary': local accepted 0 %"));

            // Another category is untouched, and a PRIVATE request of this category stays local.
            Assert.That(h.Router.Explain(question, RouterHarness.Options(p => { p.Privacy = PrivacyLevel.Enhanced; p.Category = "other"; })).Routes[0].Tier, Is.EqualTo(ProviderTier.Local));
            Assert.That(h.Router.Explain(question, RouterHarness.Options(p => { p.Privacy = PrivacyLevel.Private; p.Category = "meter-summary"; })).Routes.Select(r => r.Tier), Is.All.EqualTo(ProviderTier.Local));
        });
    }

    [Test]
    public async Task Feedback_survives_a_restart_on_sqlite()
    {
        string path = Path.Combine(TestDataDirectory.Path, Guid.NewGuid().ToString("N"), "eaio.db");
        var first = new SqliteRoutingFeedbackStore(path);
        await first.AddAsync("meter-summary", ProviderTier.Local, 0.0);
        await first.AddAsync("meter-summary", ProviderTier.Local, 0.5);
        await first.AddAsync("meter-summary", ProviderTier.External, 1.0);

        var restarted = new SqliteRoutingFeedbackStore(path);
        IReadOnlyDictionary<string, CategoryFeedback> read = await restarted.ReadAsync();
        Assert.That(read["meter-summary"], Is.EqualTo(new CategoryFeedback(2, 0.5, 1, 1.0)));

        var learning = new AdaptiveLearning(restarted, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        await learning.RefreshAsync(CancellationToken.None);
        Assert.That(learning.Advise("meter-summary", RoutingInsight.Fixed, 0.99).Feedback.Count, Is.EqualTo(3));
    }

    [Test]
    public async Task Feedback_is_shared_by_two_hosts_on_postgresql()
    {
        await using PostgresDatabase database = await PostgresDatabase.CreateAsync();
        await using PostgresStore hostA = new(database.ConnectionString);
        await using PostgresStore hostB = new(database.ConnectionString);
        var storeA = new PostgresRoutingFeedbackStore(hostA);
        var storeB = new PostgresRoutingFeedbackStore(hostB);
        var learningA = new AdaptiveLearning(storeA, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        var learningB = new AdaptiveLearning(storeB, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

        // Both hosts add concurrently; none of the scores is lost.
        await Task.WhenAll(
            Task.Run(async () => { for (int i = 0; i < 25; i++) { await learningA.RecordAsync("meter-summary", ProviderTier.Local, 0.0, CancellationToken.None); } }),
            Task.Run(async () => { for (int i = 0; i < 25; i++) { await storeB.AddAsync("meter-summary", ProviderTier.External, 1.0); } }));

        await learningB.RefreshAsync(CancellationToken.None);
        RoutingInsight onB = learningB.Advise("meter-summary", RoutingInsight.Fixed, 0.99);
        Assert.Multiple(() =>
        {
            Assert.That(onB.Feedback, Is.EqualTo(new CategoryFeedback(25, 0, 25, 25)));
            Assert.That(onB.Choice, Is.EqualTo(AdaptiveChoice.External), "host B learnt from host A's local failures");
        });
    }

    [Test]
    public async Task Stores_reject_an_out_of_range_score_and_an_overlong_category()
    {
        var store = new InMemoryRoutingFeedbackStore();
        Assert.That(() => store.AddAsync("c", ProviderTier.Local, 1.5), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("from 0 (useless) to 1 (perfect)"));
        Assert.That(() => store.AddAsync(new string('x', 201), ProviderTier.Local, 1), Throws.ArgumentException.With.Message.Contains("at most 200 characters"));
        Assert.That((await store.ReadAsync()).Count, Is.Zero);
    }

    private static T Pick<T>(Random random)
        where T : struct, Enum
    {
        T[] values = Enum.GetValues<T>();
        return values[random.Next(values.Length)];
    }
}
