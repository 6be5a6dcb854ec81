using Eaio.Routing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Anthropic (Claude), through its official SDK, as a provider of the EAIO hybrid router.</summary>
public static class EaioAnthropicServiceCollectionExtensions
{
    /// <summary>
    /// Registers the keyed <see cref="IChatClient"/> <c>anthropic</c> the router sends Anthropic's routes to, built from the
    /// options <c>AddEaioHybridChat</c> bound (<c>ANTHROPIC_API_KEY</c>, <c>ANTHROPIC_BASE_URL</c>, <c>API_TOTAL_TIMEOUT_SEC</c>)
    /// over its named <see cref="HttpClient"/> <c>Eaio.anthropic</c>; call it before or after <c>AddEaioHybridChat</c>.
    /// Without a key, Anthropic stays out of every plan, as any provider without one.
    /// </summary>
    /// <remarks>A client the host registered under the same key before this call is kept.</remarks>
    /// <param name="services">The service collection.</param>
    /// <returns>The service collection.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    public static IServiceCollection AddEaioAnthropic(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);

        // AddEaioHybridChat, when it came first with a key set, left a stand-in that keeps Anthropic out of plans with a reason.
        UnregisteredProviderChatClient.RemoveFrom(services, EaioProviders.Anthropic);
        services.TryAddKeyedSingleton<IChatClient>(EaioProviders.Anthropic, static (sp, _) =>
        {
            // The options are read here, not at registration, so the order of the two calls does not matter.
            EaioHybridChatOptions options = sp.GetService<EaioHybridChatOptions>()
                ?? throw new InvalidOperationException("Call services.AddEaioHybridChat(...) as well as AddEaioAnthropic(): the Anthropic client is built from its options.");
            if (options.Anthropic is not { IsConfigured: true } settings || options.ResolveCatalog().Find(EaioProviders.Anthropic) is not { } provider)
            {
                // No client, as for any provider without a key: the router says the key is not set.
                return null!;
            }

            return AnthropicChatClientFactory.Create(
                settings,
                provider.ModelFor(ModelTask.General).Id,
                EaioHybridChatServiceCollectionExtensions.HttpClientFor(sp, EaioProviders.Anthropic),
                options.ApiTotalTimeout);
        });
        return services;
    }
}
