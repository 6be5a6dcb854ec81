using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Eaio.Routing;

/// <summary>
/// The last step before an external provider: checks the outgoing payload once more and blocks the call with
/// <see cref="PrivacyViolationException"/> when it holds CRITICAL data, a local-only profile, or any detector hit.
/// </summary>
/// <remarks>
/// It fails closed: a detector that throws blocks the call. It sits inside every external route, below sanitisation, so
/// what it sees is exactly what would leave the machine, and no failover path can go around it.
/// </remarks>
public sealed class EgressGuardChatClient : DelegatingChatClient
{
    private readonly EgressGuard _guard;

    /// <summary>Initializes a new instance of the <see cref="EgressGuardChatClient"/> class.</summary>
    /// <param name="innerClient">The external provider's client.</param>
    /// <param name="provider">The provider's name, for messages.</param>
    /// <param name="detectors">The detectors whose hits block the call.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public EgressGuardChatClient(IChatClient innerClient, string provider, IEnumerable<ISensitiveDataDetector> detectors)
        : base(innerClient)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(detectors);
        Provider = provider;
        _guard = new EgressGuard(detectors);
    }

    /// <summary>Gets the provider's name.</summary>
    public string Provider { get; }

    /// <inheritdoc/>
    public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        _guard.ThrowIfSensitive(Provider, messages, options);
        return base.GetResponseAsync(messages, options, cancellationToken);
    }

    /// <inheritdoc/>
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        _guard.ThrowIfSensitive(Provider, messages, options);
        await foreach (ChatResponseUpdate update in base.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
        {
            yield return update;
        }
    }
}
