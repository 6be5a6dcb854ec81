using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Eaio.Routing;

/// <summary>Adds <see cref="ProviderResilienceChatClient"/> to a pipeline.</summary>
public static class ProviderResilienceChatClientBuilderExtensions
{
    /// <summary>
    /// Guards the calls to the inner client with time limits, a request rate limit, a concurrency limit, a circuit breaker
    /// and a check that streams end with their final chunk. Put it innermost, next to the provider client, so what it
    /// measures is the provider.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="options">The limits; the defaults of <see cref="ProviderResilienceOptions"/> when <see langword="null"/>.
    /// Without a <see cref="ProviderResilienceOptions.TimeProvider"/>, the service provider's <see cref="TimeProvider"/> is
    /// used, else <see cref="TimeProvider.System"/>.</param>
    /// <param name="configure">Called with the client once it is created.</param>
    /// <returns>The same <paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <remarks>The options' <see cref="ProviderResilienceOptions.CircuitStateProvider"/> binds to the one client built, so
    /// such a builder can be built once.</remarks>
    public static ChatClientBuilder UseProviderResilience(
        this ChatClientBuilder builder, ProviderResilienceOptions? options = null, Action<ProviderResilienceChatClient>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((inner, services) =>
        {
            ProviderResilienceChatClient client = new(inner, options ?? new(), services.GetService<TimeProvider>() ?? TimeProvider.System);
            configure?.Invoke(client);
            return client;
        });
    }
}
