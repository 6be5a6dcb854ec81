using System.Globalization;

namespace Eaio.Routing;

/// <summary>
/// The routing decision as a pure function: (request profile, provider availability, budget) to an ordered plan of routes,
/// each with its reasons, and every excluded provider with its reason.
/// </summary>
/// <remarks>
/// <para>
/// Exclusions come first and decide which routes are allowed at all; a removed route never comes back through
/// failover, because failover only walks the plan. Preferences then order what is left: the first matching rule picks
/// the first choice; after an external first choice comes local; the remaining external routes follow cheapest first
/// (fastest first for urgent requests).
/// </para>
/// <para>The policy does no I/O and keeps no state, so <see cref="HybridRouterChatClient.Explain"/> can show a plan without calling a model.</para>
/// </remarks>
public sealed class RoutingPolicy
{
    /// <summary>Below this share of the budget only local routes remain.</summary>
    public const decimal LowBudgetShare = 0.10m;

    /// <summary>An external route whose estimate exceeds this share of the remaining budget is skipped.</summary>
    public const decimal MaxRouteShareOfRemaining = 0.05m;

    /// <summary>Above this complexity the rule "complexity &gt; 0.8" prefers an external model by domain.</summary>
    public const double HighComplexity = 0.8;

    private readonly EaioHybridChatOptions _options;

