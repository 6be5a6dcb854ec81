using Microsoft.Extensions.AI;

namespace Eaio.Routing;

/// <summary>
/// The start-up check of an external route's pipeline: it must mask before the egress guard, and the guard must be the
/// last layer before the provider's resilience, so nothing added to the pipeline above resilience can send text the guard
/// did not see.
/// </summary>
/// <remarks>
/// What sits below resilience is not checked: <c>AddEaioHybridChat</c> puts only usage normalisation, the
/// <c>max_tokens</c> fix and the registered provider client there. A keyed provider client that is itself a pipeline of
/// middleware is trusted like the client it wraps.
/// </remarks>
internal static class RoutePipelineCheck
{
    /// <summary>Throws when the external route's pipeline could let unmasked or unguarded text leave.</summary>
    /// <exception cref="EaioConfigurationException">A layer is missing or out of order; the message says what to add.</exception>
    public static void ThrowIfUnsafe(string provider, IChatClient pipeline)
    {
        // GetService walks down a DelegatingChatClient chain, so asking a layer for another finds it only below itself.
        PseudonymizingChatClient? masking = pipeline.GetService<PseudonymizingChatClient>();
        EgressGuardChatClient? guard = pipeline.GetService<EgressGuardChatClient>();
        string? problem =
            masking is null ? "it has no pseudonymisation: add UsePseudonymization() above UseEgressGuard()"
            : guard is null ? "it has no egress guard: add UseEgressGuard() as the last layer before UseProviderResilience()"
            : masking.GetService<EgressGuardChatClient>() is null ? "its egress guard runs before pseudonymisation: call UsePseudonymization() before UseEgressGuard(), so the guard sees what masking sends"
            : guard.GetService<ProviderResilienceChatClient>() is null ? "it has no provider resilience below the egress guard: add UseProviderResilience() after UseEgressGuard()"
            : guard.Inner is not ProviderResilienceChatClient ? $"a layer ({guard.Inner.GetType().Name}) sits between the egress guard and the provider's resilience and could change what leaves: move it above UsePseudonymization()"
            : null;
        if (problem is not null)
        {
            throw new EaioConfigurationException($"The external route '{provider}' is not safe to start: {problem}.");
        }
    }
}
