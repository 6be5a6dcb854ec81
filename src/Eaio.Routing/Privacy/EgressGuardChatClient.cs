using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Compliance.Classification;

namespace Eaio.Routing;

/// <summary>
/// The last step before an external provider: checks the outgoing payload once more and blocks the call with
/// <see cref="PrivacyViolationException"/> when it holds CRITICAL data, a local-only profile, any detector hit, or a value
/// that masking replaced elsewhere in the payload or in an earlier turn of the conversation.
/// </summary>
/// <remarks>
/// It fails closed: a detector that throws blocks the call. It sits inside every external route, below
/// <see cref="PseudonymizingChatClient"/> (whose masked values it reads from the call's <see cref="RouteCallContext"/>) and
/// directly above the provider's resilience, so what it sees is exactly what would leave the machine; the router refuses
/// to start with an external route composed otherwise.
/// </remarks>
public sealed class EgressGuardChatClient : DelegatingChatClient
{
    private readonly EgressGuard _guard;

    /// <summary>Initializes a new instance of the <see cref="EgressGuardChatClient"/> class.</summary>
    /// <param name="innerClient">The external provider's client.</param>
    /// <param name="provider">The provider's name, for messages; the inner client's <see cref="ChatClientMetadata.ProviderName"/> when <see langword="null"/>.</param>
    /// <param name="detectors">The detectors whose hits block the call.</param>
    /// <param name="classifications">How data classifications tagged on messages and contents map to sensitivities
    /// (<see cref="EaioHybridChatOptions.DataClassifications"/>); an unmapped classification counts as CRITICAL.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerClient"/> or <paramref name="detectors"/> is <see langword="null"/>.</exception>
    public EgressGuardChatClient(
        IChatClient innerClient,
        string? provider,
        IEnumerable<ISensitiveDataDetector> detectors,
        IDictionary<DataClassification, DataSensitivity>? classifications = null)
        : base(innerClient)
    {
        ArgumentNullException.ThrowIfNull(detectors);
        Provider = provider ?? RouteCallContext.ProviderOf(innerClient);
        _guard = new EgressGuard(detectors, classifications);
    }

    /// <summary>Gets the provider's name used in messages.</summary>
    public string Provider { get; }

    /// <summary>Gets the layer below the guard, for the router's start-up check that nothing sits between it and the provider's resilience.</summary>
    internal IChatClient Inner => InnerClient;

    /// <inheritdoc/>
    public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Check(messages, options);
        return base.GetResponseAsync(messages, options, cancellationToken);
    }

    /// <inheritdoc/>
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Check(messages, options);
        await foreach (ChatResponseUpdate update in base.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
        {
            yield return update;
        }
    }

    private void Check(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        RouteCallContext? context = RouteCallContext.Get(options);
        _guard.ThrowIfSensitive(context?.Provider ?? Provider, messages, options, context?.MaskedOriginals);
    }
}