    /// <summary>Initializes a new instance of the <see cref="RoutingPolicy"/> class.</summary>
    /// <param name="catalog">The providers and their models.</param>
    /// <param name="options">The strategy, privacy and budget settings.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public RoutingPolicy(ProviderCatalog catalog, EaioHybridChatOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        Catalog = catalog;
        _options = options;
    }

    /// <summary>Gets the catalogue the policy plans over.</summary>
    public ProviderCatalog Catalog { get; }

    /// <summary>Plans the routes of a request.</summary>
    /// <param name="profile">The resolved request profile.</param>
    /// <param name="availability">Which providers are configured and healthy; a provider missing here is treated as unavailable.</param>
    /// <param name="budget">What remains of the budget.</param>
    /// <returns>The plan; empty when no route is allowed.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public RoutePlan Plan(ResolvedRequestProfile profile, IReadOnlyCollection<ProviderAvailability> availability, BudgetSnapshot budget)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(availability);

        List<RouteExclusion> exclusions = [];
        List<Candidate> candidates = [];
        string? externalBlock = ExternalBlock(profile, budget);
        ModelTask task = TaskFor(profile);
        int neededTokens = profile.EstimatedInputTokens + profile.MaxOutputTokens;

        foreach (ProviderDescriptor provider in Catalog.Providers)
        {
            string? reason = provider.Tier == ProviderTier.Local
                ? (_options.Strategy == RoutingStrategy.ApiOnly ? "LLM_STRATEGY=api-only allows no local routes" : null)
                : externalBlock;

            ProviderAvailability? state = availability.FirstOrDefault(a => string.Equals(a.Provider, provider.Name, StringComparison.OrdinalIgnoreCase));
            reason ??= state is null ? "not registered" : state.IsAvailable ? null : state.Reason ?? "unavailable";

            ModelTask providerTask = task;
            ModelDescriptor? model = null;
            if (reason is null)
            {
                (model, reason) = ChooseModel(provider, providerTask, profile.RequiredCapabilities, neededTokens);
            }

            decimal cost = model is null || provider.Tier == ProviderTier.Local
                ? 0m
                : model.EstimateCostUsd(profile.EstimatedInputTokens, profile.MaxOutputTokens);
            if (reason is null && provider.Tier == ProviderTier.External && budget.RemainingUsd is { } remaining
                && cost > MaxRouteShareOfRemaining * remaining)
            {
                reason = string.Create(
                    CultureInfo.InvariantCulture,
                    $"estimated cost ${cost:0.######} exceeds 5 % of the remaining budget (${remaining:0.##})");
            }

            if (reason is not null)
            {
                exclusions.Add(new RouteExclusion(provider.Name, provider.Tier, reason));
                continue;
            }

            candidates.Add(new Candidate(provider, model!, cost, ModelReason(provider, model!, providerTask)));
        }

        return new RoutePlan(profile, Order(profile, candidates, task), exclusions);
    }

    /// <summary>Gets the task a request's model is chosen for.</summary>
    /// <param name="profile">The resolved profile.</param>
    /// <returns>The task.</returns>
    public static ModelTask TaskFor(ResolvedRequestProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        return profile switch
        {
            { Workload: Workload.RealTimeMonitoring or Workload.EmergencyResponse } => ModelTask.RealTime,
            { Domain: RequestDomain.Code } => ModelTask.Code,
            { Urgency: Urgency.High } => ModelTask.Fast,
            { Complexity: > HighComplexity } => ModelTask.Complex,
            { Domain: RequestDomain.BuildingData or RequestDomain.Analysis or RequestDomain.EnergyOptimization } => ModelTask.Complex,
            { Workload: Workload.StrategicPlanning } => ModelTask.Complex,
            _ => ModelTask.General,
        };
    }

    private string? ExternalBlock(ResolvedRequestProfile profile, BudgetSnapshot budget)
    {
        List<string> reasons = [];
        if (_options.Strategy == RoutingStrategy.Local)
        {
            reasons.Add("LLM_STRATEGY=local allows no external routes");
        }

        if (_options.EmergencyLocalOnly)
        {
            reasons.Add("EMERGENCY_LOCAL_ONLY=true");
        }

        if (budget.RemainingShare is { } share && share < LowBudgetShare)
        {
            reasons.Add(string.Create(
                CultureInfo.InvariantCulture,
                $"budget below 10 % (${budget.RemainingUsd:0.##} of ${budget.MonthlyBudgetUsd:0.##} left): local only"));
        }

        if (profile.Privacy == PrivacyLevel.Private)
        {
            reasons.Add("privacy PRIVATE: local only");
        }

        if (profile.Sensitivity == DataSensitivity.Critical)
        {
            reasons.Add("sensitivity CRITICAL: local only");
        }

        if (profile.Workload is Workload.RealTimeMonitoring or Workload.EmergencyResponse)
        {
            reasons.Add($"workload {profile.Workload}: local only");
        }

        if (profile.Sensitivity == DataSensitivity.Sensitive && profile.Privacy != PrivacyLevel.Private && !_options.AllowApiForAggregated)
        {
            reasons.Add("sensitivity SENSITIVE and ALLOW_API_FOR_AGGREGATED=false: local only");
        }

        return reasons.Count == 0 ? null : string.Join("; ", reasons);
    }

    private static (ModelDescriptor? Model, string? Reason) ChooseModel(
        ProviderDescriptor provider, ModelTask task, ModelCapabilities required, int neededTokens)
    {
        ModelDescriptor preferred = provider.ModelFor(task);
        if (Fits(preferred, required, neededTokens))
        {
            return (preferred, null);
        }

        foreach (ModelDescriptor model in provider.Models)
        {
            if (Fits(model, required, neededTokens))
            {
                return (model, null);
            }
        }

        if (!provider.Models.Any(m => m.Supports(required)))
        {
            return (null, $"no model supports {required} (needed by the request)");
        }

        int largest = provider.Models.Where(m => m.Supports(required)).Max(m => m.ContextWindow);
        return (null, string.Create(CultureInfo.InvariantCulture, $"context window too small: the request needs about {neededTokens} tokens, the largest fitting model has {largest}"));
    }

    private static bool Fits(ModelDescriptor model, ModelCapabilities required, int neededTokens) =>
        model.Supports(required) && model.ContextWindow >= neededTokens;

    private static string ModelReason(ProviderDescriptor provider, ModelDescriptor model, ModelTask task) =>
        provider.ModelFor(task) == model ? $"model {model.Id} for task {task}" : $"model {model.Id}: {provider.ModelFor(task).Id} lacks a needed capability or context";

    private static List<PlannedRoute> Order(ResolvedRequestProfile profile, List<Candidate> candidates, ModelTask task)
    {
        Candidate? local = candidates.FirstOrDefault(c => c.Provider.Tier == ProviderTier.Local);
        List<Candidate> external = [.. candidates.Where(c => c.Provider.Tier == ProviderTier.External).OrderBy(c => c.Cost).ThenBy(c => c.Provider.LatencyRank)];
        List<PlannedRoute> plan = [];

        void Add(Candidate? candidate, string why)
        {
            if (candidate is not null && !plan.Any(p => p.Provider == candidate.Provider.Name))
            {
                plan.Add(new PlannedRoute(candidate.Provider.Name, candidate.Model.Id, candidate.Provider.Tier, candidate.Cost, [why, candidate.ModelReason]));
            }
        }

        void AddLocalThenCheapest(string localWhy)
        {
            Add(local, localWhy);
            foreach (Candidate c in external)
            {
                Add(c, string.Create(CultureInfo.InvariantCulture, $"fallback: cheapest allowed external (estimate ${c.Cost:0.######})"));
            }
        }

        void AddExternalFirst(Candidate? first, string why)
        {
            Add(first, why);
            AddLocalThenCheapest(first is null ? why + "; no preferred external route is allowed, local first" : "fallback: local after an external failure");
        }

        if (profile.Domain == RequestDomain.BuildingData)
        {
            Add(local, "domain BuildingData: local first");
            Add(external.FirstOrDefault(c => c.Provider.Name == EaioProviders.DeepSeek), "fallback: DeepSeek for building-data algorithms");
            AddLocalThenCheapest("domain BuildingData: local first");
        }
        else if (profile.CostSensitivity == CostSensitivity.High)
        {
            AddLocalThenCheapest("cost sensitivity HIGH: local first");
        }
        else if (profile.Urgency == Urgency.High)
        {
            Add(local, "urgency HIGH: fast local model first");
            foreach (Candidate c in external.OrderBy(c => c.Provider.LatencyRank))
            {
                Add(c, $"fallback: fastest allowed external (latency rank {c.Provider.LatencyRank})");
            }
        }
        else if (profile.Complexity > HighComplexity)
        {
            AddExternalFirst(
                PreferredByDomain(profile.Domain, external),
                string.Create(CultureInfo.InvariantCulture, $"complexity {profile.Complexity:0.00} > 0.8: external by domain {profile.Domain}"));
        }
        else if (profile.Workload == Workload.BatchAnalysis)
        {
            AddExternalFirst(external.FirstOrDefault(), "workload BatchAnalysis: cheapest external first");
        }
        else if (profile.Privacy == PrivacyLevel.Public)
        {
            AddExternalFirst(PreferredByDomain(profile.Domain, external), "privacy PUBLIC: external preferred for the best experience");
        }
        else
        {
            AddLocalThenCheapest(task == ModelTask.General ? "default: local first" : $"default: local first, model by task {task}");
        }

        return plan;
    }

    private static Candidate? PreferredByDomain(RequestDomain domain, List<Candidate> external)
    {
        string[] order = domain switch
        {
            RequestDomain.Technical or RequestDomain.Code => [EaioProviders.DeepSeek],
            RequestDomain.Analysis or RequestDomain.BuildingData or RequestDomain.Multimodal => [EaioProviders.Gemini],
            RequestDomain.EnergyOptimization => [EaioProviders.OpenAI, EaioProviders.Gemini],
            _ => [EaioProviders.OpenAI],
        };

        foreach (string name in order)
        {
            Candidate? match = external.FirstOrDefault(c => c.Provider.Name == name);
            if (match is not null)
            {
                return match;
            }
        }

        // The preferred provider is not allowed or not configured: the next best is the cheapest that is.
        return external.FirstOrDefault();
    }

    private sealed record Candidate(ProviderDescriptor Provider, ModelDescriptor Model, decimal Cost, string ModelReason);
}
