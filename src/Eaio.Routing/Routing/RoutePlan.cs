using System.Text;

namespace Eaio.Routing;

/// <summary>The ordered routes a request may take, and every provider that was left out with its reason.</summary>
/// <param name="Profile">The resolved request profile the plan was made for.</param>
/// <param name="Routes">The routes in the order they are tried; failover follows this order and nothing else.</param>
/// <param name="Exclusions">The providers that may not or cannot serve this request.</param>
public sealed record RoutePlan(ResolvedRequestProfile Profile, IReadOnlyList<PlannedRoute> Routes, IReadOnlyList<RouteExclusion> Exclusions)
{
    /// <summary>Gets a value indicating whether no route is left.</summary>
    public bool IsEmpty => Routes.Count == 0;

    /// <summary>Gets the complexity threshold the plan was made with and what the adaptive policy learnt and chose for the request's category.</summary>
    public RoutingInsight Insight { get; init; } = RoutingInsight.Fixed;

    /// <summary>Gets a value indicating whether the request asked for log-probabilities (see
    /// <see cref="EaioChatOptionsExtensions.WithLogProbabilities"/>) and that alone left it without a route: no route it
    /// may take returns them for it (it must stay local, it would be masked, or its pin or strategy allows no model that
    /// does), and nothing excluded a route for the moment (budget, an open circuit), so asking again will not help.</summary>
    public bool LogProbabilitiesUnavailable { get; init; }

    /// <summary>What to do when log-probabilities left a request without a route.</summary>
    internal const string LogProbabilitiesAdvice = "Log-probabilities come only from external models that return them (OpenAI's, DeepSeek's chat models), for a request this privacy level lets leave with nothing masked: send the request without them, or without the values the detectors mask.";

    /// <summary>Gets a sentence that says what to do when the plan is empty or its routes fail.</summary>
    public string Advice
    {
        get
        {
            if (LogProbabilitiesUnavailable)
            {
                return LogProbabilitiesAdvice;
            }

            RouteExclusion? local = Exclusions.FirstOrDefault(e => e.Tier == ProviderTier.Local);
            bool localPlanned = Routes.Any(r => r.Tier == ProviderTier.Local);
            if (Profile.IsLocalOnly || localPlanned)
            {
                string model = Routes.FirstOrDefault(r => r.Tier == ProviderTier.Local)?.Model ?? "llama3.2:3b";
                return local is not null && local.Reason.Contains("api-only", StringComparison.Ordinal)
                    ? "This request may only be served locally, but LLM_STRATEGY=api-only forbids local routes: set LLM_STRATEGY=hybrid or local."
                    : $"This request may only be served locally or has local as its fallback: start Ollama with `ollama serve` and `ollama pull {model}`, or check OLLAMA_BASE_URL.";
            }

            return "Start Ollama with `ollama serve` and `ollama pull llama3.2:3b`, or set an API key (OPENAI_API_KEY, DEEPSEEK_API_KEY, GOOGLE_API_KEY, MISTRAL_API_KEY, ANTHROPIC_API_KEY) for a provider this request's privacy level allows.";
        }
    }

    /// <inheritdoc/>
    public override string ToString()
    {
        StringBuilder text = new();
        text.Append("Profile: privacy ").Append(Profile.Privacy.ToString().ToUpperInvariant())
            .Append(", sensitivity ").Append(Profile.Sensitivity.ToString().ToUpperInvariant())
            .Append(", complexity ").Append(Profile.Complexity.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture))
            .Append(", domain ").Append(Profile.Domain)
            .Append(", workload ").Append(Profile.Workload).AppendLine();
        text.Append("Routing: ").AppendLine(Insight.ToString());
        for (int i = 0; i < Routes.Count; i++)
        {
            text.Append(i + 1).Append(". ").AppendLine(Routes[i].ToString());
        }

        foreach (RouteExclusion exclusion in Exclusions)
        {
            text.Append("   excluded ").AppendLine(exclusion.ToString());
        }

        return text.ToString();
    }
}
