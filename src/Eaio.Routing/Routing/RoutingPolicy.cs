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
    private readonly string[][] _taskReasons;
    private readonly Dictionary<ModelDescriptor, ModelPrice> _prices = new(ReferenceEqualityComparer.Instance);

    /// <summary>Initializes a new instance of the <see cref="RoutingPolicy"/> class.</summary>
    /// <param name="catalog">The providers and their models.</param>
    /// <param name="options">The strategy, privacy and budget settings, and the prices (<see cref="EaioHybridChatOptions.ResolvePrices"/>).</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="EaioConfigurationException">An external model of the catalogue has no price: it would be planned as free.</exception>
    public RoutingPolicy(ProviderCatalog catalog, EaioHybridChatOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        Catalog = catalog;
        _options = options;
        Prices = options.ResolvePrices();

        List<string> unpriced = [];
        foreach (ProviderDescriptor provider in catalog.Providers.Where(p => p.Tier == ProviderTier.External))
        {
            foreach (ModelDescriptor model in provider.Models)
            {
                if (Prices.Find(provider.Name, model.Id) is { } price)
                {
                    _prices[model] = price;
                }
                else
                {
                    unpriced.Add($"No price for external model {provider.Name}/{model.Id}: add it under Eaio:Prices (input, cachedInput, output in US dollars per million tokens, and contextWindow), or remove the model from the catalogue.");
                }
            }
        }

        if (unpriced.Count > 0)
        {
            throw new EaioConfigurationException(unpriced);
        }

        // The reasons a route gives for its model are the same for every request: make them once.
        _taskReasons = [.. catalog.Providers.Select(p => Enum.GetValues<ModelTask>().Select(t => $"model {p.ModelFor(t).Id} for task {t}").ToArray())];
    }

    /// <summary>Gets the catalogue the policy plans over.</summary>
    public ProviderCatalog Catalog { get; }

    /// <summary>Gets the prices the policy estimates costs with; every external model of <see cref="Catalog"/> has one.</summary>
    public PriceCatalog Prices { get; }

    /// <summary>Gets the price of a model of the catalogue.</summary>
    /// <param name="model">A model of <see cref="Catalog"/>.</param>
    /// <returns>Its price, or <see langword="null"/> for a local model.</returns>
    internal ModelPrice? PriceOf(ModelDescriptor model) => _prices.GetValueOrDefault(model);

    /// <summary>Plans the routes of a request.</summary>
    /// <param name="profile">The resolved request profile.</param>
    /// <param name="availability">Which providers are configured and healthy; a provider missing here is treated as unavailable.</param>
    /// <param name="budget">What remains of the budget.</param>
    /// <returns>The plan; empty when no route is allowed.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public RoutePlan Plan(ResolvedRequestProfile profile, IReadOnlyCollection<ProviderAvailability> availability, BudgetSnapshot budget) =>
        Plan(profile, availability, budget, RoutingInsight.Fixed);

    /// <summary>Plans the routes of a request with a calibrated threshold or what the adaptive policy chose.</summary>
    /// <param name="profile">The resolved request profile.</param>
    /// <param name="availability">Which providers are configured and healthy.</param>
    /// <param name="budget">What remains of the budget.</param>
    /// <param name="insight">The threshold and adaptive choice; they only decide whether the complexity rule fires, after every exclusion.</param>
    /// <returns>The plan; empty when no route is allowed.</returns>
    internal RoutePlan Plan(ResolvedRequestProfile profile, IReadOnlyCollection<ProviderAvailability> availability, BudgetSnapshot budget, in RoutingInsight insight) =>
        Plan(profile, availability, budget, insight, out _);

    /// <summary>Plans the routes of a request, and says from what remaining budget up the plan is the same.</summary>
    /// <param name="profile">The resolved request profile.</param>
    /// <param name="availability">Which providers are configured and healthy.</param>
    /// <param name="budget">What remains of the budget.</param>
    /// <param name="insight">The threshold and adaptive choice.</param>
    /// <param name="reusableFromRemainingUsd">The least remaining budget (USD) with which this plan is the plan of any larger
    /// remaining budget too, or <see langword="null"/> when the budget excluded a route (then only the same budget plans the
    /// same). Kept by the plan cache, not in the plan: every request's plan would carry it.</param>
    /// <returns>The plan; empty when no route is allowed.</returns>
    internal RoutePlan Plan(ResolvedRequestProfile profile, IReadOnlyCollection<ProviderAvailability> availability, BudgetSnapshot budget, in RoutingInsight insight, out decimal? reusableFromRemainingUsd)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(availability);

        List<RouteExclusion> exclusions = new(Catalog.Providers.Count);
        List<Candidate> candidates = new(Catalog.Providers.Count);
        Blocks blocks = ExternalBlocks(profile, budget);
        string? externalBlock = Describe(blocks, budget);
        bool strong = insight.PrefersStrong(profile.Complexity);
        ModelTask task = TaskFor(profile, strong);
        int neededTokens = profile.EstimatedInputTokens + profile.MaxOutputTokens;
        bool budgetExcluded = (blocks & Blocks.LowBudget) != 0;
        bool unavailable = false;

        for (int i = 0; i < Catalog.Providers.Count; i++)
        {
            ProviderDescriptor provider = Catalog.Providers[i];
            string? reason = provider.Tier == ProviderTier.Local
                ? (_options.Strategy == RoutingStrategy.ApiOnly ? "LLM_STRATEGY=api-only allows no local routes" : null)
                : externalBlock;

            if (reason is null && profile.PinnedProvider is { } pinned && !string.Equals(pinned, provider.Name, StringComparison.OrdinalIgnoreCase))
            {
                reason = $"the request is pinned to provider {pinned}";
            }

            if (reason is null)
            {
                ProviderAvailability? state = Find(availability, provider.Name);
                reason = state is null ? "not registered" : state.IsAvailable ? null : state.Reason ?? "unavailable";
                unavailable |= state is { IsAvailable: false };
            }

            ModelDescriptor? model = null;
            if (reason is null)
            {
                (model, reason) = profile.PinnedModel is { } pinnedModel
                    ? ChoosePinnedModel(provider, pinnedModel, profile.RequiredCapabilities, neededTokens)
                    : ChooseModel(provider, task, profile.RequiredCapabilities, neededTokens);
            }

            decimal cost = model is null || provider.Tier == ProviderTier.Local
                ? 0m
                : _prices[model].CostUsd(profile.EstimatedInputTokens, 0, profile.MaxOutputTokens);
            if (reason is null && provider.Tier == ProviderTier.External && budget.RemainingUsd is { } remaining
                && cost > MaxRouteShareOfRemaining * remaining)
            {
                reason = string.Create(
                    CultureInfo.InvariantCulture,
                    $"estimated cost ${cost:0.######} exceeds 5 % of the remaining budget (${remaining:0.##})");
                budgetExcluded = true;
            }

            if (reason is not null)
            {
                exclusions.Add(new RouteExclusion(provider.Name, provider.Tier, reason));
                continue;
            }

            string modelReason = profile.PinnedModel is not null
                ? $"model {model!.Id} pinned by the request"
                : model == provider.ModelFor(task)
                    ? _taskReasons[i][(int)task]
                    : $"model {model!.Id}: {provider.ModelFor(task).Id} lacks a needed capability or context";
            candidates.Add(new Candidate(provider, model!, cost, modelReason));
        }

        // Read-only views: the router shares a plan's lists between requests with the same key.
        RoutePlan plan = new(profile, Order(profile, candidates, task, strong, insight).AsReadOnly(), exclusions.AsReadOnly()) { Insight = insight };
        reusableFromRemainingUsd = budgetExcluded ? null : LeastRemainingFor(candidates, budget);

        // Asking for log-probabilities is what left no route when, with nothing excluded for the moment (budget, outage),
        // the same request without them has one: it will not have one later either.
        const ModelCapabilities LogProbabilities = ModelCapabilities.LogProbabilities;
        if (plan.IsEmpty && (profile.RequiredCapabilities & LogProbabilities) != 0 && !budgetExcluded && !unavailable)
        {
            ResolvedRequestProfile without = profile with { RequiredCapabilities = profile.RequiredCapabilities & ~LogProbabilities };
            // What the request could have without them depends on the budget too: kept for this cent only.
            plan = plan with { LogProbabilitiesUnavailable = !Plan(without, availability, budget, insight).IsEmpty };
            reusableFromRemainingUsd = null;
        }

        return plan;
    }

    /// <summary>The least remaining budget at which the budget still excludes nothing and keeps every external candidate:
    /// above the low-budget share, and at least 1 / <see cref="MaxRouteShareOfRemaining"/> times the dearest one's estimate.</summary>
    /// <remarks>More budget never excludes a route, so a plan the budget left whole is the plan of any budget from here up.</remarks>
    private static decimal LeastRemainingFor(List<Candidate> candidates, BudgetSnapshot budget)
    {
        decimal least = budget.MonthlyBudgetUsd is > 0m and { } monthly ? LowBudgetShare * monthly : 0m;
        foreach (Candidate candidate in candidates)
        {
            if (candidate.Provider.Tier == ProviderTier.External)
            {
                least = Math.Max(least, candidate.Cost / MaxRouteShareOfRemaining);
            }
        }

        return least;
    }

    /// <summary>Gets the task a request's model is chosen for.</summary>
    /// <param name="profile">The resolved profile.</param>
    /// <returns>The task.</returns>
    public static ModelTask TaskFor(ResolvedRequestProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        return TaskFor(profile, profile.Complexity > HighComplexity);
    }

    private static ModelTask TaskFor(ResolvedRequestProfile profile, bool strong) =>
        profile switch
        {
            { Workload: Workload.RealTimeMonitoring or Workload.EmergencyResponse } => ModelTask.RealTime,
            { Domain: RequestDomain.Code } => ModelTask.Code,
            { Urgency: Urgency.High } => ModelTask.Fast,
            _ when strong => ModelTask.Complex,
            { Domain: RequestDomain.BuildingData or RequestDomain.Analysis or RequestDomain.EnergyOptimization } => ModelTask.Complex,
            { Workload: Workload.StrategicPlanning } => ModelTask.Complex,
            _ => ModelTask.General,
        };

    /// <summary>Gets the key of everything <c>Plan</c> reads besides provider availability, for a cache of plans.</summary>
    /// <param name="profile">The resolved profile.</param>
    /// <param name="budget">What remains of the budget.</param>
    /// <param name="externalAvailable">Whether any external provider is available.</param>
    /// <remarks>
    /// This lives next to <c>Plan</c> so that the two change together: a value the plan starts to depend on must
    /// become part of the key. Complexity only counts through the "complexity &gt; 0.8" rule. Token counts only count
    /// exactly when an external route can get as far as a cost estimate; otherwise they only decide which local model
    /// fits, so requests of different lengths that get the same local model share a key.
    /// </remarks>
    /// <param name="insight">The threshold and adaptive choice the plan is made with.</param>
    internal PlanKey KeyFor(ResolvedRequestProfile profile, BudgetSnapshot budget, bool externalAvailable, in RoutingInsight insight)
    {
        bool strong = insight.PrefersStrong(profile.Complexity);
        int inputTokens = profile.EstimatedInputTokens;
        int outputTokens = profile.MaxOutputTokens;
        ModelDescriptor? localModel = null;
        // A pinned model decides the fit itself, so its token counts stay exact in the key.
        if (profile.PinnedModel is null && (!externalAvailable || ExternalBlocks(profile, budget) != Blocks.None))
        {
            if (_options.Strategy == RoutingStrategy.ApiOnly)
            {
                // The local route is excluded before its model is chosen: the tokens play no part at all.
                (inputTokens, outputTokens) = (0, 0);
            }
            else if (ChooseModel(Catalog.Local, TaskFor(profile, strong), profile.RequiredCapabilities, inputTokens + outputTokens).Model is { } model)
            {
                // When no local model fits, the exclusion names the token count, so the exact counts stay in the key.
                (inputTokens, outputTokens, localModel) = (0, 0, model);
            }
        }

        // Above the low-budget share the plan depends on what remains only through the 5 % rule, so the key leaves the
        // amount out and the cache checks it against the least remaining budget the plan holds for: a budget spent cent by cent
        // would otherwise make a new plan every few calls. Below it the exclusion names the amount, so it stays exact.
        bool banded = budget.RemainingUsd is not null && !(budget.RemainingShare < LowBudgetShare);
        return new PlanKey(
            profile.Privacy,
            profile.Sensitivity,
            strong,
            profile.Domain,
            profile.Workload,
            profile.Urgency,
            profile.CostSensitivity,
            profile.RequiredCapabilities,
            inputTokens,
            outputTokens,
            localModel,
            banded ? budget with { RemainingUsd = null } : budget,
            profile.PinnedProvider,
            profile.PinnedModel)
        {
            // The rule's reason names what made it fire (fixed or calibrated threshold, adaptive choice or exploration).
            Rule = (byte)((int)insight.Choice | (insight.StrongShare is null ? 0 : 8)),
            BudgetBanded = banded,
        };
    }

    private Blocks ExternalBlocks(ResolvedRequestProfile profile, BudgetSnapshot budget)
    {
        Blocks blocks = Blocks.None;
        if (_options.Strategy == RoutingStrategy.Local)
        {
            blocks |= Blocks.LocalStrategy;
        }

        if (_options.EmergencyLocalOnly)
        {
            blocks |= Blocks.EmergencyLocalOnly;
        }

        if (budget.RemainingShare is { } share && share < LowBudgetShare)
        {
            blocks |= Blocks.LowBudget;
        }

        if (profile.Privacy == PrivacyLevel.Private)
        {
            blocks |= Blocks.Private;
        }

        if (profile.Sensitivity == DataSensitivity.Critical)
        {
            blocks |= Blocks.Critical;
        }

        if (profile.Workload == Workload.RealTimeMonitoring)
        {
            blocks |= Blocks.RealTimeMonitoring;
        }

        if (profile.Workload == Workload.EmergencyResponse)
        {
            blocks |= Blocks.EmergencyResponse;
        }

        if (profile.Sensitivity == DataSensitivity.Sensitive && profile.Privacy != PrivacyLevel.Private && !_options.AllowApiForAggregated)
        {
            blocks |= Blocks.SensitiveAggregated;
        }

        if ((profile.RequiredCapabilities & ModelCapabilities.LogProbabilities) != 0 && profile.Sensitivity != DataSensitivity.Public)
        {
            blocks |= Blocks.MaskedLogProbabilities;
        }

        return blocks;
    }

    private static string? Describe(Blocks blocks, BudgetSnapshot budget)
    {
        string? reasons = null;
        if ((blocks & Blocks.LocalStrategy) != 0)
        {
            Append(ref reasons, "LLM_STRATEGY=local allows no external routes");
        }

        if ((blocks & Blocks.EmergencyLocalOnly) != 0)
        {
            Append(ref reasons, "EMERGENCY_LOCAL_ONLY=true");
        }

        if ((blocks & Blocks.LowBudget) != 0)
        {
            Append(ref reasons, string.Create(
                CultureInfo.InvariantCulture,
                $"budget below 10 % (${budget.RemainingUsd:0.##} of ${budget.MonthlyBudgetUsd:0.##} left): local only"));
        }

        if ((blocks & Blocks.Private) != 0)
        {
            Append(ref reasons, "privacy PRIVATE: local only");
        }

        if ((blocks & Blocks.Critical) != 0)
        {
            Append(ref reasons, "sensitivity CRITICAL: local only");
        }

        if ((blocks & Blocks.RealTimeMonitoring) != 0)
        {
            Append(ref reasons, "workload RealTimeMonitoring: local only");
        }

        if ((blocks & Blocks.EmergencyResponse) != 0)
        {
            Append(ref reasons, "workload EmergencyResponse: local only");
        }

        if ((blocks & Blocks.SensitiveAggregated) != 0)
        {
            Append(ref reasons, "sensitivity SENSITIVE and ALLOW_API_FOR_AGGREGATED=false: local only");
        }

        if ((blocks & Blocks.MaskedLogProbabilities) != 0)
        {
            Append(ref reasons, "log-probabilities asked for a request whose values are masked on external routes: they would describe the placeholders, not the text returned");
        }

        return reasons;

        static void Append(ref string? reasons, string reason) => reasons = reasons is null ? reason : $"{reasons}; {reason}";
    }

    private static ProviderAvailability? Find(IReadOnlyCollection<ProviderAvailability> availability, string provider)
    {
        foreach (ProviderAvailability state in availability)
        {
            if (string.Equals(state.Provider, provider, StringComparison.OrdinalIgnoreCase))
            {
                return state;
            }
        }

        return null;
    }

    private static (ModelDescriptor? Model, string? Reason) ChooseModel(
        ProviderDescriptor provider, ModelTask task, ModelCapabilities required, int neededTokens)
    {
        ModelDescriptor preferred = provider.ModelFor(task);
        if (Fits(preferred, required, neededTokens))
        {
            return (preferred, null);
        }

        IReadOnlyList<ModelDescriptor> models = provider.Models;
        for (int i = 0; i < models.Count; i++)
        {
            if (Fits(models[i], required, neededTokens))
            {
                return (models[i], null);
            }
        }

        return (null, WhyNoModelFits(provider, required, neededTokens));
    }

    // Apart from ChooseModel: its lambdas capture a parameter, and a closure over one is allocated on every call.
    private static string WhyNoModelFits(ProviderDescriptor provider, ModelCapabilities required, int neededTokens)
    {
        if (!provider.Models.Any(m => m.Supports(required)))
        {
            return $"no model supports {required} (needed by the request)";
        }

        int largest = provider.Models.Where(m => m.Supports(required)).Max(m => m.ContextWindow);
        return string.Create(CultureInfo.InvariantCulture, $"context window too small: the request needs about {neededTokens} tokens, the largest fitting model has {largest}");
    }

    private static (ModelDescriptor? Model, string? Reason) ChoosePinnedModel(
        ProviderDescriptor provider, string modelId, ModelCapabilities required, int neededTokens)
    {
        if (provider.Find(modelId) is not { } model)
        {
            return (null, $"the pinned model {modelId} is not in the catalogue (models: {string.Join(", ", provider.Models.Select(m => m.Id))})");
        }

        if (!model.Supports(required))
        {
            return (null, $"the pinned model {modelId} does not support {required} (needed by the request)");
        }

        return model.ContextWindow >= neededTokens
            ? (model, null)
            : (null, string.Create(CultureInfo.InvariantCulture, $"context window too small: the request needs about {neededTokens} tokens, the pinned model {modelId} has {model.ContextWindow}"));
    }

    private static bool Fits(ModelDescriptor model, ModelCapabilities required, int neededTokens) =>
        model.Supports(required) && model.ContextWindow >= neededTokens;

    private static List<PlannedRoute> Order(ResolvedRequestProfile profile, List<Candidate> candidates, ModelTask task, bool strong, in RoutingInsight insight)
    {
        Candidate? local = null;
        List<Candidate> external = new(candidates.Count);
        foreach (Candidate candidate in candidates)
        {
            if (candidate.Provider.Tier == ProviderTier.Local)
            {
                local = candidate;
            }
            else
            {
                external.Add(candidate);
            }
        }

        external.Sort(static (a, b) => a.Cost != b.Cost ? a.Cost.CompareTo(b.Cost) : a.Provider.LatencyRank.CompareTo(b.Provider.LatencyRank));
        List<PlannedRoute> plan = new(candidates.Count);

        if (profile.Domain == RequestDomain.BuildingData)
        {
            Add(plan, local, "domain BuildingData: local first");
            Add(plan, FindProvider(external, EaioProviders.DeepSeek), "fallback: DeepSeek for building-data algorithms");
            AddCheapest(plan, external);
        }
        else if (profile.CostSensitivity == CostSensitivity.High)
        {
            Add(plan, local, "cost sensitivity HIGH: local first");
            AddCheapest(plan, external);
        }
        else if (profile.Urgency == Urgency.High)
        {
            Add(plan, local, "urgency HIGH: fast local model first");
            external.Sort(static (a, b) => a.Provider.LatencyRank.CompareTo(b.Provider.LatencyRank));
            foreach (Candidate c in external)
            {
                Add(plan, c, "fallback: fastest allowed external");
            }
        }
        else if (strong)
        {
            string reason = ComplexityReason(profile.Domain);
            AddExternalFirst(plan, PreferredByDomain(profile.Domain, external), RuleReason(insight) is { } why ? why + reason[reason.IndexOf(':', StringComparison.Ordinal)..] : reason, local, external);
        }
        else if (profile.Workload == Workload.BatchAnalysis)
        {
            AddExternalFirst(plan, external.Count > 0 ? external[0] : null, "workload BatchAnalysis: cheapest external first", local, external);
        }
        else if (profile.Privacy == PrivacyLevel.Public)
        {
            AddExternalFirst(plan, PreferredByDomain(profile.Domain, external), "privacy PUBLIC: external preferred for the best experience", local, external);
        }
        else
        {
            string why = task == ModelTask.General ? "default: local first" : "default: local first, model by task";
            Add(plan, local, insight.Choice is AdaptiveChoice.Local or AdaptiveChoice.ExploreLocal ? $"{RuleReason(insight)}; {why}" : why);
            AddCheapest(plan, external);
        }

        return plan;
    }

    private static string ComplexityReason(RequestDomain domain) => domain switch
    {
        RequestDomain.Technical or RequestDomain.Code => "complexity > 0.8: external by domain (technical and code: DeepSeek)",
        RequestDomain.Analysis or RequestDomain.BuildingData or RequestDomain.Multimodal => "complexity > 0.8: external by domain (analysis, data and multimodal: Gemini)",
        RequestDomain.EnergyOptimization => "complexity > 0.8: external by domain (energy optimisation planning: OpenAI, then Gemini)",
        _ => "complexity > 0.8: external by domain (creative and general: OpenAI)",
    };

    // What made the complexity rule fire or not when it was not the fixed threshold; null for the fixed threshold.
    private static string? RuleReason(in RoutingInsight insight) => insight.Choice switch
    {
        AdaptiveChoice.External => "adaptive: complexity plus what external answers gained over local ones in this category is above the threshold",
        AdaptiveChoice.Local => "adaptive: complexity plus what external answers gained over local ones in this category is not above the threshold",
        AdaptiveChoice.ExploreExternal => "adaptive exploration of the external tier",
        AdaptiveChoice.ExploreLocal => "adaptive exploration of the local tier",
        _ => insight.StrongShare is null ? null : "complexity above the threshold calibrated by COMPLEXITY_STRONG_SHARE",
    };

    private static void AddExternalFirst(List<PlannedRoute> plan, Candidate? first, string why, Candidate? local, List<Candidate> external)
    {
        Add(plan, first, why);
        Add(plan, local, first is null ? why + "; no preferred external route is allowed, local first" : "fallback: local after an external failure");
        AddCheapest(plan, external);
    }

    private static void AddCheapest(List<PlannedRoute> plan, List<Candidate> external)
    {
        foreach (Candidate c in external)
        {
            Add(plan, c, "fallback: cheapest allowed external");
        }
    }

    private static void Add(List<PlannedRoute> plan, Candidate? candidate, string why)
    {
        if (candidate is not { } c)
        {
            return;
        }

        foreach (PlannedRoute planned in plan)
        {
            if (planned.Provider == c.Provider.Name)
            {
                return;
            }
        }

        plan.Add(new PlannedRoute(c.Provider.Name, c.Model.Id, c.Provider.Tier, c.Cost, [why, c.ModelReason]));
    }

    private static Candidate? FindProvider(List<Candidate> external, string name)
    {
        foreach (Candidate c in external)
        {
            if (c.Provider.Name == name)
            {
                return c;
            }
        }

        return null;
    }

    private static Candidate? PreferredByDomain(RequestDomain domain, List<Candidate> external)
    {
        Candidate? preferred = domain switch
        {
            RequestDomain.Technical or RequestDomain.Code => FindProvider(external, EaioProviders.DeepSeek),
            RequestDomain.Analysis or RequestDomain.BuildingData or RequestDomain.Multimodal => FindProvider(external, EaioProviders.Gemini),
            RequestDomain.EnergyOptimization => FindProvider(external, EaioProviders.OpenAI) ?? FindProvider(external, EaioProviders.Gemini),
            _ => FindProvider(external, EaioProviders.OpenAI),
        };

        // The preferred provider is not allowed or not configured: the next best is the cheapest that is.
        return preferred ?? (external.Count > 0 ? external[0] : null);
    }

    /// <summary>Why external routes are ruled out for a request, before any provider is looked at.</summary>
    [Flags]
    private enum Blocks
    {
        None = 0,
        LocalStrategy = 1,
        EmergencyLocalOnly = 2,
        LowBudget = 4,
        Private = 8,
        Critical = 16,
        RealTimeMonitoring = 32,
        EmergencyResponse = 64,
        SensitiveAggregated = 128,
        MaskedLogProbabilities = 256,
    }

    private readonly record struct Candidate(ProviderDescriptor Provider, ModelDescriptor Model, decimal Cost, string ModelReason);
}
