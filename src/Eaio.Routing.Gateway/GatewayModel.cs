using Eaio.Routing;

namespace Eaio.Routing.Gateway;

/// <summary>A model id the gateway offers: the routed <c>eaio-auto</c>, or one catalogue model that pins its provider.</summary>
/// <param name="Id">The id clients send as <c>model</c>: <c>eaio-auto</c> or <c>provider/model</c>.</param>
/// <param name="Provider">The pinned provider, or <see langword="null"/> for the routed model.</param>
/// <param name="Model">The pinned model, or <see langword="null"/> for the routed model.</param>
/// <param name="Tier">Whether the pinned provider is local or external; local for the routed model, which never goes further than its privacy level allows.</param>
internal sealed record GatewayModel(string Id, string? Provider, string? Model, ProviderTier Tier);
