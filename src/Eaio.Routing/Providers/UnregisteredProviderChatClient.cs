using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Eaio.Routing;

/// <summary>
/// Stands in, as a keyed <see cref="IChatClient"/>, for a provider whose key is set but whose client lives in a package the
/// host has not registered (Anthropic's SDK ships in <c>Eaio.Routing.Anthropic</c>). The router keeps the provider out of
/// every plan with <see cref="Reason"/>, so <c>Explain</c> says what to add instead of "not set".
/// </summary>
/// <remarks>
/// <c>AddEaioHybridChat</c> registers it as an instance with <c>TryAdd</c>; the package's own registration removes it with
/// <see cref="RemoveFrom"/>, so either call may come first.
/// </remarks>
internal sealed class UnregisteredProviderChatClient : IChatClient
{
    /// <summary>Initializes a new instance of the <see cref="UnregisteredProviderChatClient"/> class.</summary>
    /// <param name="provider">The provider's name (see <see cref="EaioProviders"/>).</param>
    /// <param name="reason">Why the provider is out of plans, naming the package and the call that registers it.</param>
    public UnregisteredProviderChatClient(string provider, string reason)
    {
        Provider = provider;
        Reason = reason;
    }

    /// <summary>Gets the provider's name.</summary>
    public string Provider { get; }

    /// <summary>Gets why the provider is out of plans.</summary>
    public string Reason { get; }

    /// <summary>The stand-in for Anthropic, whose SDK is in <c>Eaio.Routing.Anthropic</c>.</summary>
    /// <param name="keySetting">The setting that holds the key (<c>ANTHROPIC_API_KEY</c>).</param>
    /// <returns>The stand-in.</returns>
    public static UnregisteredProviderChatClient ForAnthropic(string? keySetting) => new(
        EaioProviders.Anthropic,
        $"{keySetting ?? "its key"} is set but the Eaio.Routing.Anthropic package is not registered: call services.AddEaioAnthropic()");

    /// <summary>Removes the stand-in registered for <paramref name="provider"/>, leaving a host's own client alone.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="provider">The provider's name.</param>
    public static void RemoveFrom(IServiceCollection services, string provider)
    {
        for (int i = services.Count - 1; i >= 0; i--)
        {
            if (services[i] is { IsKeyedService: true, KeyedImplementationInstance: UnregisteredProviderChatClient standIn } && standIn.Provider == provider)
            {
                services.RemoveAt(i);
            }
        }
    }

    /// <inheritdoc/>
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new ProviderUnavailableException(Provider, Reason);

    /// <inheritdoc/>
    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new ProviderUnavailableException(Provider, Reason);

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
    }
}
