using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Eaio.Routing.Tests;

/// <summary>
/// An in-process HTTP server speaking Ollama's API: <c>POST /api/chat</c> (NDJSON when streaming,
/// one JSON object otherwise) and <c>GET /api/tags</c>. Point <c>OllamaApiClient</c> at <see cref="BaseUri"/>.
/// A disposed server is "down" (connection refused).
/// </summary>
public sealed class LoopbackOllamaServer : LoopbackServer
{
    private volatile IReadOnlyList<string> _models;
    private volatile Func<Task>? _holdTags;

    private LoopbackOllamaServer(LoopbackHost host, IReadOnlyList<string> models)
        : base(host)
    {
        _models = models;
    }

    /// <summary>The server root, e.g. <c>http://127.0.0.1:PORT/</c>.</summary>
    public override Uri BaseUri => Host.Root;

    /// <summary>Model names listed by <c>GET /api/tags</c>.</summary>
    public IReadOnlyList<string> Models
    {
        get => _models;
        set => _models = [.. value];
    }

    /// <summary>
    /// When set, <c>GET /api/tags</c> reads <see cref="Models"/> as the request arrives, then awaits this before answering:
    /// a check held in flight while the test changes what the next one will see.
    /// </summary>
    public Func<Task>? HoldTags
    {
        get => _holdTags;
        set => _holdTags = value;
    }

    public static async Task<LoopbackOllamaServer> StartAsync(IEnumerable<string>? models = null, LoopbackReply? defaultReply = null)
    {
        LoopbackOllamaServer? server = null;
        var host = await LoopbackHost.StartAsync(
            defaultReply ?? LoopbackReply.Text("Hello from loopback Ollama.", 12, 7),
            (h, context, ct) => server!.HandleAsync(context, ct));
        server = new LoopbackOllamaServer(host, [.. models ?? ["llama3.2:3b", "qwen2.5:7b"]]);
        return server;
    }

    private async Task HandleAsync(HttpContext context, CancellationToken ct)
    {
        var path = context.Request.Path.Value ?? "";
        var isChat = HttpMethods.IsPost(context.Request.Method) && path == "/api/chat";
        var request = await Host.RecordAsync(context, isChat, defaultStream: true, ct);
        if (HttpMethods.IsGet(context.Request.Method) && path == "/api/tags")
        {
            IReadOnlyList<string> models = _models;
            if (_holdTags is { } hold)
            {
                await hold().WaitAsync(ct);
            }

            context.Response.ContentType = "application/json; charset=utf-8";
            await context.Response.WriteAsync(TagsJson(models), ct);
            return;
        }

        if (HttpMethods.IsPost(context.Request.Method) && path == "/api/embed")
        {
            context.Response.ContentType = "application/json; charset=utf-8";
            await context.Response.WriteAsync(EmbedJson(request), ct);
            return;
        }

        if (!isChat)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            await context.Response.WriteAsync("404 page not found", ct);
            return;
        }

        var reply = await LoopbackHost.HandleCommonAsync(context, Host.NextReply(request), _ => ErrorJson("loopback error"), ct);
        if (reply is null)
        {
            return;
        }

