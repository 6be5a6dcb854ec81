using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>Every row of the decision matrix, on the pure policy: no I/O, no clients.</summary>
public sealed class RoutingPolicyTests
{
    private static readonly ProviderCatalog s_catalog = ProviderCatalog.CreateDefault();

    internal static ResolvedRequestProfile Profile(
        PrivacyLevel privacy = PrivacyLevel.Enhanced,
        DataSensitivity sensitivity = DataSensitivity.Public,
        double complexity = 0.5,
        RequestDomain domain = RequestDomain.General,
        Workload workload = Workload.Interactive,
        Urgency urgency = Urgency.Normal,
        CostSensitivity cost = CostSensitivity.Normal,
        ModelCapabilities capabilities = ModelCapabilities.None,
        int inputTokens = 200,
        int maxOutputTokens = 1024) =>
        new(privacy, sensitivity, complexity, domain, workload, urgency, cost, capabilities, inputTokens, maxOutputTokens, null, null, []);

    internal static List<ProviderAvailability> AllAvailable() => [.. s_catalog.Providers.Select(p => new ProviderAvailability(p.Name, true))];

    private static RoutePlan Plan(ResolvedRequestProfile profile, Action<EaioHybridChatOptions>? configure = null, BudgetSnapshot? budget = null, List<ProviderAvailability>? availability = null)
    {
        EaioHybridChatOptions options = new();
        configure?.Invoke(options);
        return new RoutingPolicy(s_catalog, options).Plan(profile, availability ?? AllAvailable(), budget ?? new BudgetSnapshot(1000m, 1000m));
    }

    private static string[] Providers(RoutePlan plan) => [.. plan.Routes.Select(r => r.Provider)];

    private static void AssertLocalOnly(RoutePlan plan, string reasonFragment)
    {
        Assert.That(plan.Routes.Select(r => r.Tier), Is.All.EqualTo(ProviderTier.Local));
        Assert.That(plan.Routes, Has.Count.EqualTo(1));
        Assert.That(plan.Exclusions.Where(e => e.Tier == ProviderTier.External).Select(e => e.Reason), Has.All.Contains(reasonFragment));
        Assert.That(plan.Exclusions.Count(e => e.Tier == ProviderTier.External), Is.EqualTo(5));
    }

    [Test]
    public void Strategy_local_excludes_every_external_route() =>
        AssertLocalOnly(Plan(Profile(PrivacyLevel.Public), o => o.Strategy = RoutingStrategy.Local), "LLM_STRATEGY=local");

    [Test]
    public void Emergency_local_only_excludes_every_external_route() =>
        AssertLocalOnly(Plan(Profile(PrivacyLevel.Public), o => o.EmergencyLocalOnly = true), "EMERGENCY_LOCAL_ONLY=true");

    [Test]
    public void Budget_below_ten_percent_excludes_every_external_route()
    {
        AssertLocalOnly(Plan(Profile(PrivacyLevel.Public), budget: new BudgetSnapshot(1000m, 99.99m)), "budget below 10 %");
        Assert.That(Plan(Profile(PrivacyLevel.Public), budget: new BudgetSnapshot(1000m, 100m)).Routes.Any(r => r.Tier == ProviderTier.External), Is.True);
    }

    [Test]
    public void Privacy_private_is_local_only() =>
        AssertLocalOnly(Plan(Profile(PrivacyLevel.Private, complexity: 0.95)), "privacy PRIVATE");

    [Test]
    public void Critical_data_is_local_only_even_at_privacy_public() =>
        AssertLocalOnly(Plan(Profile(PrivacyLevel.Public, DataSensitivity.Critical, complexity: 0.95)), "sensitivity CRITICAL");

    [TestCase(Workload.RealTimeMonitoring)]
    [TestCase(Workload.EmergencyResponse)]
    public void Real_time_and_emergency_workloads_are_local_only_on_the_real_time_model(Workload workload)
    {
        RoutePlan plan = Plan(Profile(PrivacyLevel.Public, workload: workload));
        AssertLocalOnly(plan, $"workload {workload}");
        Assert.That(plan.Routes[0].Model, Is.EqualTo("llama3.2:3b"));
    }

