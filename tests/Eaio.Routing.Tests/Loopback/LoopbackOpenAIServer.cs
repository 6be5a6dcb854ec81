using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using OpenAI;

namespace Eaio.Routing.Tests;

/// <summary>
/// An in-process HTTP server speaking the OpenAI Chat Completions protocol: <c>POST …/chat/completions</c>
/// (any prefix, so <c>/v1/</c>, <c>/v1beta/openai/</c>, … all work), JSON or SSE depending on <c>stream</c>.
/// Point the OpenAI SDK's <c>OpenAIClientOptions.Endpoint</c> at <see cref="BaseUri"/>.
/// </summary>
public sealed class LoopbackOpenAIServer : LoopbackServer
{
    private const long Created = 1_735_689_600;

    private readonly string _basePath;
    private int _completionId;

    private LoopbackOpenAIServer(LoopbackHost host, string basePath)
        : base(host)
    {
        _basePath = basePath;
    }

    /// <summary>The model id the answers report, as OpenAI reports a dated snapshot (<c>gpt-4o-mini-2024-07-18</c>); the request's model when null.</summary>
    public string? ReportedModel { get; set; }

    /// <summary>The API base, e.g. <c>http://127.0.0.1:PORT/v1/</c>; the SDK appends <c>chat/completions</c>.</summary>
    public override Uri BaseUri => new(Host.Root, _basePath);

    /// <param name="basePath">Path of <see cref="BaseUri"/>, e.g. <c>v1/</c> or <c>v1beta/openai/</c>.</param>
    /// <param name="defaultReply">Reply when nothing is scripted.</param>
    public static async Task<LoopbackOpenAIServer> StartAsync(string basePath = "v1/", LoopbackReply? defaultReply = null)
    {
        ArgumentNullException.ThrowIfNull(basePath);
        LoopbackOpenAIServer? server = null;
        var host = await LoopbackHost.StartAsync(
            defaultReply ?? LoopbackReply.Text("Hello from loopback OpenAI.", 11, 6),
            (h, context, ct) => server!.HandleAsync(context, ct));
        server = new LoopbackOpenAIServer(host, basePath.Trim('/') + "/");
        return server;
    }

    /// <summary>The real OpenAI SDK client pointed at this server, as an <see cref="IChatClient"/>, with the SDK's retries off.</summary>
    /// <param name="model">The model the client names.</param>
    public IChatClient CreateSdkChatClient(string model = "gpt-test") =>
        new OpenAI.Chat.ChatClient(model, new ApiKeyCredential("k"), new OpenAIClientOptions { Endpoint = BaseUri, RetryPolicy = new ClientRetryPolicy(0) })
            .AsIChatClient();

    private async Task HandleAsync(HttpContext context, CancellationToken ct)
    {
        var isChat = HttpMethods.IsPost(context.Request.Method)
            && (context.Request.Path.Value ?? "").EndsWith("/chat/completions", StringComparison.Ordinal);
        var request = await Host.RecordAsync(context, isChat, defaultStream: false, ct);
        if (HttpMethods.IsPost(context.Request.Method) && (context.Request.Path.Value ?? "").EndsWith("/embeddings", StringComparison.Ordinal))
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(EmbeddingsJson(request), ct);
            return;
        }

