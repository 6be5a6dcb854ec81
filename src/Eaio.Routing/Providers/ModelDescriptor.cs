namespace Eaio.Routing;

/// <summary>One model of a provider, as the routing policy sees it.</summary>
/// <param name="Id">The model id sent to the provider (for example <c>gpt-4o-mini</c> or <c>qwen2.5:7b</c>).</param>
/// <param name="ContextWindow">The context window in tokens.</param>
/// <param name="Capabilities">What the model supports.</param>
/// <remarks>Prices are not part of the model: they live in the <see cref="PriceCatalog"/>, which hosts update on their own.</remarks>
public sealed record ModelDescriptor(
    string Id,
    int ContextWindow,
    ModelCapabilities Capabilities)
{
    /// <summary>Gets a value indicating whether the model supports every capability given.</summary>
    /// <param name="required">The capabilities needed.</param>
    /// <returns><see langword="true"/> when all are supported.</returns>
    public bool Supports(ModelCapabilities required) => (Capabilities & required) == required;
}
