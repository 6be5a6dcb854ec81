using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using ChatCompletion = OpenAI.Chat.ChatCompletion;
using ChatTokenUsage = OpenAI.Chat.ChatTokenUsage;
using StreamingChatCompletionUpdate = OpenAI.Chat.StreamingChatCompletionUpdate;

namespace Eaio.Routing;

/// <summary>
/// Makes every provider's usage mean the same thing: streamed usage counts once (only the last report is passed on, at the
/// end), and cached input tokens are in <see cref="UsageDetails.CachedInputTokenCount"/> whichever field the provider used.
/// </summary>
/// <remarks>
/// <para>
/// Gemini's OpenAI-compatible endpoint repeats cumulative usage on several chunks, and
/// <see cref="ChatResponseExtensions.ToChatResponse(IEnumerable{ChatResponseUpdate})"/> sums every usage it sees, which
/// double counts. OpenAI and Ollama report usage once, so for them keeping the last report changes nothing.
/// </para>
/// <para>
/// DeepSeek reports its cache hits as <c>prompt_cache_hit_tokens</c> (inside <c>prompt_tokens</c>, like OpenAI's
/// <c>cached_tokens</c>), which the OpenAI SDK does not map; they are read from the raw usage, so cache hits are priced
/// at the cached rate instead of the full one.
/// </para>
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
    public override Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        // An answer that is already there is normalised in place and its task passed on: no state machine, no second task.
        Task<ChatResponse> call;
        try
        {
            call = base.GetResponseAsync(messages, options, cancellationToken);
            if (call.IsCompletedSuccessfully)
            {
                Normalize(call.Result);
                return call;
            }
        }
#pragma warning disable CA1031 // Not swallowed: failures reach the caller through the task, as from an async method.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return Task.FromException<ChatResponse>(ex);
        }

        return NormalizeAsync(call);

        static async Task<ChatResponse> NormalizeAsync(Task<ChatResponse> call)
        {
            ChatResponse response = await call.ConfigureAwait(false);
            Normalize(response);
            return response;
        }
    }

    private static void Normalize(ChatResponse response)
    {
        if (response.Usage is { } usage && response.RawRepresentation is ChatCompletion { Usage: { } raw })
        {
            AddCacheHits(usage, raw);
        }
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
                    if (update.RawRepresentation is StreamingChatCompletionUpdate { Usage: { } raw })
                    {
                        AddCacheHits(usage.Details, raw);
                    }

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

    private static void AddCacheHits(UsageDetails usage, ChatTokenUsage raw)
    {
        if (usage.CachedInputTokenCount is null or 0 && raw.Patch.Contains("$.prompt_cache_hit_tokens"u8))
        {
            usage.CachedInputTokenCount = raw.Patch.GetInt64("$.prompt_cache_hit_tokens"u8);
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
