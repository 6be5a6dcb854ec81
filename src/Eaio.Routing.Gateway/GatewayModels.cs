using Eaio.Routing;

namespace Eaio.Routing.Gateway;

/// <summary>The model ids the gateway offers, from the router's catalogue and the configured providers.</summary>
/// <remarks>
/// <c>eaio-auto</c> lets the router choose. <c>provider/model</c> pins the request to that route through
/// <see cref="RequestProfile.Provider"/> and <see cref="RequestProfile.Model"/>: a pin narrows the plan and never widens
/// it, so a pinned external model still obeys privacy, sensitivity and budget, and does not fail over elsewhere.
/// </remarks>
internal sealed class GatewayModels
{
    /// <summary>The routed model: the router picks provider and model per request.</summary>
    public const string AutoModel = "eaio-auto";

    private readonly Dictionary<string, GatewayModel> _byId;

    /// <summary>Initializes a new instance of the <see cref="GatewayModels"/> class.</summary>
    /// <param name="catalog">The router's catalogue.</param>
    /// <param name="options">The router's options, to tell which external providers have a key.</param>
    public GatewayModels(ProviderCatalog catalog, EaioHybridChatOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);

        List<GatewayModel> all = [new GatewayModel(AutoModel, null, null, ProviderTier.Local)];
        foreach (ProviderDescriptor provider in catalog.Providers)
        {
            // A provider without a key is absent from every plan: offering its models would only produce 503s.
            if (provider.Tier == ProviderTier.External && !IsConfigured(provider.Name, options))
            {
                continue;
            }

            all.AddRange(provider.Models.Select(m => new GatewayModel($"{provider.Name}/{m.Id}", provider.Name, m.Id, provider.Tier)));
        }

        All = all;
        _byId = all.ToDictionary(m => m.Id, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Gets every offered model, <c>eaio-auto</c> first.</summary>
    public IReadOnlyList<GatewayModel> All { get; }

    /// <summary>Finds an offered model by id, ignoring case.</summary>
    /// <param name="id">The id.</param>
    /// <returns>The model, or <see langword="null"/>.</returns>
    public GatewayModel? Find(string id) => _byId.GetValueOrDefault(id);

    /// <summary>
    /// Resolves what a client sent as <c>model</c>: an offered id, or a bare model name (<c>gpt-4o-mini</c>, as clients
    /// written for OpenAI send) when exactly one offered provider has a model of that name.
    /// </summary>
    /// <param name="id">The client's model.</param>
    /// <returns>The model.</returns>
    /// <exception cref="GatewayErrorException">404 <c>model_not_found</c>: no model, or several, go by that name; the message names the candidates.</exception>
    public GatewayModel Resolve(string id)
    {
        if (Find(id) is { } model)
        {
            return model;
        }

        GatewayModel[] named = [.. All.Where(m => string.Equals(m.Model, id, StringComparison.OrdinalIgnoreCase))];
        if (named.Length == 1)
        {
            return named[0];
        }

        string message = named.Length == 0
            ? $"The model '{id}' does not exist here; use '{AutoModel}' or one of GET /v1/models (provider/model)."
            : $"The model '{id}' is offered by several providers: {string.Join(", ", named.Select(m => m.Id))}; name one of them, or use '{AutoModel}'.";
        throw new GatewayErrorException(new GatewayError(StatusCodes.Status404NotFound, message, "invalid_request_error", "model", "model_not_found"));
    }

    /// <summary>Gets the models a request at this privacy level may use: an external pin is only offered where the level allows external routes.</summary>
    /// <param name="privacy">The key's ceiling.</param>
    /// <returns>The models.</returns>
    public IEnumerable<GatewayModel> AllowedAt(PrivacyLevel privacy) =>
        All.Where(m => m.Tier == ProviderTier.Local || privacy != PrivacyLevel.Private);

    private static bool IsConfigured(string provider, EaioHybridChatOptions options) => provider switch
    {
        EaioProviders.OpenAI => options.OpenAI.IsConfigured,
        EaioProviders.DeepSeek => options.DeepSeek.IsConfigured,
        EaioProviders.Gemini => options.Gemini.IsConfigured,
        EaioProviders.Mistral => options.Mistral.IsConfigured,
        EaioProviders.Anthropic => options.Anthropic.IsConfigured,
        _ => false,
    };
}
