namespace Eaio.Routing;

/// <summary>Whether a provider can take requests right now, and if not, why.</summary>
/// <param name="Provider">The provider's name.</param>
/// <param name="IsAvailable"><see langword="true"/> when the provider is configured and its circuit is closed.</param>
/// <param name="Reason">Why it is unavailable (for example "OPENAI_API_KEY is not set"), or <see langword="null"/>.</param>
public sealed record ProviderAvailability(string Provider, bool IsAvailable, string? Reason = null);
