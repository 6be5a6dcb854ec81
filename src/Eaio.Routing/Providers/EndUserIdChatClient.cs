using Microsoft.Extensions.AI;

namespace Eaio.Routing;

/// <summary>
/// Sends the end-user id of <see cref="EaioChatOptionsExtensions.WithEndUserId"/> as OpenAI's <c>user</c> field, around a
/// client made with the OpenAI SDK.
/// </summary>
/// <remarks>
/// Microsoft.Extensions.AI.OpenAI maps no <see cref="ChatOptions"/> member to <c>user</c>; the field is only reachable
/// through the SDK's own request object. A call with an id gets a copy of its options whose raw representation carries it,
/// built on any factory already there (the router's own, for <c>max_tokens</c>); the caller's options are never changed.
/// The egress guard has scanned the id before this point. A call without one passes through untouched.
/// </remarks>
internal sealed class EndUserIdChatClient : DelegatingChatClient
{
    /// <summary>Initializes a new instance of the <see cref="EndUserIdChatClient"/> class.</summary>
    /// <param name="innerClient">The OpenAI SDK client of the provider.</param>
    public EndUserIdChatClient(IChatClient innerClient)
        : base(innerClient)
    {
    }

    /// <inheritdoc/>
    public override Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        base.GetResponseAsync(messages, WithEndUser(options), cancellationToken);

    /// <inheritdoc/>
    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        base.GetStreamingResponseAsync(messages, WithEndUser(options), cancellationToken);

    private static ChatOptions? WithEndUser(ChatOptions? options)
    {
        if (options.GetEndUserId() is not { } endUserId)
        {
            return options;
        }

        return CompletionOptionsLayer.Over(options!, endUserId, static (completion, id) => completion.EndUserId = id);
    }
}