    [Test]
    public void Sensitive_data_goes_external_only_at_enhanced_or_public_with_aggregated_allowed()
    {
        Assert.That(Plan(Profile(PrivacyLevel.Enhanced, DataSensitivity.Sensitive)).Routes.Any(r => r.Tier == ProviderTier.External), Is.True);
        Assert.That(Plan(Profile(PrivacyLevel.Public, DataSensitivity.Sensitive)).Routes.Any(r => r.Tier == ProviderTier.External), Is.True);
        AssertLocalOnly(Plan(Profile(PrivacyLevel.Enhanced, DataSensitivity.Sensitive), o => o.AllowApiForAggregated = false), "ALLOW_API_FOR_AGGREGATED=false");
        AssertLocalOnly(Plan(Profile(PrivacyLevel.Private, DataSensitivity.Sensitive)), "privacy PRIVATE");
    }

    [Test]
    public void A_provider_without_its_key_or_with_an_open_circuit_is_excluded_with_the_reason()
    {
        List<ProviderAvailability> availability = AllAvailable();
        availability[availability.FindIndex(a => a.Provider == EaioProviders.OpenAI)] = new(EaioProviders.OpenAI, false, "OPENAI_API_KEY is not set");
        availability[availability.FindIndex(a => a.Provider == EaioProviders.Gemini)] = new(EaioProviders.Gemini, false, "circuit open after repeated failures");

        RoutePlan plan = Plan(Profile(PrivacyLevel.Public), availability: availability);

        Assert.That(Providers(plan), Does.Not.Contain(EaioProviders.OpenAI).And.Not.Contain(EaioProviders.Gemini));
        Assert.That(plan.Exclusions.Single(e => e.Provider == EaioProviders.OpenAI).Reason, Is.EqualTo("OPENAI_API_KEY is not set"));
        Assert.That(plan.Exclusions.Single(e => e.Provider == EaioProviders.Gemini).Reason, Does.Contain("circuit open"));
    }

    [Test]
    public void A_provider_missing_from_the_snapshot_is_excluded()
    {
        RoutePlan plan = Plan(Profile(PrivacyLevel.Public), availability: [new ProviderAvailability(EaioProviders.Ollama, true)]);
        Assert.That(Providers(plan), Is.EqualTo(new[] { EaioProviders.Ollama }));
        Assert.That(plan.Exclusions.Single(e => e.Provider == EaioProviders.DeepSeek).Reason, Is.EqualTo("not registered"));
    }

    [Test]
    public void Vision_requests_skip_providers_without_a_vision_model()
    {
        RoutePlan plan = Plan(Profile(PrivacyLevel.Public, domain: RequestDomain.Multimodal, capabilities: ModelCapabilities.Vision));

        Assert.That(plan.Exclusions.Single(e => e.Provider == EaioProviders.Ollama).Reason, Does.Contain("no model supports Vision"));
        Assert.That(plan.Exclusions.Single(e => e.Provider == EaioProviders.DeepSeek).Reason, Does.Contain("no model supports Vision"));
        Assert.That(plan.Routes[0].Provider, Is.EqualTo(EaioProviders.Gemini), "multimodal prefers Gemini");
    }

    [Test]
    public void A_needed_capability_moves_the_route_to_another_model_of_the_same_provider()
    {
        // deepseek-reasoner (complex) has no tool calling: the route keeps DeepSeek on deepseek-chat.
        RoutePlan plan = Plan(Profile(PrivacyLevel.Public, complexity: 0.95, domain: RequestDomain.Technical, capabilities: ModelCapabilities.Tools));
        Assert.That(plan.Routes[0].Provider, Is.EqualTo(EaioProviders.DeepSeek));
        Assert.That(plan.Routes[0].Model, Is.EqualTo("deepseek-chat"));
        Assert.That(Plan(Profile(PrivacyLevel.Public, complexity: 0.95, domain: RequestDomain.Technical)).Routes[0].Model, Is.EqualTo("deepseek-reasoner"));
    }

    [Test]
    public void Context_length_excludes_models_that_are_too_small()
    {
        RoutePlan plan = Plan(Profile(PrivacyLevel.Public, inputTokens: 150_000));
        Assert.That(plan.Exclusions.Single(e => e.Provider == EaioProviders.Ollama).Reason, Does.Contain("context window too small"));
        Assert.That(plan.Exclusions.Single(e => e.Provider == EaioProviders.OpenAI).Reason, Does.Contain("context window too small"));
        Assert.That(Providers(plan), Is.EquivalentTo(new[] { EaioProviders.Gemini, EaioProviders.Anthropic }));
    }

