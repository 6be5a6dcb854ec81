using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Eaio.Routing;

/// <summary>Adds <see cref="PseudonymizingChatClient"/> to a pipeline.</summary>
public static class PseudonymizingChatClientBuilderExtensions
{
    /// <summary>
    /// Masks sensitive values before the call leaves and restores them in the answer (see <see cref="PseudonymizingChatClient"/>).
    /// Place it before the egress guard.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="vault">Where placeholders are kept; when <see langword="null"/>, the <see cref="IPseudonymVault"/> registered in the
    /// services, else a new <see cref="InMemoryPseudonymVault"/> for this pipeline.</param>
    /// <param name="detectors">The detectors; when <see langword="null"/>, every <see cref="ISensitiveDataDetector"/> registered in the
    /// services, else those of <see cref="SensitiveDataScanner.CreateDefault"/>.</param>
    /// <param name="configure">Configures the client once it is made, or <see langword="null"/>.</param>
    /// <returns>The same <paramref name="builder"/>.</returns>
    /// <remarks>
    /// When <see cref="EaioHybridChatOptions"/> is registered, its <see cref="EaioHybridChatOptions.EntitySensitivity"/> decides
    /// which entity types are CRITICAL and its <see cref="EaioHybridChatOptions.Pseudonymization"/> the per-entity policies,
    /// as in the router.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static ChatClientBuilder UsePseudonymization(
        this ChatClientBuilder builder,
        IPseudonymVault? vault = null,
        IEnumerable<ISensitiveDataDetector>? detectors = null,
        Action<PseudonymizingChatClient>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((inner, services) =>
        {
            EaioHybridChatOptions? options = services.GetService<EaioHybridChatOptions>();
            IPseudonymVault resolved = vault ?? services.GetService<IPseudonymVault>() ?? new InMemoryPseudonymVault(timeProvider: services.GetService<TimeProvider>());
            PseudonymizingChatClient client = new(
                inner,
                resolved,
                detectors ?? DetectorServices.Resolve(services),
                options is null ? null : new Dictionary<string, DataSensitivity>(options.EntitySensitivity, StringComparer.OrdinalIgnoreCase),
                options?.Pseudonymization);
            configure?.Invoke(client);
            return client;
        });
    }
}
