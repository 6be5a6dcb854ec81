namespace Eaio.Routing;

/// <summary>What one external model costs, in US dollars per million tokens.</summary>
/// <param name="Provider">The provider's name, one of <see cref="EaioProviders"/> or a host's own.</param>
/// <param name="Model">The model id as sent to the provider.</param>
/// <param name="InputUsdPerMillionTokens">The price of a million input tokens not served from the provider's prompt cache.</param>
/// <param name="CachedInputUsdPerMillionTokens">The price of a million input tokens served from the prompt cache.</param>
/// <param name="OutputUsdPerMillionTokens">The price of a million output tokens (reasoning tokens included).</param>
/// <param name="ContextWindow">The model's context window in tokens.</param>
/// <param name="TakenOn">The day the prices were taken from the provider's price list.</param>
public sealed record ModelPrice(
    string Provider,
    string Model,
    decimal InputUsdPerMillionTokens,
    decimal CachedInputUsdPerMillionTokens,
    decimal OutputUsdPerMillionTokens,
    int ContextWindow,
    DateOnly TakenOn)
{
    /// <summary>Gets other ids the provider accepts for the same model (for example <c>claude-3.5-sonnet</c>).</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];

    /// <summary>Gets the cost of a call in US dollars.</summary>
    /// <param name="inputTokens">Every input token, cached ones included (the way OpenAI reports prompt tokens).</param>
    /// <param name="cachedInputTokens">How many of <paramref name="inputTokens"/> were served from the prompt cache.</param>
    /// <param name="outputTokens">The output tokens.</param>
    /// <returns>The cost in US dollars.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A count is negative, or more tokens are cached than were sent.</exception>
    public decimal CostUsd(long inputTokens, long cachedInputTokens, long outputTokens)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(inputTokens);
        ArgumentOutOfRangeException.ThrowIfNegative(cachedInputTokens);
        ArgumentOutOfRangeException.ThrowIfNegative(outputTokens);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(cachedInputTokens, inputTokens);

        return (((inputTokens - cachedInputTokens) * InputUsdPerMillionTokens)
            + (cachedInputTokens * CachedInputUsdPerMillionTokens)
            + (outputTokens * OutputUsdPerMillionTokens)) / 1_000_000m;
    }
}
