using System.Text.Json;
using Microsoft.Extensions.AI;
using OpenAI.Chat;

namespace Eaio.Routing.Gateway;

/// <summary>Reads the log-probabilities an OpenAI-compatible provider returned from the SDK's own objects, and writes
/// them in OpenAI's <c>logprobs</c> shape.</summary>
/// <remarks>
/// Microsoft.Extensions.AI has no member for them; the router's layers keep the provider's raw response
/// (<see cref="ChatResponse.RawRepresentation"/>, <see cref="ChatResponseUpdate.RawRepresentation"/>), which is where
/// they are. They are only there when the request asked for them and the router could honour that (see
/// <see cref="EaioChatOptionsExtensions.WithLogProbabilities"/>), so nothing here invents or drops any.
/// </remarks>
internal static class OpenAILogProbabilities
{
    /// <summary>The log-probabilities of a whole answer's content tokens, if the provider returned any.</summary>
    public static IReadOnlyList<ChatTokenLogProbabilityDetails>? Of(ChatResponse answer) =>
        answer.RawRepresentation is ChatCompletion { ContentTokenLogProbabilities: { Count: > 0 } tokens } ? tokens : null;

    /// <summary>The log-probabilities of one streamed update's content tokens, if the provider returned any.</summary>
    public static IReadOnlyList<ChatTokenLogProbabilityDetails>? Of(ChatResponseUpdate update) =>
        update.RawRepresentation is StreamingChatCompletionUpdate { ContentTokenLogProbabilities: { Count: > 0 } tokens } ? tokens : null;

    /// <summary>Writes a choice's <c>logprobs</c>: <see langword="null"/>, or <c>{"content": [...], "refusal": null}</c>.</summary>
    public static void WriteChoice(Utf8JsonWriter json, IReadOnlyList<ChatTokenLogProbabilityDetails>? tokens)
    {
        if (tokens is null)
        {
            json.WriteNull("logprobs");
            return;
        }

        json.WriteStartObject("logprobs");
        WriteTokens(json, "content", tokens);
        json.WriteNull("refusal");
        json.WriteEndObject();
    }

    /// <summary>Writes an array of tokens with their log-probabilities, bytes and alternatives, as OpenAI does.</summary>
    /// <param name="json">The writer.</param>
    /// <param name="name">The array's property name.</param>
    /// <param name="tokens">The tokens.</param>
    /// <param name="bytesRequired">Whether a token's <c>bytes</c> may not be <see langword="null"/> (Responses): a provider
    /// that sent none gets the token's own UTF-8 bytes written.</param>
    public static void WriteTokens(Utf8JsonWriter json, string name, IReadOnlyList<ChatTokenLogProbabilityDetails> tokens, bool bytesRequired = false)
    {
        json.WriteStartArray(name);
        foreach (ChatTokenLogProbabilityDetails token in tokens)
        {
            json.WriteStartObject();
            WriteToken(json, token.Token, token.LogProbability, token.Utf8Bytes, bytesRequired);
            json.WriteStartArray("top_logprobs");
            foreach (ChatTokenTopLogProbabilityDetails top in token.TopLogProbabilities)
            {
                json.WriteStartObject();
                WriteToken(json, top.Token, top.LogProbability, top.Utf8Bytes, bytesRequired);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static void WriteToken(Utf8JsonWriter json, string token, float logProbability, ReadOnlyMemory<byte>? bytes, bool bytesRequired)
    {
        json.WriteString("token", token);
        json.WriteNumber("logprob", logProbability);
        if ((bytes ?? (bytesRequired ? System.Text.Encoding.UTF8.GetBytes(token) : null)) is { } utf8)
        {
            json.WriteStartArray("bytes");
            foreach (byte b in utf8.Span)
            {
                json.WriteNumberValue(b);
            }

            json.WriteEndArray();
        }
        else
        {
            json.WriteNull("bytes");
        }
    }
}
