namespace Eaio.Routing;

/// <summary>The providers the router knows, with their models, context windows and capabilities.</summary>
/// <remarks>The default catalogue holds the seed's models; their prices and context windows come from the <see cref="PriceCatalog"/>.</remarks>
public sealed class ProviderCatalog
{
    private const ModelCapabilities All = ModelCapabilities.Tools | ModelCapabilities.Vision | ModelCapabilities.Json;
    private const ModelCapabilities ToolsAndJson = ModelCapabilities.Tools | ModelCapabilities.Json;

    // OpenAI's chat models and DeepSeek's non-reasoning ones return logprobs; Gemini's and Mistral's OpenAI-compatible
    // endpoints, Anthropic and Ollama through OllamaSharp do not.
    private const ModelCapabilities AllWithLogProbabilities = All | ModelCapabilities.LogProbabilities;
    private const ModelCapabilities ToolsJsonAndLogProbabilities = ToolsAndJson | ModelCapabilities.LogProbabilities;

    private readonly Dictionary<string, ProviderDescriptor> _byName;

    /// <summary>Initializes a new instance of the <see cref="ProviderCatalog"/> class.</summary>
    /// <param name="providers">The providers; names must be unique and exactly one must be local.</param>
    /// <exception cref="ArgumentException">Two providers share a name, or there is not exactly one local provider.</exception>
    public ProviderCatalog(IEnumerable<ProviderDescriptor> providers)
    {
        ArgumentNullException.ThrowIfNull(providers);

        Providers = [.. providers];
        _byName = new Dictionary<string, ProviderDescriptor>(StringComparer.OrdinalIgnoreCase);
        foreach (ProviderDescriptor provider in Providers)
        {
            if (!_byName.TryAdd(provider.Name, provider))
            {
                throw new ArgumentException($"The catalogue lists provider '{provider.Name}' twice.", nameof(providers));
            }
        }

        ProviderDescriptor[] locals = [.. Providers.Where(p => p.Tier == ProviderTier.Local)];
        if (locals.Length != 1)
        {
            throw new ArgumentException(
                $"The catalogue must have exactly one local provider; it has {locals.Length}.", nameof(providers));
        }

        Local = locals[0];
    }

    /// <summary>Gets every provider, in catalogue order.</summary>
    public IReadOnlyList<ProviderDescriptor> Providers { get; }

    /// <summary>Gets the local provider.</summary>
    public ProviderDescriptor Local { get; }

