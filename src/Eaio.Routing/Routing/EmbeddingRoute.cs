namespace Eaio.Routing;

/// <summary>Where <see cref="PrivacyRoutingEmbeddingGenerator"/> made a set of embeddings, and what it cost.</summary>
/// <param name="Provider">The provider: <c>ollama</c> or <c>openai</c>.</param>
/// <param name="Model">The embedding model.</param>
/// <param name="Tier">Whether the input stayed on the machine.</param>
/// <param name="Cost">What the external call cost (settled on the budget), or <see langword="null"/> for a local one.</param>
/// <param name="Profile">The input's profile, which decided the route.</param>
public sealed record EmbeddingRoute(string Provider, string Model, ProviderTier Tier, CallCost? Cost, ResolvedRequestProfile Profile);
