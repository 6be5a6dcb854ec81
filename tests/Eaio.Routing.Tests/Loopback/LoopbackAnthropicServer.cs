using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Eaio.Routing.Tests;

/// <summary>
/// An in-process HTTP server speaking Anthropic's Messages API: <c>POST /v1/messages</c> (any prefix before
/// <c>/v1/messages</c>), one JSON message or an SSE event stream (<c>message_start</c>, <c>content_block_start</c>,
/// <c>ping</c>, <c>content_block_delta</c>, <c>content_block_stop</c>, <c>message_delta</c>, <c>message_stop</c>)
/// depending on <c>stream</c>. Point the SDK's <c>AnthropicClient.BaseUrl</c> at <see cref="BaseUri"/>.
/// </summary>
public sealed class LoopbackAnthropicServer : LoopbackServer
{
    private int _messageId;

    private LoopbackAnthropicServer(LoopbackHost host)
        : base(host)
    {
    }

    /// <summary>The server root, e.g. <c>http://127.0.0.1:PORT/</c>; the SDK appends <c>v1/messages</c>.</summary>
    public override Uri BaseUri => Host.Root;

    public static async Task<LoopbackAnthropicServer> StartAsync(LoopbackReply? defaultReply = null)
    {
        LoopbackAnthropicServer? server = null;
        var host = await LoopbackHost.StartAsync(
            defaultReply ?? LoopbackReply.Text("Hello from loopback Anthropic.", 13, 8),
            (h, context, ct) => server!.HandleAsync(context, ct));
        server = new LoopbackAnthropicServer(host);
        return server;
    }

    private async Task HandleAsync(HttpContext context, CancellationToken ct)
    {
        var isChat = HttpMethods.IsPost(context.Request.Method)
            && (context.Request.Path.Value ?? "").EndsWith("/v1/messages", StringComparison.Ordinal);
        var request = await Host.RecordAsync(context, isChat, defaultStream: false, ct);
        if (!isChat)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(ErrorJson("not_found_error", "Not found"), ct);
            return;
        }

        context.Response.Headers["request-id"] = "req_loopback_" + Volatile.Read(ref _messageId);
        var reply = await LoopbackHost.HandleCommonAsync(context, Host.NextReply(request), DefaultErrorBody, ct);
        if (reply is null)
        {
            return;
        }