    /// <summary>Finds a provider by name.</summary>
    /// <param name="name">The provider's name.</param>
    /// <returns>The provider, or <see langword="null"/>.</returns>
    public ProviderDescriptor? Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _byName.GetValueOrDefault(name);
    }

    /// <summary>Creates the default catalogue: Ollama, OpenAI, DeepSeek, Gemini, Mistral and Anthropic with the seed's models.</summary>
    /// <param name="localModels">The local model for each task; missing tasks keep their defaults
    /// (general <c>llama3.2:3b</c>, real-time <c>llama3.2:3b</c>, fast <c>phi3:mini</c>, complex <c>qwen2.5:7b</c>, code <c>deepseek-coder:6.7b</c>).</param>
    /// <param name="prices">Where the context windows of external models come from; <see cref="PriceCatalog.Default"/> when <see langword="null"/>.</param>
    /// <returns>The catalogue.</returns>
    /// <exception cref="EaioConfigurationException"><paramref name="prices"/> lacks one of the default external models.</exception>
    public static ProviderCatalog CreateDefault(IReadOnlyDictionary<ModelTask, string>? localModels = null, PriceCatalog? prices = null)
    {
        prices ??= PriceCatalog.Default;
        List<string> missing = [];
        ModelDescriptor Priced(string provider, string id, ModelCapabilities capabilities)
        {
            if (prices.Find(provider, id) is { } price)
            {
                return new ModelDescriptor(id, price.ContextWindow, capabilities);
            }

            missing.Add($"{provider}/{id}");
            return new ModelDescriptor(id, 1, capabilities);
        }

        List<ModelDescriptor> ollamaModels =
        [
            new("llama3.2:3b", 8_192, ToolsAndJson),
            new("qwen2.5:7b", 32_768, ToolsAndJson),
            new("deepseek-coder:6.7b", 16_384, ModelCapabilities.Json),
            new("phi3:mini", 4_096, ModelCapabilities.Json),
        ];
        Dictionary<ModelTask, string> ollamaTasks = new()
        {
            [ModelTask.General] = "llama3.2:3b",
            [ModelTask.RealTime] = "llama3.2:3b",
            [ModelTask.Fast] = "phi3:mini",
            [ModelTask.Complex] = "qwen2.5:7b",
            [ModelTask.Code] = "deepseek-coder:6.7b",
        };
        foreach (KeyValuePair<ModelTask, string> pair in localModels ?? new Dictionary<ModelTask, string>())
        {
            // A local model the catalogue does not know costs nothing; assume Ollama's common 8K context and tools.
            if (!ollamaModels.Any(m => string.Equals(m.Id, pair.Value, StringComparison.OrdinalIgnoreCase)))
            {
                ollamaModels.Add(new ModelDescriptor(pair.Value, 8_192, ToolsAndJson));
            }

            ollamaTasks[pair.Key] = pair.Value;
        }

        ProviderCatalog catalog = new(
        [
            new ProviderDescriptor(EaioProviders.Ollama, ProviderTier.Local, ollamaModels, ollamaTasks, latencyRank: 0, keySetting: null),
            new ProviderDescriptor(
                EaioProviders.OpenAI,
                ProviderTier.External,
                [
                    Priced(EaioProviders.OpenAI, "gpt-4o", AllWithLogProbabilities),
                    Priced(EaioProviders.OpenAI, "gpt-4o-mini", AllWithLogProbabilities),
                    Priced(EaioProviders.OpenAI, "gpt-3.5-turbo", ToolsJsonAndLogProbabilities),
                ],
                new Dictionary<ModelTask, string>
                {
                    [ModelTask.General] = "gpt-4o-mini",
                    [ModelTask.Fast] = "gpt-4o-mini",
                    [ModelTask.Complex] = "gpt-4o",
                    [ModelTask.Code] = "gpt-4o",
                },
                latencyRank: 1,
                keySetting: "OPENAI_API_KEY"),
            new ProviderDescriptor(
                EaioProviders.DeepSeek,
                ProviderTier.External,
                [
                    Priced(EaioProviders.DeepSeek, "deepseek-chat", ToolsJsonAndLogProbabilities),
                    Priced(EaioProviders.DeepSeek, "deepseek-coder", ToolsJsonAndLogProbabilities),
                    Priced(EaioProviders.DeepSeek, "deepseek-reasoner", ModelCapabilities.Json),
                ],
                new Dictionary<ModelTask, string>
                {
                    [ModelTask.General] = "deepseek-chat",
                    [ModelTask.Complex] = "deepseek-reasoner",
                    [ModelTask.Code] = "deepseek-coder",
                },
                latencyRank: 4,
                keySetting: "DEEPSEEK_API_KEY"),
            new ProviderDescriptor(
                EaioProviders.Gemini,
                ProviderTier.External,
                [
                    Priced(EaioProviders.Gemini, "gemini-1.5-pro", All),
                    Priced(EaioProviders.Gemini, "gemini-1.5-flash", All),
                    Priced(EaioProviders.Gemini, "gemini-2.0-flash", All),
                ],
                new Dictionary<ModelTask, string>
                {
                    [ModelTask.General] = "gemini-2.0-flash",
                    [ModelTask.Fast] = "gemini-1.5-flash",
                    [ModelTask.Complex] = "gemini-1.5-pro",
                },
                latencyRank: 2,
                keySetting: "GOOGLE_API_KEY"),
            new ProviderDescriptor(
                EaioProviders.Mistral,
                ProviderTier.External,
                [
                    Priced(EaioProviders.Mistral, "mistral-large-latest", ToolsAndJson),
                    Priced(EaioProviders.Mistral, "mistral-medium-latest", ToolsAndJson),
                ],
                new Dictionary<ModelTask, string>
                {
                    [ModelTask.General] = "mistral-medium-latest",
                    [ModelTask.Complex] = "mistral-large-latest",
                },
                latencyRank: 3,
                keySetting: "MISTRAL_API_KEY"),
            new ProviderDescriptor(
                EaioProviders.Anthropic,
                ProviderTier.External,
                [
                    Priced(EaioProviders.Anthropic, "claude-3-5-sonnet-latest", All),
                    Priced(EaioProviders.Anthropic, "claude-3-haiku-20240307", All),
                ],
                new Dictionary<ModelTask, string>
                {
                    [ModelTask.General] = "claude-3-haiku-20240307",
                    [ModelTask.Complex] = "claude-3-5-sonnet-latest",
                },
                latencyRank: 5,
                keySetting: "ANTHROPIC_API_KEY"),
        ]);

        return missing.Count == 0 ? catalog : throw new EaioConfigurationException(
            [.. missing.Select(m => $"No price for {m}: add it under Eaio:Prices (input, cachedInput, output in US dollars per million tokens, and contextWindow).")]);
    }
}