        var model = request.Model ?? "unknown";
        context.Response.ContentType = request.Stream ? "application/x-ndjson" : "application/json; charset=utf-8";
        switch (reply.Kind)
        {
            case LoopbackReply.ReplyKind.Text when !request.Stream:
                await context.Response.WriteAsync(Final(model, reply.Content, reply) + "\n", ct);
                break;
            case LoopbackReply.ReplyKind.Text:
                var first = true;
                foreach (var piece in LoopbackReply.Split(reply.Content))
                {
                    await LoopbackHost.WriteFlushedAsync(context, Chunk(model, piece) + "\n", ct);
                    if (first && reply.FirstChunkDelay > TimeSpan.Zero)
                    {
                        await Task.Delay(reply.FirstChunkDelay, ct);
                    }

                    first = false;
                }

                await LoopbackHost.WriteFlushedAsync(context, Final(model, "", reply) + "\n", ct);
                break;
            case LoopbackReply.ReplyKind.CutStream when !request.Stream:
                var json = Final(model, reply.Content, reply);
                await LoopbackHost.WriteFlushedAsync(context, json[..(json.Length / 2)], ct);
                await LoopbackHost.EndCutAsync(context, reply.Abort, ct);
                break;
            case LoopbackReply.ReplyKind.CutStream:
                foreach (var piece in LoopbackReply.Split(reply.Content))
                {
                    await LoopbackHost.WriteFlushedAsync(context, Chunk(model, piece) + "\n", ct);
                }

                await LoopbackHost.EndCutAsync(context, reply.Abort, ct);
                break;
            case LoopbackReply.ReplyKind.MalformedJson:
                await context.Response.WriteAsync(LoopbackReply.MalformedText + "\n", ct);
                break;
            case LoopbackReply.ReplyKind.ErrorLine:
                await context.Response.WriteAsync(ErrorJson(reply.Body!) + "\n", ct);
                break;
            default:
                throw new InvalidOperationException($"Unhandled reply kind {reply.Kind}.");
        }
    }

    private static string Now() => DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);

    private static string ErrorJson(string message) => new JsonObject { ["error"] = message }.ToJsonString();

    private static string Chunk(string model, string content) => new JsonObject
    {
        ["model"] = model,
        ["created_at"] = Now(),
        ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = content },
        ["done"] = false,
    }.ToJsonString();

    private static string Final(string model, string content, LoopbackReply reply) => new JsonObject
    {
        ["model"] = model,
        ["created_at"] = Now(),
        ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = content },
        ["done"] = true,
        ["done_reason"] = "stop",
        ["total_duration"] = 250_000_000L,
        ["load_duration"] = 10_000_000L,
        ["prompt_eval_count"] = reply.PromptTokens,
        ["prompt_eval_duration"] = 40_000_000L,
        ["eval_count"] = reply.CompletionTokens,
        ["eval_duration"] = 200_000_000L,
    }.ToJsonString();

    /// <summary>The vector this server gives a text: <c>[0.25, length, 2]</c>, so a test can tell it from the OpenAI stand-in's.</summary>
    public static float[] Vector(string text) => [0.25f, text.Length, 2f];

    // POST /api/embed: {"model", "input": string or [string]} -> {"model", "embeddings": [[…]], "prompt_eval_count"}.
    private static string EmbedJson(LoopbackRequest request)
    {
        JsonNode body = JsonNode.Parse(request.Body)!;
        string[] inputs = body["input"] is JsonArray array ? [.. array.Select(i => i!.GetValue<string>())] : [body["input"]!.GetValue<string>()];
        return new JsonObject
        {
            ["model"] = body["model"]?.GetValue<string>(),
            ["embeddings"] = new JsonArray([.. inputs.Select(i => (JsonNode)new JsonArray([.. Vector(i).Select(v => (JsonNode)v)]))]),
            ["total_duration"] = 1_000_000L,
            ["load_duration"] = 100_000L,
            ["prompt_eval_count"] = inputs.Sum(i => i.Length),
        }.ToJsonString();
    }

    private static string TagsJson(IReadOnlyList<string> models)
    {
        var array = new JsonArray();
        foreach (var name in models)
        {
            array.Add(new JsonObject
            {
                ["name"] = name,
                ["model"] = name,
                ["modified_at"] = "2025-01-01T00:00:00Z",
                ["size"] = 2_019_393_189L,
                ["digest"] = "a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72",
                ["details"] = new JsonObject
                {
                    ["parent_model"] = "",
                    ["format"] = "gguf",
                    ["family"] = "llama",
                    ["families"] = new JsonArray("llama"),
                    ["parameter_size"] = "3.2B",
                    ["quantization_level"] = "Q4_K_M",
                },
            });
        }

        return new JsonObject { ["models"] = array }.ToJsonString();
    }
}