        if (!isChat)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(ErrorJson("Unknown path.", "invalid_request_error", "unknown_url"), ct);
            return;
        }

        var reply = await LoopbackHost.HandleCommonAsync(context, Host.NextReply(request), DefaultErrorBody, ct);
        if (reply is null)
        {
            return;
        }

        var id = "chatcmpl-loopback-" + Interlocked.Increment(ref _completionId);
        var model = ReportedModel ?? request.Model ?? "unknown";
        var includeUsage = IncludeUsage(request.Body);
        var logprobs = AskedLogprobs(request.Body);
        context.Response.ContentType = request.Stream ? "text/event-stream" : "application/json";
        switch (reply.Kind)
        {
            case LoopbackReply.ReplyKind.Text or LoopbackReply.ReplyKind.ErrorLine when !request.Stream:
                await context.Response.WriteAsync(
                    reply.Kind == LoopbackReply.ReplyKind.Text ? Completion(id, model, reply, logprobs) : ErrorJson(reply.Body!, "server_error", null), ct);
                break;
            case LoopbackReply.ReplyKind.Text:
                await StreamTextAsync(context, id, model, reply, includeUsage, logprobs, ct);
                break;
            case LoopbackReply.ReplyKind.ToolCall when !request.Stream:
                await context.Response.WriteAsync(ToolCallCompletion(id, model, reply), ct);
                break;
            case LoopbackReply.ReplyKind.ToolCall:
                for (var i = 0; i < reply.Calls.Count; i++)
                {
                    var (name, arguments) = reply.Calls[i];
                    var opening = new JsonObject
                    {
                        ["index"] = i,
                        ["id"] = CallId(id, i),
                        ["type"] = "function",
                        ["function"] = new JsonObject { ["name"] = name, ["arguments"] = "" },
                    };
                    var delta = new JsonObject { ["tool_calls"] = new JsonArray(opening) };
                    if (i == 0)
                    {
                        delta["role"] = "assistant";
                        delta["content"] = null;
                    }

                    await LoopbackHost.WriteFlushedAsync(context, Sse(ChunkEnvelope(id, model, new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = null })).ToJsonString()), ct);
                    foreach (var fragment in LoopbackReply.Split(arguments))
                    {
                        var more = new JsonObject { ["tool_calls"] = new JsonArray(new JsonObject { ["index"] = i, ["function"] = new JsonObject { ["arguments"] = fragment } }) };
                        await LoopbackHost.WriteFlushedAsync(context, Sse(ChunkEnvelope(id, model, new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = more, ["finish_reason"] = null })).ToJsonString()), ct);
                    }
                }

                await LoopbackHost.WriteFlushedAsync(context, Sse(Chunk(id, model, false, null, "tool_calls", null)), ct);
                if (includeUsage)
                {
                    var usageChunk = ChunkEnvelope(id, model, new JsonArray());
                    usageChunk["usage"] = Usage(reply.PromptTokens, reply.CompletionTokens, null);
                    await LoopbackHost.WriteFlushedAsync(context, Sse(usageChunk.ToJsonString()), ct);
                }

                await LoopbackHost.WriteFlushedAsync(context, "data: [DONE]\n\n", ct);
                break;
            case LoopbackReply.ReplyKind.CutStream when !request.Stream:
                var json = Completion(id, model, reply, logprobs);
                await LoopbackHost.WriteFlushedAsync(context, json[..(json.Length / 2)], ct);
                await LoopbackHost.EndCutAsync(context, reply.Abort, ct);
                break;
            case LoopbackReply.ReplyKind.CutStream:
                var pieces = LoopbackReply.Split(reply.Content);
                for (var i = 0; i < pieces.Count; i++)
                {
                    await LoopbackHost.WriteFlushedAsync(context, Sse(Chunk(id, model, i == 0, pieces[i], null, null)), ct);
                }

                await LoopbackHost.EndCutAsync(context, reply.Abort, ct);
                break;
            case LoopbackReply.ReplyKind.MalformedJson:
                await context.Response.WriteAsync(request.Stream ? Sse(LoopbackReply.MalformedText) : LoopbackReply.MalformedText, ct);
                break;
            case LoopbackReply.ReplyKind.ErrorLine:
                await context.Response.WriteAsync(Sse(ErrorJson(reply.Body!, "server_error", null)), ct);
                break;
            default:
                throw new InvalidOperationException($"Unhandled reply kind {reply.Kind}.");
        }
    }

    private static async Task StreamTextAsync(HttpContext context, string id, string model, LoopbackReply reply, bool includeUsage, int? logprobs, CancellationToken ct)
    {
        var pieces = reply.StreamPieces ?? LoopbackReply.Split(reply.Content);
        for (var i = 0; i < pieces.Count; i++)
        {
            var last = i == pieces.Count - 1;
            JsonObject? usage = null;
            if (reply.CumulativeUsage)
            {
                // Gemini: every chunk carries the usage so far; the last one carries the totals and finish_reason.
                var completion = last ? reply.CompletionTokens : Math.Max(1, reply.CompletionTokens * (i + 1) / pieces.Count);
                usage = Usage(reply.PromptTokens, completion, null);
            }

            var finish = reply.CumulativeUsage && last ? "stop" : null;
            var chunk = JsonNode.Parse(Chunk(id, model, i == 0, pieces[i], finish, usage))!;
            if (logprobs is { } top)
            {
                chunk["choices"]![0]!["logprobs"] = Logprobs([pieces[i]], i, top);
            }

            await LoopbackHost.WriteFlushedAsync(context, Sse(chunk.ToJsonString()), ct);
            if (i == 0 && reply.FirstChunkDelay > TimeSpan.Zero)
            {
                await Task.Delay(reply.FirstChunkDelay, ct);
            }
        }

        if (!reply.CumulativeUsage)
        {
            await LoopbackHost.WriteFlushedAsync(context, Sse(Chunk(id, model, false, null, "stop", null)), ct);
            if (includeUsage && !reply.OmitUsage)
            {
                var usageChunk = ChunkEnvelope(id, model, new JsonArray());
                usageChunk["usage"] = Usage(reply);
                await LoopbackHost.WriteFlushedAsync(context, Sse(usageChunk.ToJsonString()), ct);
            }
        }

        await LoopbackHost.WriteFlushedAsync(context, "data: [DONE]\n\n", ct);
    }

    /// <summary>The vector this server gives a text: <c>[length, 1, 0.5]</c>, so a test can tell it from the Ollama stand-in's.</summary>
    public static float[] Vector(string text) => [text.Length, 1f, 0.5f];

    /// <summary>Input tokens this server reports for an embeddings request: one per word.</summary>
    public static int EmbeddingTokens(IEnumerable<string> inputs) => inputs.Sum(i => i.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);

    // POST …/embeddings: OpenAI's list of embeddings, as floats or (encoding_format base64, the SDKs' default) float32 bytes.
    private static string EmbeddingsJson(LoopbackRequest request)
    {
        JsonNode body = JsonNode.Parse(request.Body)!;
        string[] inputs = body["input"] is JsonArray array ? [.. array.Select(i => i!.GetValue<string>())] : [body["input"]!.GetValue<string>()];
        bool base64 = body["encoding_format"]?.GetValue<string>() == "base64";
        JsonArray data = new([.. inputs.Select((input, i) =>
        {
            float[] vector = Vector(input);
            return (JsonNode)new JsonObject
            {
                ["object"] = "embedding",
                ["index"] = i,
                ["embedding"] = base64 ? Convert.ToBase64String(System.Runtime.InteropServices.MemoryMarshal.AsBytes(vector.AsSpan())) : new JsonArray([.. vector.Select(v => (JsonNode)v)]),
            };
        })]);
        int tokens = EmbeddingTokens(inputs);
        return new JsonObject
        {
            ["object"] = "list",
            ["data"] = data,
            ["model"] = body["model"]?.GetValue<string>(),
            ["usage"] = new JsonObject { ["prompt_tokens"] = tokens, ["total_tokens"] = tokens },
        }.ToJsonString();
    }

    /// <summary>The log-probability this server gives the token at <paramref name="position"/> of an answer: -0.25 per position, so a test can tell each token's.</summary>
    public static float TokenLogprob(int position) => -0.25f * (position + 1);

    // OpenAI's logprobs object: each piece is one token, with `top` alternatives ("alt1"…) less likely than it.
    private static JsonObject Logprobs(IReadOnlyList<string> tokens, int firstPosition, int top) => new()
    {
        ["content"] = new JsonArray([.. tokens.Select((token, i) => (JsonNode)new JsonObject
        {
            ["token"] = token,
            ["logprob"] = TokenLogprob(firstPosition + i),
            ["bytes"] = new JsonArray([.. System.Text.Encoding.UTF8.GetBytes(token).Select(b => (JsonNode)(int)b)]),
            ["top_logprobs"] = new JsonArray([.. Enumerable.Range(1, top).Select(k => (JsonNode)new JsonObject
            {
                ["token"] = "alt" + k,
                ["logprob"] = TokenLogprob(firstPosition + i) - k,
                ["bytes"] = new JsonArray([.. System.Text.Encoding.UTF8.GetBytes("alt" + k).Select(b => (JsonNode)(int)b)]),
            })]),
        })]),
        ["refusal"] = null,
    };

    // The request's logprobs: null when not asked, else how many alternatives (top_logprobs, 0 when absent).
    private static int? AskedLogprobs(string body)
    {
        try
        {
            JsonNode? root = JsonNode.Parse(body);
            return root?["logprobs"]?.GetValue<bool>() == true ? root["top_logprobs"]?.GetValue<int>() ?? 0 : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static bool IncludeUsage(string body)
    {
        try
        {
            return JsonNode.Parse(body)?["stream_options"]?["include_usage"]?.GetValue<bool>() == true;
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static string Sse(string data) => "data: " + data + "\n\n";

    private static string DefaultErrorBody(int status) => status switch
    {
        429 => ErrorJson("Rate limit reached for requests. Please try again later.", "requests", "rate_limit_exceeded"),
        401 => ErrorJson("Incorrect API key provided.", "invalid_request_error", "invalid_api_key"),
        >= 500 => ErrorJson("The server had an error while processing your request.", "server_error", null),
        _ => ErrorJson($"Loopback status {status}.", "invalid_request_error", null),
    };

    private static string ErrorJson(string message, string type, string? code) => new JsonObject
    {
        ["error"] = new JsonObject { ["message"] = message, ["type"] = type, ["param"] = null, ["code"] = code },
    }.ToJsonString();

    private static JsonObject Usage(LoopbackReply reply)
    {
        if (!reply.DeepSeekCacheFields)
        {
            return Usage(reply.PromptTokens, reply.CompletionTokens, reply.CachedTokens);
        }

        // DeepSeek's shape (api-docs.deepseek.com): hits and misses add up to prompt_tokens; no prompt_tokens_details.
        JsonObject usage = Usage(reply.PromptTokens, reply.CompletionTokens, null);
        usage["prompt_cache_hit_tokens"] = reply.CachedTokens;
        usage["prompt_cache_miss_tokens"] = reply.PromptTokens - reply.CachedTokens;
        return usage;
    }

    private static JsonObject Usage(int prompt, int completion, int? cached)
    {
        var usage = new JsonObject
        {
            ["prompt_tokens"] = prompt,
            ["completion_tokens"] = completion,
            ["total_tokens"] = prompt + completion,
        };
        if (cached is { } c)
        {
            usage["prompt_tokens_details"] = new JsonObject { ["cached_tokens"] = c };
            usage["completion_tokens_details"] = new JsonObject { ["reasoning_tokens"] = 0 };
        }

        return usage;
    }

    private static JsonObject ChunkEnvelope(string id, string model, JsonArray choices) => new()
    {
        ["id"] = id,
        ["object"] = "chat.completion.chunk",
        ["created"] = Created,
        ["model"] = model,
        ["choices"] = choices,
    };

    private static string Chunk(string id, string model, bool first, string? content, string? finishReason, JsonObject? usage)
    {
        var delta = new JsonObject();
        if (first)
        {
            delta["role"] = "assistant";
        }

        if (content is not null)
        {
            delta["content"] = content;
        }

        var chunk = ChunkEnvelope(id, model, new JsonArray(new JsonObject
        {
            ["index"] = 0,
            ["delta"] = delta,
            ["finish_reason"] = finishReason,
        }));
        if (usage is not null)
        {
            chunk["usage"] = usage;
        }

        return chunk.ToJsonString();
    }

    private static JsonArray ToolCallsJson(LoopbackReply reply, string id) =>
        new([.. reply.Calls.Select((call, i) => (JsonNode)new JsonObject
        {
            ["id"] = CallId(id, i),
            ["type"] = "function",
            ["function"] = new JsonObject { ["name"] = call.Name, ["arguments"] = call.Arguments },
        })]);

    // The first call keeps the id this server always gave ("call-<completion id>"), which other tests rely on.
    private static string CallId(string id, int index) => index == 0 ? "call-" + id : $"call-{id}-{index}";

    private static string ToolCallCompletion(string id, string model, LoopbackReply reply) => new JsonObject
    {
        ["id"] = id,
        ["object"] = "chat.completion",
        ["created"] = Created,
        ["model"] = model,
        ["choices"] = new JsonArray(new JsonObject
        {
            ["index"] = 0,
            ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = null, ["refusal"] = null, ["tool_calls"] = ToolCallsJson(reply, id) },
            ["logprobs"] = null,
            ["finish_reason"] = "tool_calls",
        }),
        ["usage"] = Usage(reply.PromptTokens, reply.CompletionTokens, null),
    }.ToJsonString();

    private static string Completion(string id, string model, LoopbackReply reply, int? logprobs)
    {
        JsonObject completion = new()
        {
            ["id"] = id,
            ["object"] = "chat.completion",
            ["created"] = Created,
            ["model"] = model,
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = reply.Content, ["refusal"] = null },
                ["logprobs"] = logprobs is { } top ? Logprobs(LoopbackReply.Split(reply.Content), 0, top) : null,
                ["finish_reason"] = "stop",
            }),
        };
        if (!reply.OmitUsage)
        {
            completion["usage"] = Usage(reply);
        }

        return completion.ToJsonString();
    }
}
