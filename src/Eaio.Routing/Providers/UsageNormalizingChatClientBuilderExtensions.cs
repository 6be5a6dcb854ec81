using Microsoft.Extensions.AI;

namespace Eaio.Routing;

/// <summary>Adds <see cref="UsageNormalizingChatClient"/> to a pipeline.</summary>
public static class UsageNormalizingChatClientBuilderExtensions
{
    /// <summary>Passes on only the last usage report of each stream, so cumulative reports (Gemini) are not summed, and reads
    /// cached input tokens from whichever field the provider used.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Called with the client once it is created.</param>
    /// <returns>The same <paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static ChatClientBuilder UseUsageNormalization(this ChatClientBuilder builder, Action<UsageNormalizingChatClient>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use(inner =>
        {
            UsageNormalizingChatClient client = new(inner);
            configure?.Invoke(client);
            return client;
        });
    }
}
