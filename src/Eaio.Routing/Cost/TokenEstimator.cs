using System.Text.Json;
using Microsoft.Extensions.AI;

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
/// The counts are Microsoft.ML.Tokenizers' own (the same as its <c>TiktokenTokenizer.CountTokens</c>), from the
/// encodings the library's data packages ship, but the library's tokenizer is not built: its vocabulary took 48 MB of
/// managed heap per encoding, for a count that needs only the ranks (4 MB here). The split of the text into words is
/// done by hand-written equivalents of the encodings' regexes (an 8 KB prompt takes about 12 µs instead of 100 to
/// 130 µs with the library's regex), and words are merged by tiktoken's byte-pair rule (docs/benchmarks.md). A special
/// token such as <c>&lt;|endoftext|&gt;</c> in the text counts as one token, as a new library tokenizer counts it. The
/// first count of each encoding loads its ranks, which takes about 50 ms.
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

    private static readonly Lazy<TokenCounter> s_o200k = new(TokenCounter.CreateO200kBase);
    private static readonly Lazy<TokenCounter> s_cl100k = new(TokenCounter.CreateCl100kBase);

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
        return text.IsEmpty ? 0 : CounterFor(modelId).Count(text);
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
        TokenCounter counter = CounterFor(modelId);

        int tokens = TokensPerReply;
        if (!string.IsNullOrEmpty(options?.Instructions))
        {
            tokens += TokensPerMessage + counter.Count(options.Instructions);
        }

        foreach (AITool tool in options?.Tools ?? [])
        {
            tokens += tool is AIFunctionDeclaration function
                ? counter.Count(function.Name) + counter.Count(function.Description) + counter.Count(function.JsonSchema.GetRawText())
                : counter.Count(tool.Name);
        }

        IReadOnlyList<ChatMessage> messageList = MessageLists.AsList(messages);
        for (int m = 0; m < messageList.Count; m++)
        {
            ChatMessage message = messageList[m];
            tokens += TokensPerMessage + counter.Count(message.Role.Value);
            // Indexed: a foreach over the IList boxes its enumerator on every message of every call.
            IList<AIContent> contents = message.Contents;
            for (int c = 0; c < contents.Count; c++)
            {
                AIContent content = contents[c];
                tokens += content switch
                {
                    TextContent text => counter.Count(text.Text),
                    TextReasoningContent reasoning => counter.Count(reasoning.Text),
                    DataContent data when data.HasTopLevelMediaType("image") => ImageTokens,
                    UriContent uri when uri.HasTopLevelMediaType("image") => ImageTokens,
                    FunctionCallContent call => counter.Count(call.Name) + CountJson(counter, call.Arguments),
                    FunctionResultContent result => CountJson(counter, result.Result),
                    _ => 0,
                };
            }
        }

        return tokens;
    }

    private static int CountJson(TokenCounter counter, object? value) => value switch
    {
        null => 0,
        string text => counter.Count(text),
        _ => counter.Count(JsonSerializer.Serialize(value, AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(object)))),
    };

    internal static TokenCounter CounterFor(string modelId) => UsesO200k(modelId) ? s_o200k.Value : s_cl100k.Value;

    private static bool UsesO200k(string modelId) =>
        modelId.StartsWith("gpt-4o", StringComparison.OrdinalIgnoreCase)
        || modelId.StartsWith("chatgpt-4o", StringComparison.OrdinalIgnoreCase)
        || modelId.StartsWith("gpt-4.1", StringComparison.OrdinalIgnoreCase)
        || modelId.StartsWith("gpt-4.5", StringComparison.OrdinalIgnoreCase)
        || modelId.StartsWith("gpt-5", StringComparison.OrdinalIgnoreCase)
        || (modelId.Length > 1 && modelId[0] is 'o' or 'O' && char.IsAsciiDigit(modelId[1]));
}
