namespace Eaio.Routing;

/// <summary>One model of a provider, as the routing policy sees it.</summary>
/// <param name="Id">The model id sent to the provider (for example <c>gpt-4o-mini</c> or <c>qwen2.5:7b</c>).</param>
/// <param name="ContextWindow">The context window in tokens.</param>
/// <param name="Capabilities">What the model supports.</param>
/// <param name="InputUsdPerMillionTokens">The list price of a million input tokens, 0 for local models.</param>
/// <param name="OutputUsdPerMillionTokens">The list price of a million output tokens, 0 for local models.</param>
public sealed record ModelDescriptor(
    string Id,
    int ContextWindow,
    ModelCapabilities Capabilities,
    decimal InputUsdPerMillionTokens = 0m,
    decimal OutputUsdPerMillionTokens = 0m)
{
    /// <summary>Estimates the worst-case cost of a call in US dollars.</summary>
    /// <param name="inputTokens">The input tokens.</param>
    /// <param name="outputTokens">The most output tokens the call may produce.</param>
    /// <returns>The estimated cost in US dollars.</returns>
    public decimal EstimateCostUsd(int inputTokens, int outputTokens) =>
        ((inputTokens * InputUsdPerMillionTokens) + (outputTokens * OutputUsdPerMillionTokens)) / 1_000_000m;

    /// <summary>Gets a value indicating whether the model supports every capability given.</summary>
    /// <param name="required">The capabilities needed.</param>
    /// <returns><see langword="true"/> when all are supported.</returns>
    public bool Supports(ModelCapabilities required) => (Capabilities & required) == required;
}
