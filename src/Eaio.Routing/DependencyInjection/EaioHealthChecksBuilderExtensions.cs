using Eaio.Routing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the EAIO providers' health checks.</summary>
public static class EaioHealthChecksBuilderExtensions
{
    /// <summary>The tag on every EAIO health check, to filter them (for example in <c>MapHealthChecks</c>).</summary>
    public const string Tag = "eaio";

    /// <summary>
    /// Registers a <see cref="ProviderHealthMonitor"/> (Ollama reachable with its default model pulled, API keys set, circuit
    /// state; cached and refreshed in the background), which the router then plans with, and one health check per provider
    /// the router can use: <c>eaio-ollama</c> and <c>eaio-&lt;provider&gt;</c> for each external provider with a key.
    /// </summary>
    /// <param name="builder">The health checks builder from <c>services.AddHealthChecks()</c>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException"><c>AddEaioHybridChat</c> has not been called on the same services first.</exception>
    public static IHealthChecksBuilder AddEaioHealthChecks(this IHealthChecksBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        // The options are registered as an instance by AddEaioHybridChat: which providers exist is known here, not only at resolution.
        EaioHybridChatOptions options = builder.Services
            .LastOrDefault(d => d.ServiceType == typeof(EaioHybridChatOptions) && d.ImplementationInstance is EaioHybridChatOptions)?
            .ImplementationInstance as EaioHybridChatOptions
            ?? throw new InvalidOperationException("Call services.AddEaioHybridChat(...) before AddHealthChecks().AddEaioHealthChecks(): the health checks need its options.");

        builder.Services.AddMemoryCache();
        builder.Services.TryAddSingleton(sp => new ProviderHealthMonitor(
            options,
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(EaioHybridChatServiceCollectionExtensions.HttpClientPrefix + EaioProviders.Ollama),
            sp.GetRequiredService<IMemoryCache>(),
            sp.GetService<TimeProvider>(),
            sp.GetService<ILoggerFactory>()?.CreateLogger<ProviderHealthMonitor>()));

        foreach (ProviderDescriptor provider in options.ResolveCatalog().Providers)
        {
            bool usable = provider.Tier == ProviderTier.Local
                ? options.Strategy != RoutingStrategy.ApiOnly
                : options.GetExternal(provider.Name)?.IsConfigured == true;
            if (!usable)
            {
                continue;
            }

            string name = provider.Name;
            builder.Add(new HealthCheckRegistration(
                "eaio-" + name,
                sp =>
                {
                    // The router attaches its circuit breakers to the monitor when it is made; a probe before the first chat
                    // request makes it here, so the circuit state is always reported.
                    _ = sp.GetService<HybridRouterChatClient>();
                    return new EaioProviderHealthCheck(
                        sp.GetRequiredService<ProviderHealthMonitor>(),
                        name,
                        (sp.GetKeyedService<IChatClient>(name) as UnregisteredProviderChatClient)?.Reason);
                },
                failureStatus: null,
                tags: [Tag]));
        }

        return builder;
    }
}
