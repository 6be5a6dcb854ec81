using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Eaio.Routing;

/// <summary>Adds <see cref="EgressGuardChatClient"/> to a pipeline.</summary>
public static class EgressGuardChatClientBuilderExtensions
{
    /// <summary>Blocks calls whose payload still holds sensitive data, as the last step before an external provider.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="provider">The provider's name, for messages.</param>
    /// <param name="detectors">The detectors; when <see langword="null"/>, every <see cref="ISensitiveDataDetector"/> registered in the services.</param>
    /// <returns>The same <paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="provider"/> is <see langword="null"/>.</exception>
    public static ChatClientBuilder UseEgressGuard(this ChatClientBuilder builder, string provider, IEnumerable<ISensitiveDataDetector>? detectors = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(provider);
        return builder.Use((inner, services) =>
            new EgressGuardChatClient(inner, provider, detectors ?? services.GetServices<ISensitiveDataDetector>()));
    }
}
