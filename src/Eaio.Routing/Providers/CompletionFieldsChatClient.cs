using Microsoft.Extensions.AI;

namespace Eaio.Routing;

/// <summary>
/// Sends what <see cref="EaioChatOptionsExtensions"/> carries and Microsoft.Extensions.AI.OpenAI maps to no
/// <see cref="ChatOptions"/> member, around a client made with the OpenAI SDK: the end-user id of
/// <see cref="EaioChatOptionsExtensions.WithEndUserId"/> as <c>user</c>, and the request of
/// <see cref="EaioChatOptionsExtensions.WithLogProbabilities"/> as <c>logprobs</c> and <c>top_logprobs</c>.
/// </summary>
/// <remarks>
/// These fields are only reachable through the SDK's own request object. A call with any of them gets a copy of its
/// options whose raw representation carries them, built on any factory already there (the router's own, for
/// <c>max_tokens</c>); the caller's options are never changed. The egress guard has scanned the id before this point. A
/// call without them passes through untouched. The log-probabilities come back in the SDK's own response objects
/// (<see cref="ChatResponse.RawRepresentation"/>), which the router's layers keep.
/// </remarks>
internal sealed class CompletionFieldsChatClient : DelegatingChatClient
{
    /// <summary>Initializes a new instance of the <see cref="CompletionFieldsChatClient"/> class.</summary>
    /// <param name="innerClient">The OpenAI SDK client of the provider.</param>
    public CompletionFieldsChatClient(IChatClient innerClient)
        : base(innerClient)
    {
    }

    /// <inheritdoc/>
    public override Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        base.GetResponseAsync(messages, WithFields(options), cancellationToken);

    /// <inheritdoc/>
    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        base.GetStreamingResponseAsync(messages, WithFields(options), cancellationToken);

    private static ChatOptions? WithFields(ChatOptions? options)
    {
        string? endUserId = options.GetEndUserId();
        int? topLogProbabilities = options.GetLogProbabilities();
        if (endUserId is null && topLogProbabilities is null)
        {
            return options;
        }

        return CompletionOptionsLayer.Over(options!, (endUserId, topLogProbabilities), static (completion, fields) =>
        {
            if (fields.endUserId is { } id)
            {
                completion.EndUserId = id;
            }

            if (fields.topLogProbabilities is { } top)
            {
                completion.IncludeLogProbabilities = true;
                if (top > 0)
                {
                    completion.TopLogProbabilityCount = top;
                }
            }
        });
    }
}
