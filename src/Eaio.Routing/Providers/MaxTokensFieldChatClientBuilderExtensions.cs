using Microsoft.Extensions.AI;

namespace Eaio.Routing;

/// <summary>Adds <see cref="MaxTokensFieldChatClient"/> to a pipeline.</summary>
public static class MaxTokensFieldChatClientBuilderExtensions
{
    /// <summary>Sends the output limit as <c>max_tokens</c>, the field DeepSeek and Mistral read, instead of the OpenAI SDK's
    /// <c>max_completion_tokens</c>. Put it inside any layer that sets <see cref="ChatOptions.MaxOutputTokens"/>.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Called with the client once it is created.</param>
    /// <returns>The same <paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static ChatClientBuilder UseMaxTokensField(this ChatClientBuilder builder, Action<MaxTokensFieldChatClient>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use(inner =>
        {
            MaxTokensFieldChatClient client = new(inner);
            configure?.Invoke(client);
            return client;
        });
    }
}
