using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>The router reuses plans only where a fresh plan would be the same, and never across a circuit that opened.</summary>
public sealed class RoutePlanCacheTests
{
    private static readonly DateTimeOffset s_start = DateTimeOffset.Parse("2026-11-24T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    [TestCase(1)]
    [TestCase(20261124)]
    public void A_reused_plan_is_what_the_policy_would_plan_afresh(int seed)
    {
        Random random = new(seed);
        MutableBudget budget = new();
        EaioHybridChatOptions options = new() { RequestsPerMinute = int.MaxValue, MonthlyBudgetUsd = 100m };
        using HybridRouterChatClient router = TestRouter.Create(options, AllProviders(), budget: budget);

        for (int i = 0; i < 3000; i++)
        {
            // Few distinct values per field, so most requests hit a plan made before; and budgets spent cent by cent
            // across the low-budget share and the 5 % rule's thresholds, where a kept plan may no longer be the plan.
            budget.Snapshot = random.Next(6) switch
            {
                0 => BudgetSnapshot.Unlimited,
                1 => new BudgetSnapshot(100m, 100m),
                2 => new BudgetSnapshot(100m, 5m),
                3 => new BudgetSnapshot(100m, 0.01m),
                4 => new BudgetSnapshot(100m, random.Next(0, 2_001) / 100m),
                _ => new BudgetSnapshot(100m, random.Next(0, 10_001) / 100m),
            };
            ChatOptions chat = new ChatOptions
            {
                MaxOutputTokens = random.Next(3) switch { 0 => null, 1 => 100, _ => 7000 },
                ResponseFormat = random.Next(4) == 0 ? ChatResponseFormat.Json : null,
            }.WithEaio(p =>
            {
                p.Privacy = Pick<PrivacyLevel>(random);
                p.Sensitivity = Pick<DataSensitivity>(random);
                p.Complexity = random.Next(3) switch { 0 => null, 1 => 0.3, _ => 0.9 };
                p.Domain = random.Next(2) == 0 ? null : Pick<RequestDomain>(random);
                p.Workload = Pick<Workload>(random);
                p.Urgency = Pick<Urgency>(random);
                p.CostSensitivity = Pick<CostSensitivity>(random);
            });
            ChatMessage[] messages = [new(ChatRole.User, new string('x', random.Next(4) switch { 0 => 10, 1 => 4000, 2 => 30_000, _ => 400_000 }))];

            RoutePlan reused = router.Explain(messages, chat);
            // A local-only request is planned without reading the budget: it cannot change which routes remain.
            RoutePlan fresh = router.Policy.Plan(reused.Profile, Healthy(router), reused.Profile.IsLocalOnly ? BudgetSnapshot.Unlimited : budget.Snapshot);
            Assert.That(Describe(reused), Is.EqualTo(Describe(fresh)), $"request {i}");
        }

        Assert.That(router.CachedPlans, Is.GreaterThan(0).And.LessThan(3000), "plans are reused");
    }

    [TestCase(7)]
    [TestCase(20261207)]
    public void A_plan_kept_while_the_budget_is_spent_is_what_the_policy_would_plan_afresh(int seed)
    {
        // Few request shapes and budgets all over the range where the 5 % rule and the low-budget share decide, so kept
        // plans are asked for with budgets on both sides of what their routes need.
        Random random = new(seed);
        MutableBudget budget = new();
        using HybridRouterChatClient router = TestRouter.Create(new EaioHybridChatOptions { RequestsPerMinute = int.MaxValue, MonthlyBudgetUsd = 100m }, AllProviders(), budget: budget);
        int reused = 0;
        Dictionary<(int, double), IReadOnlyList<PlannedRoute>> lastRoutes = [];
        for (int i = 0; i < 2000; i++)
        {
            // gpt-4o's estimates for 60,000 and 80,000 output tokens need about $12 and $16 left, above the low-budget share's $10.
            budget.Snapshot = new BudgetSnapshot(100m, random.Next(0, 4_001) / 100m);
            int outputTokens = random.Next(3) switch { 0 => 1_000, 1 => 60_000, _ => 80_000 };
            double complexity = random.Next(2) == 0 ? 0.3 : 0.95;
            ChatOptions chat = new ChatOptions { MaxOutputTokens = outputTokens }.WithEaio(p => { p.Privacy = PrivacyLevel.Public; p.Complexity = complexity; });
            ChatMessage[] messages = [new(ChatRole.User, "Compare the chillers of two sites.")];

            RoutePlan kept = router.Explain(messages, chat);

            // A plan made again gets new lists, so sharing the last ones for this request shape means the kept plan was used.
            reused += lastRoutes.TryGetValue((outputTokens, complexity), out IReadOnlyList<PlannedRoute>? last) && ReferenceEquals(last, kept.Routes) ? 1 : 0;
            lastRoutes[(outputTokens, complexity)] = kept.Routes;
            RoutePlan fresh = router.Policy.Plan(kept.Profile, Healthy(router), new BudgetSnapshot(100m, decimal.Floor(budget.Snapshot.RemainingUsd!.Value * 100m) / 100m));
            Assert.That(Describe(kept), Is.EqualTo(Describe(fresh)), $"request {i}, {budget.Snapshot.RemainingUsd} left");
        }

        Assert.That(reused, Is.GreaterThan(500), "kept plans are used across budgets");
    }

    [Test]
    public void A_plan_is_reused_as_the_budget_is_spent_until_the_five_percent_rule_would_exclude_a_route()
    {
        MutableBudget budget = new() { Snapshot = new BudgetSnapshot(100m, 90m) };
        using HybridRouterChatClient router = TestRouter.Create(new EaioHybridChatOptions { RequestsPerMinute = int.MaxValue, MonthlyBudgetUsd = 100m }, AllProviders(), budget: budget);
        ChatMessage[] messages = [new(ChatRole.User, "Compare the chillers of two sites.")];
        ChatOptions chat = new ChatOptions { MaxOutputTokens = 100_000 }.WithEaio(p => { p.Privacy = PrivacyLevel.Public; p.Complexity = 0.95; });

        RoutePlan first = router.Explain(messages, chat);
        decimal dearest = first.Routes.Max(r => r.EstimatedCostUsd);
        Assert.That(dearest, Is.GreaterThan(0.5m), "the test needs a route whose estimate matters at this budget");

        // Spent a cent at a time down to just above what the dearest route needs: one plan throughout.
        decimal needed = dearest / RoutingPolicy.MaxRouteShareOfRemaining;
        for (decimal remaining = 90m; remaining >= Math.Max(needed, 10m) + 0.01m; remaining -= 0.37m)
        {
            budget.Snapshot = new BudgetSnapshot(100m, remaining);

            // The same lists: the kept plan, not a new one that reads the same.
            Assert.That(router.Explain(messages, chat).Routes, Is.SameAs(first.Routes), $"{remaining} left");
        }

        // Below it the dearest route is excluded: the kept plan is not used.
        budget.Snapshot = new BudgetSnapshot(100m, decimal.Floor((needed - 0.01m) * 100m) / 100m);
        RoutePlan poorer = router.Explain(messages, chat);
        Assert.That(poorer.Routes.Select(r => r.EstimatedCostUsd), Has.None.EqualTo(dearest));
        Assert.That(poorer.Exclusions.Select(e => e.Reason), Has.Some.Contain("exceeds 5 % of the remaining budget"));

        // Its exclusion names the amount, so from here a plan holds for its own cent only, rounded down.
        decimal cent = budget.Snapshot.RemainingUsd!.Value;
        budget.Snapshot = new BudgetSnapshot(100m, cent + 0.004m); // an external call of a fraction of a cent
        Assert.That(router.Explain(messages, chat).Routes, Is.SameAs(poorer.Routes), "the same cent: reused");
        budget.Snapshot = new BudgetSnapshot(100m, cent - 0.001m);
        RoutePlan centLess = router.Explain(messages, chat);
        Assert.That(centLess.Routes, Is.Not.SameAs(poorer.Routes), "a cent less: planned again");
        Assert.That(Describe(centLess), Is.EqualTo(Describe(router.Policy.Plan(centLess.Profile, Healthy(router), new BudgetSnapshot(100m, cent - 0.01m)))), "planned with what remains, rounded down to the cent");
    }

    [Test]
    public void A_local_only_plan_does_not_read_the_budget_so_spending_elsewhere_keeps_it_cached()
    {
        MutableBudget budget = new();
        using HybridRouterChatClient router = TestRouter.Create(new EaioHybridChatOptions { RequestsPerMinute = int.MaxValue, MonthlyBudgetUsd = 100m }, AllProviders(), budget: budget);
        ChatMessage[] question = [new(ChatRole.User, "Summarise last week's boiler alarms.")];
        ChatOptions local = new ChatOptions().WithEaio(p => { p.Privacy = PrivacyLevel.Private; p.Complexity = 0.3; p.Domain = RequestDomain.EnergyOptimization; });
        ChatOptions external = new ChatOptions().WithEaio(p => { p.Privacy = PrivacyLevel.Public; p.Complexity = 0.3; p.Domain = RequestDomain.General; });

        for (int i = 0; i < 50; i++)
        {
            budget.Snapshot = new BudgetSnapshot(100m, 100m - i);
            _ = router.Explain(question, local);
        }

        Assert.That(router.CachedPlans, Is.EqualTo(1), "fifty budgets, one local-only plan");
        Assert.That(budget.Reads, Is.Zero, "the ledger was never asked");

        budget.Snapshot = new BudgetSnapshot(100m, 5m);
        Assert.That(router.Explain(question, external).Exclusions.Select(e => e.Reason), Has.Some.Contains("budget below 10 %"), "requests that may go out still read it");
        Assert.That(budget.Reads, Is.EqualTo(1));
    }

    [Test]
    public async Task An_open_circuit_is_never_hidden_by_a_plan_made_while_it_was_closed()
    {
        FakeTimeProvider time = new(s_start);
        FailingClient openAI = new();
        EaioHybridChatOptions options = new() { RequestsPerMinute = int.MaxValue, CircuitMinimumThroughput = 2, CircuitBreakDuration = TimeSpan.FromSeconds(30) };
        using HybridRouterChatClient router = TestRouter.Create(options, new Dictionary<string, IChatClient> { [EaioProviders.OpenAI] = openAI }, time);
        ChatOptions chat = new ChatOptions().WithEaio(p => { p.Privacy = PrivacyLevel.Public; p.Complexity = 0.2; p.Domain = RequestDomain.General; });
        ChatMessage[] question = [new(ChatRole.User, "How warm is it?")];

        RoutePlan before = router.Explain(question, chat);
        Assert.That(before.Routes.Select(r => r.Provider), Does.Contain(EaioProviders.OpenAI));

        for (int i = 0; i < 2; i++)
        {
            Assert.CatchAsync(async () => await router.GetResponseAsync(question, chat));
        }

        RoutePlan open = router.Explain(question, chat);
        Assert.That(open.Routes.Select(r => r.Provider), Does.Not.Contain(EaioProviders.OpenAI));
        Assert.That(open.Exclusions.Single(e => e.Provider == EaioProviders.OpenAI).Reason, Does.Contain("circuit open"));
        Assert.That(async () => await router.GetResponseAsync(question, chat), Throws.TypeOf<NoRouteAvailableException>());
        Assert.That(openAI.Calls, Is.EqualTo(2), "no call while the circuit is open");

        // Once the break is over the provider is planned again, as before.
        time.Advance(TimeSpan.FromSeconds(31));
        Assert.That(Describe(router.Explain(question, chat)), Is.EqualTo(Describe(before)));
    }

    [Test]
    public void A_different_budget_gets_a_different_plan()
    {
        MutableBudget budget = new() { Snapshot = new BudgetSnapshot(100m, 100m) };
        using HybridRouterChatClient router = TestRouter.Create(new EaioHybridChatOptions { RequestsPerMinute = int.MaxValue }, AllProviders(), budget: budget);
        ChatOptions chat = new ChatOptions().WithEaio(p => { p.Privacy = PrivacyLevel.Public; p.Complexity = 0.9; p.Domain = RequestDomain.General; });
        ChatMessage[] question = [new(ChatRole.User, "Plan the heating for next winter.")];

        Assert.That(router.Explain(question, chat).Routes[0].Tier, Is.EqualTo(ProviderTier.External));

        budget.Snapshot = new BudgetSnapshot(100m, 2m);
        RoutePlan low = router.Explain(question, chat);
        Assert.That(low.Routes.Select(r => r.Tier), Is.All.EqualTo(ProviderTier.Local));
        Assert.That(low.Exclusions.First(e => e.Tier == ProviderTier.External).Reason, Does.Contain("budget below 10 %"));

        budget.Snapshot = new BudgetSnapshot(100m, 100m);
        Assert.That(router.Explain(question, chat).Routes[0].Tier, Is.EqualTo(ProviderTier.External));

        // A small budget, all of it left: external routes stay allowed, but the dearest no longer fit in 5 % of it.
        budget.Snapshot = new BudgetSnapshot(0.1m, 0.1m);
        Assert.That(router.Explain(question, chat).Exclusions.Select(e => e.Reason), Has.Some.Contains("exceeds 5 % of the remaining budget"));
    }

    [Test]
    public void External_routes_are_planned_for_the_exact_token_count()
    {
        using HybridRouterChatClient router = TestRouter.Create(new EaioHybridChatOptions { RequestsPerMinute = int.MaxValue }, AllProviders());
        ChatOptions chat = new ChatOptions().WithEaio(p => { p.Privacy = PrivacyLevel.Public; p.Complexity = 0.9; p.Domain = RequestDomain.General; });

        decimal shortCost = router.Explain([new(ChatRole.User, new string('a', 400))], chat).Routes[0].EstimatedCostUsd;
        decimal longCost = router.Explain([new(ChatRole.User, new string('a', 40_000))], chat).Routes[0].EstimatedCostUsd;

        Assert.That(longCost, Is.GreaterThan(shortCost));
    }

    [Test]
    public void Local_only_requests_share_a_plan_while_the_same_local_model_fits()
    {
        using HybridRouterChatClient router = TestRouter.Create(new EaioHybridChatOptions { RequestsPerMinute = int.MaxValue }, AllProviders());
        ChatOptions chat = new ChatOptions().WithEaio(p => { p.Privacy = PrivacyLevel.Private; p.Complexity = 0.3; p.Domain = RequestDomain.General; });

        RoutePlan small = router.Explain([new(ChatRole.User, new string('a', 100))], chat);
        RoutePlan larger = router.Explain([new(ChatRole.User, new string('a', 5000))], chat);
        Assert.That(router.CachedPlans, Is.EqualTo(1));
        Assert.That(larger.Routes, Is.SameAs(small.Routes));
        Assert.That(larger.Profile.EstimatedInputTokens, Is.GreaterThan(small.Profile.EstimatedInputTokens), "each plan carries its own profile");

        // Too long for any local model: the exclusion names the count, so this plan is not shared with the others.
        RoutePlan tooLong = router.Explain([new(ChatRole.User, new string('a', 400_000))], chat);
        Assert.That(tooLong.IsEmpty, Is.True);
        Assert.That(tooLong.Exclusions.Single(e => e.Tier == ProviderTier.Local).Reason, Does.Contain("context window too small"));
        Assert.That(router.CachedPlans, Is.EqualTo(2));
    }

    [Test]
    public void Shared_plan_lists_cannot_be_changed_by_a_caller()
    {
        using HybridRouterChatClient router = TestRouter.Create(new EaioHybridChatOptions { RequestsPerMinute = int.MaxValue }, AllProviders());
        RoutePlan plan = router.Explain([new(ChatRole.User, "hi")], new ChatOptions().WithEaio(p => p.Privacy = PrivacyLevel.Private));

        Assert.That(() => ((IList<PlannedRoute>)plan.Routes).Add(plan.Routes[0]), Throws.TypeOf<NotSupportedException>());
        Assert.That(() => ((IList<RouteExclusion>)plan.Exclusions).Clear(), Throws.TypeOf<NotSupportedException>());
    }

    private static Dictionary<string, IChatClient> AllProviders() => new()
    {
        [EaioProviders.Ollama] = new FailingClient(),
        [EaioProviders.OpenAI] = new FailingClient(),
        [EaioProviders.DeepSeek] = new FailingClient(),
        [EaioProviders.Gemini] = new FailingClient(),
    };

    private static ProviderAvailability[] Healthy(HybridRouterChatClient router) =>
        [.. router.Policy.Catalog.Providers.Select(p => p.Name is EaioProviders.Ollama or EaioProviders.OpenAI or EaioProviders.DeepSeek or EaioProviders.Gemini
            ? new ProviderAvailability(p.Name, true)
            : new ProviderAvailability(p.Name, false, $"{p.KeySetting} is not set"))];

    private static string Describe(RoutePlan plan) =>
        string.Join("\n", plan.Routes.Select(r => $"{r} ${r.EstimatedCostUsd}").Concat(plan.Exclusions.Select(e => $"{e} {e.Tier}")));

    private static T Pick<T>(Random random)
        where T : struct, Enum
    {
        T[] values = Enum.GetValues<T>();
        return values[random.Next(values.Length)];
    }

    /// <summary>A ledger whose snapshot the test sets; these tests only plan, so reservations go to a real in-memory ledger.</summary>
    private sealed class MutableBudget : IBudgetLedger
    {
        private readonly InMemoryBudgetLedger _ledger = new(new BudgetLimits(1000m));

        public BudgetSnapshot Snapshot { get; set; } = BudgetSnapshot.Unlimited;

        public int Reads { get; private set; }

        public ValueTask<BudgetSnapshot> GetSnapshotAsync(string? tenantId, CancellationToken cancellationToken = default)
        {
            Reads++;
            return new ValueTask<BudgetSnapshot>(Snapshot);
        }

        public ValueTask<BudgetReservation> ReserveAsync(string? tenantId, decimal amountUsd, CancellationToken cancellationToken = default) =>
            _ledger.ReserveAsync(tenantId, amountUsd, cancellationToken);

        public ValueTask<BudgetSettlement> SettleAsync(BudgetReservation reservation, decimal actualUsd, CancellationToken cancellationToken = default) =>
            _ledger.SettleAsync(reservation, actualUsd, cancellationToken);

        public ValueTask ReleaseAsync(BudgetReservation reservation, CancellationToken cancellationToken = default) =>
            _ledger.ReleaseAsync(reservation, cancellationToken);

        public ValueTask<BudgetStatus> GetStatusAsync(string? tenantId, CancellationToken cancellationToken = default) =>
            _ledger.GetStatusAsync(tenantId, cancellationToken);
    }

    private sealed class FailingClient : IChatClient
    {
        public int Calls { get; private set; }

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            Calls++;
            throw new InvalidOperationException("down");
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
