using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Eaio.Routing;

/// <summary>Adds <see cref="EgressGuardChatClient"/> to a chat pipeline.</summary>
public static class EgressGuardChatClientBuilderExtensions
{
    /// <summary>Adds the egress guard: a last check of exactly what would leave, which blocks the call on any hit.</summary>
    /// <param name="builder">The pipeline.</param>
    /// <param name="provider">The provider's name, for messages; the inner client's provider name when <see langword="null"/>.</param>
    /// <param name="detectors">The detectors; the registered <see cref="ISensitiveDataDetector"/>s when <see langword="null"/>, else the default set.</param>
    /// <param name="configure">Configures the client.</param>
    /// <returns>The <paramref name="builder"/>.</returns>
    /// <remarks>The data classifications are the registered <see cref="EaioHybridChatOptions.DataClassifications"/>, as the router's.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static ChatClientBuilder UseEgressGuard(
        this ChatClientBuilder builder, string? provider = null, IEnumerable<ISensitiveDataDetector>? detectors = null, Action<EgressGuardChatClient>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((inner, services) =>
        {
            EgressGuardChatClient client = new(
                inner,
                provider,
                detectors ?? DetectorServices.Resolve(services),
                services.GetService<EaioHybridChatOptions>()?.DataClassifications);
            configure?.Invoke(client);
            return client;
        });
    }

}
