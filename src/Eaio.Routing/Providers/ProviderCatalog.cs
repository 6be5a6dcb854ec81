namespace Eaio.Routing;

/// <summary>The providers the router knows, with their models, context windows, capabilities and list prices.</summary>
/// <remarks>
/// The default catalogue holds the seed's models. Prices are list prices per million tokens in US dollars, taken in
/// 2025; they order routes by cost and bound a route's estimate against the remaining budget.
/// </remarks>
public sealed class ProviderCatalog
{
    private const ModelCapabilities All = ModelCapabilities.Tools | ModelCapabilities.Vision | ModelCapabilities.Json;
    private const ModelCapabilities ToolsAndJson = ModelCapabilities.Tools | ModelCapabilities.Json;

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
    /// <returns>The catalogue.</returns>
    public static ProviderCatalog CreateDefault(IReadOnlyDictionary<ModelTask, string>? localModels = null)
    {
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

        return new ProviderCatalog(
        [
            new ProviderDescriptor(EaioProviders.Ollama, ProviderTier.Local, ollamaModels, ollamaTasks, latencyRank: 0, keySetting: null),
            new ProviderDescriptor(
                EaioProviders.OpenAI,
                ProviderTier.External,
                [
                    new("gpt-4o", 128_000, All, 2.50m, 10.00m),
                    new("gpt-4o-mini", 128_000, All, 0.15m, 0.60m),
                    new("gpt-3.5-turbo", 16_385, ToolsAndJson, 0.50m, 1.50m),
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
                    new("deepseek-chat", 65_536, ToolsAndJson, 0.27m, 1.10m),
                    new("deepseek-coder", 65_536, ToolsAndJson, 0.27m, 1.10m),
                    new("deepseek-reasoner", 65_536, ModelCapabilities.Json, 0.55m, 2.19m),
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
                    new("gemini-1.5-pro", 2_097_152, All, 1.25m, 5.00m),
                    new("gemini-1.5-flash", 1_048_576, All, 0.075m, 0.30m),
                    new("gemini-2.0-flash", 1_048_576, All, 0.10m, 0.40m),
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
                    new("mistral-large-latest", 131_072, ToolsAndJson, 2.00m, 6.00m),
                    new("mistral-medium-latest", 131_072, ToolsAndJson, 0.40m, 2.00m),
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
                    new("claude-3-5-sonnet-latest", 200_000, All, 3.00m, 15.00m),
                    new("claude-3-haiku-20240307", 200_000, All, 0.25m, 1.25m),
                ],
                new Dictionary<ModelTask, string>
                {
                    [ModelTask.General] = "claude-3-haiku-20240307",
                    [ModelTask.Complex] = "claude-3-5-sonnet-latest",
                },
                latencyRank: 5,
                keySetting: "ANTHROPIC_API_KEY"),
        ]);
    }
}
