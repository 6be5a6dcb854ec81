using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.ML.Tokenizers;

namespace Eaio.Routing;

/// <summary>Counts the tokens a request will cost before it is sent, with OpenAI's tokenizers (thread-safe).</summary>
/// <remarks>
/// <para>
/// OpenAI's GPT-4o family (and the o-series, GPT-4.1 and GPT-5) is counted with <c>o200k_base</c>, GPT-3.5 and GPT-4
/// with <c>cl100k_base</c>: those counts are exact for the text. Other families (Gemini, Claude, DeepSeek, Mistral) use
/// tokenizers that are not published for .NET; they are counted with <c>cl100k_base</c> as an approximation, which on
/// English prose is within about 15 % of their own counts. The estimate only sizes a reservation: calls settle to the
/// usage the provider reports.
/// </para>
/// <para>
/// Each message adds 3 tokens of framing plus its role, and the reply 3 more, as in OpenAI's published counting recipe. Images count
/// 765 tokens each (a 1024 × 1024 image at high detail), tool declarations as their JSON schema, tool calls and results
/// as their JSON.
/// </para>
/// </remarks>
public static class TokenEstimator
{
    /// <summary>The tokens an image is counted as.</summary>
    public const int ImageTokens = 765;

    private const int TokensPerMessage = 3;
    private const int TokensPerReply = 3;

    private static readonly Lazy<Tokenizer> s_o200k = new(() => TiktokenTokenizer.CreateForEncoding("o200k_base"));
    private static readonly Lazy<Tokenizer> s_cl100k = new(() => TiktokenTokenizer.CreateForEncoding("cl100k_base"));

    /// <summary>Gets the name of the encoding a model is counted with.</summary>
    /// <param name="modelId">The model id.</param>
    /// <returns><c>o200k_base</c> or <c>cl100k_base</c>.</returns>
    public static string EncodingFor(string modelId)
    {
        ArgumentNullException.ThrowIfNull(modelId);
        return UsesO200k(modelId) ? "o200k_base" : "cl100k_base";
    }

    /// <summary>Counts the tokens of a text as a model's tokenizer would.</summary>
    /// <param name="text">The text.</param>
    /// <param name="modelId">The model id, which picks the encoding (see <see cref="EncodingFor"/>).</param>
    /// <returns>The token count.</returns>
    public static int CountTokens(ReadOnlySpan<char> text, string modelId)
    {
        ArgumentNullException.ThrowIfNull(modelId);
        return text.IsEmpty ? 0 : TokenizerFor(modelId).CountTokens(text);
    }

    /// <summary>Estimates the input tokens of a request: messages, instructions and tool declarations.</summary>
    /// <param name="messages">The messages as they will be sent.</param>
    /// <param name="options">The options, for instructions and tools.</param>
    /// <param name="modelId">The model id, which picks the encoding.</param>
    /// <returns>The estimated input tokens.</returns>
    public static int EstimateInputTokens(IEnumerable<ChatMessage> messages, ChatOptions? options, string modelId)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(modelId);
        Tokenizer tokenizer = TokenizerFor(modelId);

        int tokens = TokensPerReply;
        if (!string.IsNullOrEmpty(options?.Instructions))
        {
            tokens += TokensPerMessage + tokenizer.CountTokens(options.Instructions);
        }

        foreach (AITool tool in options?.Tools ?? [])
        {
            tokens += tool is AIFunctionDeclaration function
                ? tokenizer.CountTokens(function.Name) + tokenizer.CountTokens(function.Description) + tokenizer.CountTokens(function.JsonSchema.GetRawText())
                : tokenizer.CountTokens(tool.Name);
        }

        foreach (ChatMessage message in messages)
        {
            tokens += TokensPerMessage + tokenizer.CountTokens(message.Role.Value);
            foreach (AIContent content in message.Contents)
            {
                tokens += content switch
                {
                    TextContent text => tokenizer.CountTokens(text.Text),
                    TextReasoningContent reasoning => tokenizer.CountTokens(reasoning.Text),
                    DataContent data when data.HasTopLevelMediaType("image") => ImageTokens,
                    UriContent uri when uri.HasTopLevelMediaType("image") => ImageTokens,
                    FunctionCallContent call => tokenizer.CountTokens(call.Name) + CountJson(tokenizer, call.Arguments),
                    FunctionResultContent result => CountJson(tokenizer, result.Result),
                    _ => 0,
                };
            }
        }

        return tokens;
    }

    private static int CountJson(Tokenizer tokenizer, object? value) => value switch
    {
        null => 0,
        string text => tokenizer.CountTokens(text),
        _ => tokenizer.CountTokens(JsonSerializer.Serialize(value, AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(object)))),
    };

    private static Tokenizer TokenizerFor(string modelId) => UsesO200k(modelId) ? s_o200k.Value : s_cl100k.Value;

    private static bool UsesO200k(string modelId) =>
        modelId.StartsWith("gpt-4o", StringComparison.OrdinalIgnoreCase)
        || modelId.StartsWith("chatgpt-4o", StringComparison.OrdinalIgnoreCase)
        || modelId.StartsWith("gpt-4.1", StringComparison.OrdinalIgnoreCase)
        || modelId.StartsWith("gpt-4.5", StringComparison.OrdinalIgnoreCase)
        || modelId.StartsWith("gpt-5", StringComparison.OrdinalIgnoreCase)
        || (modelId.Length > 1 && modelId[0] is 'o' or 'O' && char.IsAsciiDigit(modelId[1]));
}
