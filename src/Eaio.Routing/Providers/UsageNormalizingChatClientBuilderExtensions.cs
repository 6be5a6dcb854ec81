using Microsoft.Extensions.AI;

namespace Eaio.Routing;

/// <summary>Adds <see cref="UsageNormalizingChatClient"/> to a pipeline.</summary>
public static class UsageNormalizingChatClientBuilderExtensions
{
    /// <summary>Passes on only the last usage report of each stream, so cumulative reports (Gemini) are not summed.</summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The same <paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static ChatClientBuilder UseUsageNormalization(this ChatClientBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use(static inner => new UsageNormalizingChatClient(inner));
    }
}
