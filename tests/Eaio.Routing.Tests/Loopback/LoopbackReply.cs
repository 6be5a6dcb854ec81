namespace Eaio.Routing.Tests;

/// <summary>
/// What a loopback server answers to one chat request. Each server renders a reply in its own
/// wire protocol (Ollama NDJSON or OpenAI JSON / SSE), choosing streaming or not from the request's <c>stream</c> flag.
/// </summary>
public sealed class LoopbackReply
{
    internal enum ReplyKind
    {
        Text,
        Status,
        Delay,
        ResetConnection,
        CutStream,
        MalformedJson,
        ErrorLine,
        ToolCall,
    }

    private LoopbackReply(ReplyKind kind) => Kind = kind;

    internal ReplyKind Kind { get; }

    internal string Content { get; private init; } = "";

    internal int PromptTokens { get; private init; }

    internal int CompletionTokens { get; private init; }

    internal int CachedTokens { get; private init; }

    /// <summary>OpenAI only: report cache hits as DeepSeek does (<c>prompt_cache_hit_tokens</c> / <c>prompt_cache_miss_tokens</c>) instead of <c>prompt_tokens_details</c>.</summary>
    internal bool DeepSeekCacheFields { get; private init; }

    /// <summary>OpenAI only: attach cumulative usage to every content chunk (Gemini's OpenAI-compatible quirk).</summary>
    internal bool CumulativeUsage { get; private init; }

    /// <summary>Streaming only: pause this long after the first content chunk.</summary>
    internal TimeSpan FirstChunkDelay { get; private init; }

    internal int StatusCode { get; private init; }

    internal string? Body { get; private init; }

    internal TimeSpan? RetryAfter { get; private init; }

    internal TimeSpan DelayTime { get; private init; }

    internal LoopbackReply? Then { get; private init; }

    /// <summary>CutStream only: abort the connection (TCP reset) instead of ending the response cleanly.</summary>
    internal bool Abort { get; private init; }

    /// <summary>CutStream only, Anthropic only: the stream is cut after <c>message_delta</c> (stop reason and usage), before <c>message_stop</c>.</summary>
    internal bool CutBeforeStopOnly { get; private init; }

    /// <summary>OpenAI only: the calls (tool name, JSON arguments) of a <see cref="ToolCall"/> or <see cref="ToolCalls"/> reply.</summary>
    internal IReadOnlyList<(string Name, string Arguments)> Calls { get; private init; } = [];

    /// <summary>OpenAI only: the model asks to call one tool (<c>finish_reason: tool_calls</c>), in JSON or as SSE chunks.</summary>
    public static LoopbackReply ToolCall(string name, string argumentsJson, int promptTokens, int completionTokens) =>
        ToolCalls(promptTokens, completionTokens, (name, argumentsJson));

    /// <summary>
    /// OpenAI only: the model asks to call several tools in one turn (parallel tool calls). Streamed as OpenAI does: per
    /// call, a chunk with its index, id, type, name and empty arguments, then its arguments in 2-3 fragments.
    /// </summary>
    public static LoopbackReply ToolCalls(int promptTokens, int completionTokens, params (string Name, string Arguments)[] calls) =>
        new(ReplyKind.ToolCall) { Calls = calls, PromptTokens = promptTokens, CompletionTokens = completionTokens };

    /// <summary>Streaming only: the pieces the text is streamed in, one chunk each, instead of 2-3.</summary>
    internal IReadOnlyList<string>? StreamPieces { get; private init; }

    /// <summary>A normal answer streamed in the given pieces, one chunk each (a long stream), with the given usage.</summary>
    public static LoopbackReply TextInPieces(IReadOnlyList<string> pieces, int promptTokens, int completionTokens) =>
        new(ReplyKind.Text) { Content = string.Concat(pieces), StreamPieces = pieces, PromptTokens = promptTokens, CompletionTokens = completionTokens };

    /// <summary>A normal answer with the given usage; streamed in 2-3 pieces when the request asks for streaming.</summary>
    public static LoopbackReply Text(string content, int promptTokens, int completionTokens, int cachedTokens = 0) =>
        new(ReplyKind.Text)
        {
            Content = content,
            PromptTokens = promptTokens,
            CompletionTokens = completionTokens,
            CachedTokens = cachedTokens,
        };

    /// <summary>OpenAI only (DeepSeek's usage): cache hits as <c>prompt_cache_hit_tokens</c>, the rest as <c>prompt_cache_miss_tokens</c>.</summary>
    public static LoopbackReply DeepSeekText(string content, int promptTokens, int completionTokens, int cacheHitTokens) =>
        new(ReplyKind.Text)
        {
            Content = content,
            PromptTokens = promptTokens,
            CompletionTokens = completionTokens,
            CachedTokens = cacheHitTokens,
            DeepSeekCacheFields = true,
        };

