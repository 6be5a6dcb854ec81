using Microsoft.Extensions.AI;

namespace Eaio.Routing;

/// <summary>Placeholder until the measured estimator lands.</summary>
#pragma warning disable CA1822
public sealed class ComplexityEstimator
{
    /// <summary>Gets the default estimator.</summary>
    public static ComplexityEstimator Default { get; } = new();

    /// <summary>Estimates complexity.</summary>
    /// <param name="text">The text.</param>
    /// <returns>A score.</returns>
    public double Estimate(ReadOnlySpan<char> text) => Math.Min(1.0, text.Length / 4000.0);

    /// <summary>Estimates complexity.</summary>
    /// <param name="messages">The messages.</param>
    /// <returns>A score.</returns>
    public double Estimate(IEnumerable<ChatMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return Estimate(messages.LastOrDefault(m => m.Role == ChatRole.User)?.Text ?? string.Empty);
    }
}