    [Test]
    public void A_route_estimated_above_five_percent_of_the_remaining_budget_is_skipped()
    {
        // 20,000 input + 1,024 output tokens: gpt-4o about $0.06, gpt-4o-mini about $0.0036; 5 % of $1 is $0.05.
        RoutePlan plan = Plan(Profile(PrivacyLevel.Public, complexity: 0.95, inputTokens: 20_000), budget: new BudgetSnapshot(10m, 1m));

        Assert.That(plan.Exclusions.Single(e => e.Provider == EaioProviders.OpenAI).Reason, Does.Contain("exceeds 5 % of the remaining budget"));
        Assert.That(plan.Exclusions.Single(e => e.Provider == EaioProviders.Anthropic).Reason, Does.Contain("exceeds 5 %"));
        Assert.That(Providers(plan), Does.Contain(EaioProviders.DeepSeek));
        Assert.That(plan.Routes.Where(r => r.Tier == ProviderTier.External).Select(r => r.EstimatedCostUsd), Has.All.LessThanOrEqualTo(0.05m));
    }

    [Test]
    public void Api_only_excludes_local_and_leaves_a_private_request_without_any_route()
    {
        RoutePlan open = Plan(Profile(PrivacyLevel.Public), o => o.Strategy = RoutingStrategy.ApiOnly);
        Assert.That(open.Routes.Select(r => r.Tier), Is.All.EqualTo(ProviderTier.External));
        Assert.That(open.Exclusions.Single(e => e.Provider == EaioProviders.Ollama).Reason, Does.Contain("api-only"));

        RoutePlan closed = Plan(Profile(PrivacyLevel.Private), o => o.Strategy = RoutingStrategy.ApiOnly);
        Assert.That(closed.IsEmpty, Is.True);
        Assert.That(closed.Advice, Does.Contain("LLM_STRATEGY=api-only"));
    }

    [Test]
    public void Building_data_goes_local_first_on_qwen_with_deepseek_as_the_first_fallback()
    {
        RoutePlan plan = Plan(Profile(PrivacyLevel.Enhanced, domain: RequestDomain.BuildingData));
        Assert.That(plan.Routes[0].Provider, Is.EqualTo(EaioProviders.Ollama));
        Assert.That(plan.Routes[0].Model, Is.EqualTo("qwen2.5:7b"));
        Assert.That(plan.Routes[1].Provider, Is.EqualTo(EaioProviders.DeepSeek));
        Assert.That(plan.Routes[0].Reasons[0], Does.Contain("BuildingData"));
    }

    [Test]
    public void High_cost_sensitivity_goes_local_first_then_cheapest_external()
    {
        RoutePlan plan = Plan(Profile(PrivacyLevel.Public, complexity: 0.95, cost: CostSensitivity.High));
        Assert.That(plan.Routes[0].Tier, Is.EqualTo(ProviderTier.Local));
        decimal[] costs = [.. plan.Routes.Skip(1).Select(r => r.EstimatedCostUsd)];
        Assert.That(costs, Is.Ordered.Ascending);
        Assert.That(costs, Has.Length.EqualTo(5));
    }

    [Test]
    public void The_cheapest_external_among_openai_and_deepseek_is_deepseek()
    {
        List<ProviderAvailability> availability = [.. AllAvailable().Where(a => a.Provider is EaioProviders.Ollama or EaioProviders.OpenAI or EaioProviders.DeepSeek)];
        RoutePlan plan = Plan(Profile(PrivacyLevel.Public, complexity: 0.95, cost: CostSensitivity.High), availability: availability);
        Assert.That(Providers(plan), Is.EqualTo(new[] { EaioProviders.Ollama, EaioProviders.DeepSeek, EaioProviders.OpenAI }));
    }

    [Test]
    public void High_urgency_goes_to_the_fast_local_model_then_the_fastest_external()
    {
        RoutePlan plan = Plan(Profile(PrivacyLevel.Public, urgency: Urgency.High));
        Assert.That(plan.Routes[0].Model, Is.EqualTo("phi3:mini"));
        Assert.That(plan.Routes[1].Provider, Is.EqualTo(EaioProviders.OpenAI));
        Assert.That(plan.Routes[1].Model, Is.EqualTo("gpt-4o-mini"));
    }