        var id = "msg_loopback_" + Interlocked.Increment(ref _messageId);
        var model = request.Model ?? "unknown";
        context.Response.ContentType = request.Stream ? "text/event-stream; charset=utf-8" : "application/json";
        switch (reply.Kind)
        {
            case LoopbackReply.ReplyKind.Text when !request.Stream:
                await context.Response.WriteAsync(Message(id, model, reply.Content, "end_turn", reply.PromptTokens, reply.CompletionTokens, reply.CachedTokens).ToJsonString(), ct);
                break;
            case LoopbackReply.ReplyKind.ErrorLine when !request.Stream:
                await context.Response.WriteAsync(ErrorJson("overloaded_error", reply.Body!), ct);
                break;
            case LoopbackReply.ReplyKind.Text:
                await StreamAsync(context, id, model, reply, ct);
                break;
            case LoopbackReply.ReplyKind.CutStream when !request.Stream:
                var json = Message(id, model, reply.Content, "end_turn", reply.PromptTokens, reply.CompletionTokens, 0).ToJsonString();
                await LoopbackHost.WriteFlushedAsync(context, json[..(json.Length / 2)], ct);
                await LoopbackHost.EndCutAsync(context, reply.Abort, ct);
                break;
            case LoopbackReply.ReplyKind.CutStream:
                await StreamAsync(context, id, model, reply, ct);
                await LoopbackHost.EndCutAsync(context, reply.Abort, ct);
                break;
            case LoopbackReply.ReplyKind.MalformedJson when !request.Stream:
                await context.Response.WriteAsync(LoopbackReply.MalformedText, ct);
                break;
            case LoopbackReply.ReplyKind.MalformedJson:
                await context.Response.WriteAsync(Sse("message_start", LoopbackReply.MalformedText), ct);
                break;
            case LoopbackReply.ReplyKind.ErrorLine:
                await LoopbackHost.WriteFlushedAsync(context, Sse("message_start", MessageStart(id, model, 0, 0)), ct);
                await context.Response.WriteAsync(Sse("error", ErrorJson("overloaded_error", reply.Body!)), ct);
                break;
            default:
                throw new InvalidOperationException($"Unhandled reply kind {reply.Kind}.");
        }
    }

    /// <summary>
    /// The event stream of a Text reply; for a CutStream reply only the events before the cut
    /// (the text deltas, or everything but <c>message_stop</c> when <see cref="LoopbackReply.CutBeforeStopOnly"/>).
    /// </summary>
    private static async Task StreamAsync(HttpContext context, string id, string model, LoopbackReply reply, CancellationToken ct)
    {
        var cut = reply.Kind == LoopbackReply.ReplyKind.CutStream;
        await LoopbackHost.WriteFlushedAsync(context, Sse("message_start", MessageStart(id, model, reply.PromptTokens, reply.CachedTokens)), ct);
        await LoopbackHost.WriteFlushedAsync(context, Sse("content_block_start", new JsonObject
        {
            ["type"] = "content_block_start",
            ["index"] = 0,
            ["content_block"] = new JsonObject { ["type"] = "text", ["text"] = "" },
        }.ToJsonString()), ct);
        await LoopbackHost.WriteFlushedAsync(context, Sse("ping", "{\"type\": \"ping\"}"), ct);
        var first = true;
        foreach (var piece in reply.Content.Length == 0 ? [] : LoopbackReply.Split(reply.Content))
        {
            await LoopbackHost.WriteFlushedAsync(context, Sse("content_block_delta", new JsonObject
            {
                ["type"] = "content_block_delta",
                ["index"] = 0,
                ["delta"] = new JsonObject { ["type"] = "text_delta", ["text"] = piece },
            }.ToJsonString()), ct);
            if (first && reply.FirstChunkDelay > TimeSpan.Zero)
            {
                await Task.Delay(reply.FirstChunkDelay, ct);
            }

            first = false;
        }

        if (cut && !reply.CutBeforeStopOnly)
        {
            return;
        }

        await LoopbackHost.WriteFlushedAsync(context, Sse("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"), ct);
        await LoopbackHost.WriteFlushedAsync(context, Sse("message_delta", new JsonObject
        {
            ["type"] = "message_delta",
            ["delta"] = new JsonObject { ["stop_reason"] = "end_turn", ["stop_sequence"] = null },
            ["usage"] = new JsonObject { ["output_tokens"] = reply.CompletionTokens },
        }.ToJsonString()), ct);
        if (cut)
        {
            return;
        }

        await LoopbackHost.WriteFlushedAsync(context, Sse("message_stop", "{\"type\":\"message_stop\"}"), ct);
    }

    private static string Sse(string eventName, string data) => "event: " + eventName + "\ndata: " + data + "\n\n";

    private static string MessageStart(string id, string model, int inputTokens, int cachedTokens)
    {
        // As the API does: the message so far, no content, and output_tokens 1 until message_delta reports the total.
        var message = Message(id, model, null, null, inputTokens, 1, cachedTokens);
        return new JsonObject { ["type"] = "message_start", ["message"] = message }.ToJsonString();
    }

    private static JsonObject Message(string id, string model, string? text, string? stopReason, int inputTokens, int outputTokens, int cachedTokens) => new()
    {
        ["id"] = id,
        ["type"] = "message",
        ["role"] = "assistant",
        ["model"] = model,
        ["content"] = text is null ? new JsonArray() : new JsonArray(new JsonObject { ["type"] = "text", ["text"] = text }),
        ["stop_reason"] = stopReason,
        ["stop_sequence"] = null,
        ["usage"] = new JsonObject
        {
            ["input_tokens"] = inputTokens,
            ["cache_creation_input_tokens"] = 0,
            ["cache_read_input_tokens"] = cachedTokens,
            ["output_tokens"] = outputTokens,
        },
    };

    private static string DefaultErrorBody(int status) => status switch
    {
        429 => ErrorJson("rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit."),
        401 => ErrorJson("authentication_error", "invalid x-api-key"),
        404 => ErrorJson("not_found_error", "Not found"),
        529 => ErrorJson("overloaded_error", "Overloaded"),
        >= 500 => ErrorJson("api_error", "Internal server error"),
        _ => ErrorJson("invalid_request_error", $"Loopback status {status}."),
    };

    private static string ErrorJson(string type, string message) => new JsonObject
    {
        ["type"] = "error",
        ["error"] = new JsonObject { ["type"] = type, ["message"] = message },
    }.ToJsonString();
}
