using Microsoft.Extensions.AI;

namespace Eaio.Routing;

/// <summary>The router's cheap copy of a request's options for a route.</summary>
internal static class ChatOptionsCopy
{
    /// <summary>A copy of <paramref name="options"/> naming <paramref name="model"/>, sharing its lists, dictionary and objects.</summary>
    /// <remarks>Four times cheaper than <see cref="ChatOptions.Clone"/>, which copies the additional properties that carry the
    /// profile. A test checks that every property of <see cref="ChatOptions"/> is copied, so a new one cannot be missed.</remarks>
    public static ChatOptions WithModel(ChatOptions options, string model)
    {
        if (options.GetType() != typeof(ChatOptions))
        {
            // A derived type may carry more than this copies: let it clone itself.
            ChatOptions clone = options.Clone();
            clone.ModelId = model;
            return clone;
        }

        return new ChatOptions
        {
            ConversationId = options.ConversationId,
            Instructions = options.Instructions,
            Temperature = options.Temperature,
            MaxOutputTokens = options.MaxOutputTokens,
            TopP = options.TopP,
            TopK = options.TopK,
            FrequencyPenalty = options.FrequencyPenalty,
            PresencePenalty = options.PresencePenalty,
            Seed = options.Seed,
            Reasoning = options.Reasoning,
            ResponseFormat = options.ResponseFormat,
            ModelId = model,
            StopSequences = options.StopSequences,
            AllowMultipleToolCalls = options.AllowMultipleToolCalls,
            ToolMode = options.ToolMode,
            Tools = options.Tools,
            AllowBackgroundResponses = options.AllowBackgroundResponses,
            ContinuationToken = options.ContinuationToken,
            RawRepresentationFactory = options.RawRepresentationFactory,
            AdditionalProperties = options.AdditionalProperties,
        };
    }
}
