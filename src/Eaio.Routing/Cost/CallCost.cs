using System.Globalization;

namespace Eaio.Routing;

/// <summary>What one call cost, from the usage its provider reported (or an estimate when it reported none).</summary>
/// <param name="Usd">The cost in US dollars.</param>
/// <param name="InputTokens">The input tokens, cached ones included.</param>
/// <param name="CachedInputTokens">How many input tokens the provider served from its prompt cache.</param>
/// <param name="OutputTokens">The output tokens, reasoning included.</param>
/// <param name="IsEstimated">Whether the figures are the router's estimate because the provider reported no usage (or the call was cut short).</param>
public readonly record struct CallCost(decimal Usd, long InputTokens, long CachedInputTokens, long OutputTokens, bool IsEstimated)
{
    /// <inheritdoc/>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"${Usd:0.########} ({InputTokens} in, {CachedInputTokens} cached, {OutputTokens} out{(IsEstimated ? ", estimated" : string.Empty)})");
}
