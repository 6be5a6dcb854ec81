using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Eaio.Routing;

/// <summary>Makes a provider's streamed usage count once: of all usage reports in a stream, only the last is passed on, at the end.</summary>
/// <remarks>
/// Gemini's OpenAI-compatible endpoint repeats cumulative usage on several chunks, and
/// <see cref="ChatResponseExtensions.ToChatResponse(IEnumerable{ChatResponseUpdate})"/> sums every usage it sees, which
/// double counts. OpenAI and Ollama report usage once, so for them keeping the last report changes nothing.
/// </remarks>
public sealed class UsageNormalizingChatClient : DelegatingChatClient
{
    /// <summary>Initializes a new instance of the <see cref="UsageNormalizingChatClient"/> class.</summary>
    /// <param name="innerClient">The provider client.</param>
    public UsageNormalizingChatClient(IChatClient innerClient)
        : base(innerClient)
    {
    }

    /// <inheritdoc/>
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        UsageContent? last = null;
        ChatResponseUpdate? lastUpdate = null;
        await foreach (ChatResponseUpdate update in base.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
        {
            lastUpdate = update;
            if (!HasUsage(update.Contents))
            {
                yield return update;
                continue;
            }

            List<AIContent> rest = new(update.Contents.Count);
            foreach (AIContent content in update.Contents)
            {
                if (content is UsageContent usage)
                {
                    last = usage;
                }
                else
                {
                    rest.Add(content);
                }
            }

            update.Contents = rest;
            if (rest.Count > 0 || update.FinishReason is not null)
            {
                yield return update;
            }
        }

        if (last is not null)
        {
            yield return new ChatResponseUpdate(ChatRole.Assistant, [last])
            {
                ResponseId = lastUpdate?.ResponseId,
                ModelId = lastUpdate?.ModelId,
                MessageId = lastUpdate?.MessageId,
                CreatedAt = lastUpdate?.CreatedAt,
            };
        }
    }

    private static bool HasUsage(IList<AIContent> contents)
    {
        for (int i = 0; i < contents.Count; i++)
        {
            if (contents[i] is UsageContent)
            {
                return true;
            }
        }

        return false;
    }
}
