using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Eaio.Routing;

/// <summary>Adds <see cref="TokenRateLimitingChatClient"/> to a chat pipeline.</summary>
public static class TokenRateLimitingChatClientBuilderExtensions
{
    /// <summary>Adds a tokens-per-minute limit: a call the limit cannot cover is refused before it is sent.</summary>
    /// <param name="builder">The pipeline.</param>
    /// <param name="tokensPerMinute">The limit; the registered <see cref="EaioHybridChatOptions.TokensPerMinute"/> when <see langword="null"/>.</param>
    /// <param name="configure">Configures the client.</param>
    /// <returns>The <paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">No limit is passed and no <see cref="EaioHybridChatOptions"/> is registered (thrown when the pipeline is built).</exception>
    public static ChatClientBuilder UseTokenRateLimit(this ChatClientBuilder builder, int? tokensPerMinute = null, Action<TokenRateLimitingChatClient>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((inner, services) =>
        {
            TokenRateLimitingChatClient client = new(
                inner,
                tokensPerMinute ?? services.GetService<EaioHybridChatOptions>()?.TokensPerMinute
                    ?? throw new InvalidOperationException("UseTokenRateLimit needs a limit: pass tokensPerMinute, or register EaioHybridChatOptions (AddEaioHybridChat does)."));
            configure?.Invoke(client);
            return client;
        });
    }
}
