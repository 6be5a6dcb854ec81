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
            Assert.That(advisor.Advise(profile, record: true), Is.EqualTo(RoutingInsight.Fixed));
            Assert.That(advisor.Advise(profile with { Privacy = PrivacyLevel.Public, Sensitivity = DataSensitivity.Critical }, record: true), Is.EqualTo(RoutingInsight.Fixed));
            Assert.That(advisor.Advise(profile with { Privacy = PrivacyLevel.Public, Sensitivity = DataSensitivity.Public, Workload = Workload.EmergencyResponse }, record: true), Is.EqualTo(RoutingInsight.Fixed));
        }
    }

    [Test]
    public void Pure_choice_is_a_threshold_on_the_score_and_bounds_exploration()
    {
        CategoryFeedback poorLocal = new(LocalCount: 30, LocalScore: 3, ExternalCount: 30, ExternalScore: 27);
        CategoryFeedback goodLocal = new(LocalCount: 30, LocalScore: 27, ExternalCount: 30, ExternalScore: 28);
        CategoryFeedback all = poorLocal.Add(goodLocal);
        AdaptivePolicy.Parameters p = AdaptivePolicy.Default;
        double poor = AdaptivePolicy.Score(poorLocal, all, 0.3, p, out double local, out double external);
        double good = AdaptivePolicy.Score(goodLocal, all, 0.3, p, out _, out _);
        Assert.Multiple(() =>
        {
            // Prior: pooled local 30/60 and external 55/60, worth 4 answers. Local (3 + 4 x 0.5) / 34, external (27 + 4 x 55/60) / 34.
            Assert.That(local, Is.EqualTo(5.0 / 34).Within(1e-12));
            Assert.That(external, Is.EqualTo((27 + (4 * 55.0 / 60)) / 34).Within(1e-12));
            Assert.That(poor, Is.EqualTo(0.3 + external - local).Within(1e-12), "the score is complexity plus the estimated gain");

            Assert.That(AdaptivePolicy.Choose(poorLocal, poor, 0.8, 0.99, p), Is.EqualTo(AdaptiveChoice.External));
            Assert.That(AdaptivePolicy.Choose(goodLocal, good, 0.8, 0.99, p), Is.EqualTo(AdaptiveChoice.Local));
            Assert.That(AdaptivePolicy.Choose(poorLocal, poor, poor, 0.99, p), Is.EqualTo(AdaptiveChoice.Local), "at the threshold is not above it");

            // Both tiers have more than MaxExplorations answers: a low draw no longer explores; with few local answers it does.
            Assert.That(AdaptivePolicy.Choose(poorLocal, poor, 0.8, 0.0, p), Is.EqualTo(AdaptiveChoice.External));
            Assert.That(AdaptivePolicy.Choose(poorLocal with { LocalCount = 5, LocalScore = 0 }, poor, 0.8, 0.0, p), Is.EqualTo(AdaptiveChoice.ExploreLocal));
            Assert.That(AdaptivePolicy.Choose(goodLocal with { ExternalCount = 5, ExternalScore = 5 }, good, 0.8, 0.0, p), Is.EqualTo(AdaptiveChoice.ExploreExternal));
            Assert.That(AdaptivePolicy.Choose(poorLocal with { LocalCount = 5, LocalScore = 0 }, poor, 0.8, 1.0, p), Is.EqualTo(AdaptiveChoice.External), "a draw of 1 (Explain) never explores");

            // No feedback: the score is the complexity and the complexity rule decides.
            Assert.That(AdaptivePolicy.Score(default, all, 0.3, p, out double none, out _), Is.EqualTo(0.3));
            Assert.That(none, Is.NaN);
            Assert.That(AdaptivePolicy.Choose(default, 0.9, 0.8, 0.0, p), Is.EqualTo(AdaptiveChoice.None));
        });
    }

    [Test]
    public async Task Explaining_neither_counts_into_the_calibration_nor_explores()
    {
        await using RouterHarness h = await RouterHarness.StartAsync(o => { o.AdaptiveRouting = true; o.ComplexityStrongShare = 0.3; });
        ChatOptions options = RouterHarness.Options(p => { p.Privacy = PrivacyLevel.Enhanced; p.Category = "meter-summary"; });
        ChatMessage[] question = [new(ChatRole.User, "Write a two-line note to the facilities team about the new opening hours.")];

        // One local answer scored: the category has feedback, and the external tier has fewer than MaxExplorations answers,
        // so a served request would explore external about one time in ten.
        ChatResponse answer = await h.Chat.GetResponseAsync(question, options);
        await h.Chat.RecordFeedbackAsync(answer, 1.0);

        List<RoutePlan> plans = [];
        for (int i = 0; i < 300; i++)
        {
            plans.Add(i % 2 == 0 ? h.Router.Explain(question, options) : await h.Router.ExplainAsync(question, options));
        }

        Assert.Multiple(() =>
        {
            Assert.That(plans.Select(p => p.Insight.Choice), Is.All.EqualTo(AdaptiveChoice.Local), "Explain shows the choice without exploring");
            Assert.That(plans.Select(p => p.Insight.CalibrationWindow), Is.All.Zero, "300 explanations did not fill the calibration window (100 scores needed)");
            Assert.That(plans[^1].Insight.ToString(), Does.Contain("fixed until enough scores are seen"));
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

        // Local answers rejected but nothing known of external ones yet: the gain is estimated at 0.5 (the prior), and this
        // short request's score (0.26 + 0.5) stays under 0.8. Once external answers in the category are accepted, it goes out.
        Assert.That(h.Router.Explain(question, options).Insight.Choice, Is.EqualTo(AdaptiveChoice.Local));
        ChatResponse external = await h.Chat.GetResponseAsync(question, RouterHarness.Options(p => { p.Privacy = PrivacyLevel.Public; p.Category = "meter-summary"; }));
        Assert.That(external.GetRouteDecision()!.Tier, Is.EqualTo(ProviderTier.External));

        // By ticket, as a host scores an answer it no longer holds: kept as JSON beside the message the user rated.
        string kept = System.Text.Json.JsonSerializer.Serialize(RoutingFeedbackTicket.Of(external));
        RoutingFeedbackTicket ticket = System.Text.Json.JsonSerializer.Deserialize<RoutingFeedbackTicket>(kept)!;
        Assert.That(ticket, Is.EqualTo(new RoutingFeedbackTicket(external.ResponseId, "meter-summary", ProviderTier.External)));
        for (int i = 0; i < 5; i++)
        {
            await h.Chat.RecordFeedbackAsync(ticket, 1.0);
        }

        RoutePlan after = h.Router.Explain(question, options);
        Assert.Multiple(() =>
        {
            Assert.That(after.Insight.Choice, Is.EqualTo(AdaptiveChoice.External));
            Assert.That(after.Insight.Feedback.LocalCount, Is.EqualTo(AdaptivePolicy.MaxExplorations));
            Assert.That(after.Routes[0].Tier, Is.EqualTo(ProviderTier.External), "the cached local-first plan must not be reused");
            Assert.That(after.Routes[0].Reasons[0], Does.StartWith("adaptive: complexity plus what external answers gained over local ones in this category is above the threshold"));
            Assert.That(after.ToString(), Does.Contain("category 'meter-summary': local accepted 0 %").And.Contain("above the threshold, so external"));

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
        Assert.That(learning.Advise("meter-summary", 0.3, RoutingInsight.Fixed, 0.99).Feedback.Count, Is.EqualTo(3));
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
        RoutingInsight onB = learningB.Advise("meter-summary", 0.3, RoutingInsight.Fixed, 0.99);
        Assert.Multiple(() =>
        {
            Assert.That(onB.Feedback, Is.EqualTo(new CategoryFeedback(25, 0, 25, 25)));
            Assert.That(onB.Choice, Is.EqualTo(AdaptiveChoice.External), "host B learnt from host A's local failures");
        });
    }

    [Test]
    public async Task A_score_recorded_while_a_re_read_is_under_way_is_not_hidden_by_it()
    {
        var store = new PausingFeedbackStore();
        var learning = new AdaptiveLearning(store, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        await learning.RefreshAsync(CancellationToken.None); // after the constructor's own read

        // The re-read takes the store's contents, then stalls before it replaces the state; this host records a score meanwhile.
        store.PauseNextRead();
        Task reread = learning.RefreshAsync(CancellationToken.None);
        await store.ReadTaken.WaitAsync(TimeSpan.FromSeconds(10));
        Task recording = learning.RecordAsync("meter-summary", ProviderTier.Local, 0.0, CancellationToken.None);
        store.ResumeRead();
        await Task.WhenAll(reread, recording).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(learning.Advise("meter-summary", 0.3, RoutingInsight.Fixed, 1.0).Feedback, Is.EqualTo(new CategoryFeedback(1, 0, 0, 0)), "counted once, at once");
        await learning.RefreshAsync(CancellationToken.None);
        Assert.That(learning.Advise("meter-summary", 0.3, RoutingInsight.Fixed, 1.0).Feedback, Is.EqualTo(new CategoryFeedback(1, 0, 0, 0)), "and still once after the next re-read");
    }

    [Test]
    public async Task Stores_reject_an_out_of_range_score_and_an_overlong_category()
    {
        var store = new InMemoryRoutingFeedbackStore();
        Assert.That(() => store.AddAsync("c", ProviderTier.Local, 1.5), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("from 0 (useless) to 1 (perfect)"));
        Assert.That(() => store.AddAsync(new string('x', 201), ProviderTier.Local, 1), Throws.ArgumentException.With.Message.Contains("at most 200 characters"));
        Assert.That((await store.ReadAsync()).Count, Is.Zero);
    }

    /// <summary>The in-memory store with one extra: a read can be held after it took the contents, to stage the race with a write.</summary>
    private sealed class PausingFeedbackStore : IRoutingFeedbackStore
    {
        private readonly InMemoryRoutingFeedbackStore _inner = new();
        private readonly TaskCompletionSource _readTaken = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _resume = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _pauseNext;

        public Task ReadTaken => _readTaken.Task;

        public void PauseNextRead() => Volatile.Write(ref _pauseNext, 1);

        public void ResumeRead() => _resume.TrySetResult();

        public Task AddAsync(string category, ProviderTier tier, double score, CancellationToken cancellationToken = default) =>
            _inner.AddAsync(category, tier, score, cancellationToken);

        public async Task<IReadOnlyDictionary<string, CategoryFeedback>> ReadAsync(CancellationToken cancellationToken = default)
        {
            IReadOnlyDictionary<string, CategoryFeedback> taken = await _inner.ReadAsync(cancellationToken);
            if (Interlocked.Exchange(ref _pauseNext, 0) == 1)
            {
                _readTaken.TrySetResult();
                await _resume.Task.WaitAsync(cancellationToken);
            }

            return taken;
        }
    }

    private static T Pick<T>(Random random)
        where T : struct, Enum
    {
        T[] values = Enum.GetValues<T>();
        return values[random.Next(values.Length)];
    }
}