    [TestCase(RequestDomain.Technical, EaioProviders.DeepSeek, "deepseek-reasoner")]
    [TestCase(RequestDomain.Code, EaioProviders.DeepSeek, "deepseek-coder")]
    [TestCase(RequestDomain.Analysis, EaioProviders.Gemini, "gemini-1.5-pro")]
    [TestCase(RequestDomain.Multimodal, EaioProviders.Gemini, "gemini-1.5-pro")]
    [TestCase(RequestDomain.EnergyOptimization, EaioProviders.OpenAI, "gpt-4o")]
    [TestCase(RequestDomain.Creative, EaioProviders.OpenAI, "gpt-4o")]
    [TestCase(RequestDomain.General, EaioProviders.OpenAI, "gpt-4o")]
    public void Complexity_above_0_8_goes_external_by_domain_then_local(RequestDomain domain, string provider, string model)
    {
        RoutePlan plan = Plan(Profile(PrivacyLevel.Enhanced, complexity: 0.85, domain: domain));
        Assert.That(plan.Routes[0].Provider, Is.EqualTo(provider));
        Assert.That(plan.Routes[0].Model, Is.EqualTo(model));
        Assert.That(plan.Routes[1].Tier, Is.EqualTo(ProviderTier.Local), "external failed -> local");
    }

    [Test]
    public void Complexity_of_exactly_0_8_is_not_high()
    {
        Assert.That(Plan(Profile(PrivacyLevel.Enhanced, complexity: 0.8)).Routes[0].Tier, Is.EqualTo(ProviderTier.Local));
    }

    [Test]
    public void Energy_optimisation_falls_to_gemini_pro_when_openai_is_absent()
    {
        List<ProviderAvailability> availability = [.. AllAvailable().Where(a => a.Provider != EaioProviders.OpenAI)];
        RoutePlan plan = Plan(Profile(PrivacyLevel.Enhanced, complexity: 0.9, domain: RequestDomain.EnergyOptimization), availability: availability);
        Assert.That(plan.Routes[0].Model, Is.EqualTo("gemini-1.5-pro"));
    }

    [Test]
    public void Batch_analysis_goes_to_the_cheapest_external_first()
    {
        RoutePlan plan = Plan(Profile(PrivacyLevel.Enhanced, workload: Workload.BatchAnalysis));
        Assert.That(plan.Routes[0].Tier, Is.EqualTo(ProviderTier.External));
        Assert.That(plan.Routes[0].EstimatedCostUsd, Is.EqualTo(plan.Routes.Where(r => r.Tier == ProviderTier.External).Min(r => r.EstimatedCostUsd)));
        Assert.That(plan.Routes[1].Tier, Is.EqualTo(ProviderTier.Local));
    }

    [Test]
    public void Privacy_public_prefers_external_gpt_4o_mini_for_general_queries()
    {
        RoutePlan plan = Plan(Profile(PrivacyLevel.Public, complexity: 0.3));
        Assert.That(plan.Routes[0].Provider, Is.EqualTo(EaioProviders.OpenAI));
        Assert.That(plan.Routes[0].Model, Is.EqualTo("gpt-4o-mini"));
        Assert.That(plan.Routes[1].Tier, Is.EqualTo(ProviderTier.Local));
    }

    [Test]
    public void Otherwise_local_first_then_externals_cheapest_first()
    {
        RoutePlan plan = Plan(Profile(PrivacyLevel.Enhanced, complexity: 0.3));
        Assert.That(plan.Routes[0].Provider, Is.EqualTo(EaioProviders.Ollama));
        Assert.That(plan.Routes[0].Model, Is.EqualTo("llama3.2:3b"));
        Assert.That(plan.Routes.Skip(1).Select(r => r.EstimatedCostUsd), Is.Ordered.Ascending);
        Assert.That(plan.Routes.Select(r => r.Reasons.Count), Is.All.GreaterThan(0));
    }

    [Test]
    public void Code_requests_use_the_local_code_model()
    {
        Assert.That(Plan(Profile(PrivacyLevel.Enhanced, domain: RequestDomain.Code)).Routes[0].Model, Is.EqualTo("deepseek-coder:6.7b"));
    }

    [Test]
    public void The_plan_text_lists_routes_and_exclusions()
    {
        string text = Plan(Profile(PrivacyLevel.Private)).ToString();
        Assert.That(text, Does.Contain("1. ollama/llama3.2:3b (LOCAL)"));
        Assert.That(text, Does.Contain("excluded openai: privacy PRIVATE: local only"));
    }
}
