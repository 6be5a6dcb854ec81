using Eaio.Routing;
using Microsoft.Extensions.AI;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds a host's own middleware to one route of the hybrid router.</summary>
public static class EaioRouteServiceCollectionExtensions
{
    /// <summary>
    /// Adds middleware to the pipeline of one provider's route, outside the router's own layers: it sees each call to that
    /// provider as the caller wrote it (before masking) and the answer as the caller gets it (restored).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="provider">The provider's name (see <see cref="EaioProviders"/>).</param>
    /// <param name="configure">Adds the middleware, for example <c>b =&gt; b.UseLogging()</c> or <c>b =&gt; b.Use(...)</c>.</param>
    /// <returns>The <paramref name="services"/>.</returns>
    /// <remarks>
    /// Routes are built when the router is first resolved, in registration order of these calls. Layers that must see
    /// what leaves (masking, the egress guard, resilience) are the router's and keep their fixed order below yours.
    /// </remarks>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="provider"/> is empty.</exception>
    public static IServiceCollection ConfigureEaioRoute(this IServiceCollection services, string provider, Action<ChatClientBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(provider);
        ArgumentNullException.ThrowIfNull(configure);
        return services.AddSingleton(new EaioRouteConfiguration(provider, configure));
    }
}