    /// <summary>
    /// OpenAI only (Gemini quirk): when streamed, every content chunk carries a cumulative <c>usage</c>
    /// (e.g. 9/1/10, then 9/2/11); no separate usage-only chunk. Non-streaming behaves like <see cref="Text"/>.
    /// </summary>
    public static LoopbackReply CumulativeUsageChunks(string content, int promptTokens, int completionTokens) =>
        new(ReplyKind.Text)
        {
            Content = content,
            PromptTokens = promptTokens,
            CompletionTokens = completionTokens,
            CumulativeUsage = true,
        };

    /// <summary>OpenAI only: the answer carries no <c>usage</c> (JSON) or no usage chunk even when asked for (SSE).</summary>
    internal bool OmitUsage { get; private init; }

    /// <summary>OpenAI only: a normal answer without any usage report.</summary>
    public static LoopbackReply TextWithoutUsage(string content) => new(ReplyKind.Text) { Content = content, OmitUsage = true };

    /// <summary>Like <see cref="Text"/>, but a streamed reply stalls for <paramref name="delay"/> after its first chunk.</summary>
    public static LoopbackReply DelayAfterFirstChunk(TimeSpan delay, string content, int promptTokens, int completionTokens) =>
        new(ReplyKind.Text)
        {
            Content = content,
            PromptTokens = promptTokens,
            CompletionTokens = completionTokens,
            FirstChunkDelay = delay,
        };

    /// <summary>
    /// An HTTP error status. A null <paramref name="body"/> means the provider's usual error JSON
    /// (OpenAI: <c>{"error":{"message","type","code"}}</c>; Ollama: <c>{"error":"..."}</c>;
    /// Anthropic: <c>{"type":"error","error":{"type","message"}}</c>).
    /// </summary>
    public static LoopbackReply Status(int code, string? body = null, TimeSpan? retryAfter = null) =>
        new(ReplyKind.Status) { StatusCode = code, Body = body, RetryAfter = retryAfter };

    /// <summary>429 with the provider's error JSON and a <c>Retry-After</c> header (whole seconds).</summary>
    public static LoopbackReply RateLimited(TimeSpan retryAfter) => Status(429, null, retryAfter);

    /// <summary>Wait <paramref name="delay"/> before sending anything (headers included), then answer <paramref name="then"/>.</summary>
    public static LoopbackReply Delay(TimeSpan delay, LoopbackReply then)
    {
        ArgumentNullException.ThrowIfNull(then);
        return new(ReplyKind.Delay) { DelayTime = delay, Then = then };
    }

    /// <summary>Abort the connection before any response bytes are sent.</summary>
    public static LoopbackReply ResetConnection() => new(ReplyKind.ResetConnection);

    /// <summary>
    /// 200, then the content chunks of <paramref name="partialContent"/>, but never the terminal chunk
    /// (Ollama <c>done:true</c>; OpenAI <c>finish_reason</c>, usage and <c>[DONE]</c>). The response then ends
    /// cleanly, or with a connection abort when <paramref name="abort"/> is true.
    /// A non-streaming request gets the first half of the JSON body instead.
    /// </summary>
    public static LoopbackReply CutStreamBeforeFinal(string partialContent, bool abort = false) =>
        new(ReplyKind.CutStream) { Content = partialContent, Abort = abort };

    /// <summary>
    /// Anthropic only (streaming): every event up to and including <c>message_delta</c> (stop reason and output usage)
    /// is sent, but never <c>message_stop</c>; the response then ends cleanly, or with an abort when <paramref name="abort"/> is true.
    /// Other servers treat it like <see cref="CutStreamBeforeFinal"/>.
    /// </summary>
    public static LoopbackReply CutStreamBeforeMessageStop(string content, int promptTokens, int completionTokens, bool abort = false) =>
        new(ReplyKind.CutStream)
        {
            Content = content,
            PromptTokens = promptTokens,
            CompletionTokens = completionTokens,
            Abort = abort,
            CutBeforeStopOnly = true,
        };

    /// <summary>200 with a body that is not valid JSON (streaming: one line / SSE event that is not JSON).</summary>
    public static LoopbackReply MalformedJson() => new(ReplyKind.MalformedJson);

    /// <summary>
    /// 200 with an in-band error object. Ollama: the NDJSON line <c>{"error":"message"}</c>.
    /// OpenAI: streaming gets the SSE event <c>data: {"error":{...}}</c>; non-streaming gets the error JSON.
    /// Anthropic: streaming gets <c>event: error</c> (<c>overloaded_error</c>) after <c>message_start</c>; non-streaming gets the error JSON.
    /// </summary>
    public static LoopbackReply ErrorLine(string message) => new(ReplyKind.ErrorLine) { Body = message };

    /// <summary>Splits the content into 2-3 non-empty pieces (fewer when it is too short).</summary>
    internal static IReadOnlyList<string> Split(string content)
    {
        if (content.Length < 2)
        {
            return [content];
        }

        if (content.Length < 3)
        {
            return [content[..1], content[1..]];
        }

        int a = content.Length / 3, b = 2 * content.Length / 3;
        return [content[..a], content[a..b], content[b..]];
    }

    internal const string MalformedText = "{\"model\": \"loopback\", \"message\": {this is not json";
}
