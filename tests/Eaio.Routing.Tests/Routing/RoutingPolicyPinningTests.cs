using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>A request pinned to a provider (and model) narrows the plan to that route; the exclusions still decide whether it may run.</summary>
public sealed class RoutingPolicyPinningTests
{
    private static readonly ProviderCatalog s_catalog = ProviderCatalog.CreateDefault();

    private static RoutePlan Plan(ResolvedRequestProfile profile, BudgetSnapshot? budget = null) =>
        new RoutingPolicy(s_catalog, new EaioHybridChatOptions()).Plan(profile, RoutingPolicyTests.AllAvailable(), budget ?? new BudgetSnapshot(1000m, 1000m));

    [Test]
    public void A_pinned_external_model_is_the_only_route_when_privacy_allows_it()
    {
        RoutePlan plan = Plan(RoutingPolicyTests.Profile(PrivacyLevel.Public) with { PinnedProvider = "openai", PinnedModel = "gpt-4o" });

        Assert.That(plan.Routes.Select(r => (r.Provider, r.Model)), Is.EqualTo(new[] { ("openai", "gpt-4o") }));
        Assert.That(plan.Routes[0].Reasons, Has.Some.EqualTo("model gpt-4o pinned by the request"));
        Assert.That(plan.Exclusions.Select(e => e.Provider), Is.EquivalentTo(s_catalog.Providers.Select(p => p.Name).Where(n => n != "openai")));
        Assert.That(plan.Exclusions.Select(e => e.Reason), Has.All.EqualTo("the request is pinned to provider openai"));
    }

    [Test]
    public void A_pinned_provider_without_a_model_gets_its_model_by_task()
    {
        RoutePlan plan = Plan(RoutingPolicyTests.Profile(PrivacyLevel.Enhanced, domain: RequestDomain.Code) with { PinnedProvider = "ollama" });

        Assert.That(plan.Routes.Select(r => (r.Provider, r.Model)), Is.EqualTo(new[] { ("ollama", "deepseek-coder:6.7b") }));
    }

    [TestCase(PrivacyLevel.Private, DataSensitivity.Public, "privacy PRIVATE: local only")]
    [TestCase(PrivacyLevel.Public, DataSensitivity.Critical, "sensitivity CRITICAL: local only")]
    public void A_pin_never_takes_a_local_only_request_out(PrivacyLevel privacy, DataSensitivity sensitivity, string reason)
    {
        RoutePlan plan = Plan(RoutingPolicyTests.Profile(privacy, sensitivity) with { PinnedProvider = "openai", PinnedModel = "gpt-4o-mini" });

        Assert.That(plan.IsEmpty, Is.True, "a pinned route that is excluded must leave no route, not fall back elsewhere");
        Assert.That(plan.Exclusions.Single(e => e.Provider == "openai").Reason, Does.Contain(reason));
        Assert.That(plan.Exclusions.Single(e => e.Provider == "ollama").Reason, Is.EqualTo("the request is pinned to provider openai"));
    }

    [Test]
    public void A_pinned_external_route_above_five_percent_of_the_remaining_budget_is_excluded()
    {
        RoutePlan plan = Plan(RoutingPolicyTests.Profile(PrivacyLevel.Public) with { PinnedProvider = "openai", PinnedModel = "gpt-4o" }, new BudgetSnapshot(0.01m, 0.01m));

        Assert.That(plan.IsEmpty, Is.True);
        Assert.That(plan.Exclusions.Single(e => e.Provider == "openai").Reason, Does.Contain("exceeds 5 % of the remaining budget"));
    }

    [Test]
    public void A_pinned_model_outside_the_catalogue_or_too_small_is_excluded_with_the_reason()
    {
        RoutePlan unknown = Plan(RoutingPolicyTests.Profile(PrivacyLevel.Public) with { PinnedProvider = "openai", PinnedModel = "gpt-9" });
        Assert.That(unknown.IsEmpty, Is.True);
        Assert.That(unknown.Exclusions.Single(e => e.Provider == "openai").Reason, Does.Contain("the pinned model gpt-9 is not in the catalogue").And.Contain("gpt-4o-mini"));

        RoutePlan tooSmall = Plan(RoutingPolicyTests.Profile(PrivacyLevel.Private, inputTokens: 6_000) with { PinnedProvider = "ollama", PinnedModel = "phi3:mini" });
        Assert.That(tooSmall.IsEmpty, Is.True, "a pinned model that does not fit must not be swapped for another one");
        Assert.That(tooSmall.Exclusions.Single(e => e.Provider == "ollama").Reason, Does.Contain("the pinned model phi3:mini has 4096"));
    }

    [Test]
    public void Pinned_and_unpinned_requests_alike_do_not_share_a_cached_plan()
    {
        RoutingPolicy policy = new(s_catalog, new EaioHybridChatOptions());
        ResolvedRequestProfile free = RoutingPolicyTests.Profile(PrivacyLevel.Private);
        BudgetSnapshot budget = new(1000m, 1000m);

        PlanKey unpinned = policy.KeyFor(free, budget, externalAvailable: true, RoutingInsight.Fixed);
        PlanKey pinned = policy.KeyFor(free with { PinnedProvider = "ollama", PinnedModel = "qwen2.5:7b" }, budget, externalAvailable: true, RoutingInsight.Fixed);

        Assert.That(pinned, Is.Not.EqualTo(unpinned));
    }
}
