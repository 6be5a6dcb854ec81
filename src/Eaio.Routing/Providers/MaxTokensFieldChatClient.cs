using Microsoft.Extensions.AI;

namespace Eaio.Routing;

/// <summary>
/// Sends the output limit as <c>max_tokens</c> instead of <c>max_completion_tokens</c>, for OpenAI-compatible providers
/// that only read the older field (DeepSeek, Mistral), around a client made with the OpenAI SDK.
/// </summary>
/// <remarks>
/// The OpenAI SDK sends <see cref="ChatOptions.MaxOutputTokens"/> as <c>max_completion_tokens</c>, which DeepSeek ignores,
/// so its output would be unbounded and a budget's worst-case hold no bound at all. A call with a limit gets a copy of its
/// options whose raw representation carries the limit as <c>max_tokens</c>, built on the caller's own
/// <see cref="ChatOptions.RawRepresentationFactory"/> when there is one; the caller's options are never changed. A call
/// without a limit passes through untouched.
/// </remarks>
public sealed class MaxTokensFieldChatClient : DelegatingChatClient
{
    /// <summary>Initializes a new instance of the <see cref="MaxTokensFieldChatClient"/> class.</summary>
    /// <param name="innerClient">The OpenAI SDK client of the provider.</param>
    public MaxTokensFieldChatClient(IChatClient innerClient)
        : base(innerClient)
    {
    }

    /// <inheritdoc/>
    public override Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        base.GetResponseAsync(messages, WithMaxTokensField(options), cancellationToken);

    /// <inheritdoc/>
    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        base.GetStreamingResponseAsync(messages, WithMaxTokensField(options), cancellationToken);

    private static ChatOptions? WithMaxTokensField(ChatOptions? options)
    {
        if (options?.MaxOutputTokens is not { } limit)
        {
            return options;
        }

        ChatOptions copy = CompletionOptionsLayer.Over(options, limit, static (completion, max) => completion.Patch.Set("$.max_tokens"u8, max));
        copy.MaxOutputTokens = null;
        return copy;
    }
}
