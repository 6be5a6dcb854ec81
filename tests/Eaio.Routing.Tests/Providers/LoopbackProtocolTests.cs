using System.ClientModel;
using System.ClientModel.Primitives;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using NUnit.Framework;
using OllamaSharp;
using OllamaSharp.Models.Exceptions;
using OpenAI;
using OpenAI.Chat;
using ChatFinishReason = Microsoft.Extensions.AI.ChatFinishReason;
using ChatMessage = Microsoft.Extensions.AI.ChatMessage;

namespace Eaio.Routing.Tests;

/// <summary>
/// Drives the real OllamaSharp and OpenAI SDK clients (as <see cref="IChatClient"/>) against the loopback
/// servers, pinning down what each SDK does on the wire and how each fault surfaces to a caller such as the router.
/// </summary>
[TestFixture]
[Parallelizable(ParallelScope.None)]
public sealed class LoopbackProtocolTests : ProtocolTestFixture
{
    private const string Sentence = "The quick brown fox";
    private static readonly TimeSpan s_longDelay = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan s_shortTimeout = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan s_stall = TimeSpan.FromSeconds(1);

    // ---------------------------------------------------------------- Ollama: happy path

    [Test]
    public async Task Ollama_non_streaming_returns_text_usage_and_stop()
    {
        await using var server = await LoopbackOllamaServer.StartAsync();
        server.Enqueue(LoopbackReply.Text(Sentence, promptTokens: 9, completionTokens: 4));

        var response = await Ollama(server).GetResponseAsync(s_messages, null, Ct);

        Assert.Multiple(() =>
        {
            Assert.That(response.Text, Is.EqualTo(Sentence));
            Assert.That(response.FinishReason, Is.EqualTo(ChatFinishReason.Stop));
            Assert.That(response.Usage?.InputTokenCount, Is.EqualTo(9), "prompt_eval_count");
            Assert.That(response.Usage?.OutputTokenCount, Is.EqualTo(4), "eval_count");
            Assert.That(response.Usage?.TotalTokenCount, Is.EqualTo(13));
        });
    }

    [Test]
    public async Task Ollama_streaming_yields_chunks_then_one_terminal_update_with_usage()
    {
        await using var server = await LoopbackOllamaServer.StartAsync();
        server.Enqueue(LoopbackReply.Text(Sentence, promptTokens: 9, completionTokens: 4));

        var (updates, error) = await StreamAsync(Ollama(server), Ct);

        Assert.That(error, Is.Null);
        var response = updates.ToChatResponse();
        Assert.Multiple(() =>
        {
            Assert.That(Texts(updates), Is.EqualTo(new[] { "The qu", "ick br", "own fox", "" }));
            Assert.That(updates.Select(u => u.FinishReason), Is.EqualTo(new ChatFinishReason?[] { null, null, null, ChatFinishReason.Stop }));
            Assert.That(Usages(updates).Select(u => (u.InputTokenCount, u.OutputTokenCount)), Is.EqualTo(new[] { ((long?)9L, (long?)4L) }));
            Assert.That(response.Text, Is.EqualTo(Sentence));
            Assert.That(response.Usage?.InputTokenCount, Is.EqualTo(9));
            Assert.That(response.Usage?.OutputTokenCount, Is.EqualTo(4));
        });
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task Ollama_request_is_POST_api_chat_with_model_and_stream_flag(bool stream)
    {
        await using var server = await LoopbackOllamaServer.StartAsync();

        await CallAsync(Ollama(server, model: "qwen2.5:7b"), stream);

        var request = server.Requests.Single();
        Assert.Multiple(() =>
        {
            Assert.That(server.ChatRequestCount, Is.EqualTo(1));
            Assert.That(request.Method, Is.EqualTo("POST"));
            Assert.That(request.Path, Is.EqualTo("/api/chat"));
            Assert.That(request.Model, Is.EqualTo("qwen2.5:7b"));
            Assert.That(request.Stream, Is.EqualTo(stream));
            Assert.That(JsonNode.Parse(request.Body)?["stream"]?.GetValue<bool>(), Is.EqualTo(stream), "stream is always sent explicitly");
            Assert.That(request.Authorization, Is.Null);
        });
    }

    [Test]
    public async Task Ollama_tags_lists_configured_models()
    {
        await using var server = await LoopbackOllamaServer.StartAsync();
        using var client = new OllamaApiClient(Http(server.BaseUri), "llama3.2:3b");

        var defaults = (await client.ListLocalModelsAsync(Ct)).Select(m => m.Name).ToList();
        server.Models = ["phi4:14b"];
        var changed = (await client.ListLocalModelsAsync(Ct)).Select(m => m.Name).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(defaults, Is.EqualTo(new[] { "llama3.2:3b", "qwen2.5:7b" }));
            Assert.That(changed, Is.EqualTo(new[] { "phi4:14b" }));
            Assert.That(server.Requests.Select(r => (r.Method, r.Path)), Is.All.EqualTo(("GET", "/api/tags")));
            Assert.That(server.ChatRequestCount, Is.Zero);
        });
    }

    // ---------------------------------------------------------------- Ollama: faults

    [TestCase(429, false)]
    [TestCase(429, true)]
    [TestCase(500, false)]
    [TestCase(500, true)]
    [TestCase(404, true)]
    public async Task Ollama_error_status_throws_HttpRequestException_with_status_and_no_retry(int status, bool stream)
    {
        await using var server = await LoopbackOllamaServer.StartAsync();
        server.Enqueue(LoopbackReply.Status(status, "{\"error\":\"model 'x' not found, try pulling it first\"}"));

        var ex = await CatchAsync(() => CallAsync(Ollama(server), stream));

        Assert.That(ex, Is.TypeOf<HttpRequestException>());
        Assert.Multiple(() =>
        {
            Assert.That(((HttpRequestException)ex!).StatusCode, Is.EqualTo((HttpStatusCode)status));
            Assert.That(ex!.Message, Does.Contain($"{status}"), "the body's error text is not surfaced");
            Assert.That(server.ChatRequestCount, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Ollama_400_throws_OllamaException_carrying_the_error_text()
    {
        await using var server = await LoopbackOllamaServer.StartAsync();
        server.Enqueue(LoopbackReply.Status(400, "{\"error\":\"invalid options\"}"));

        var ex = await CatchAsync(() => CallAsync(Ollama(server), stream: false));

        Assert.That(ex, Is.TypeOf<OllamaException>().With.Message.EqualTo("invalid options"));
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task Ollama_caller_cancellation_before_headers_throws_TaskCanceledException(bool stream)
    {
        await using var server = await LoopbackOllamaServer.StartAsync();
        server.Enqueue(LoopbackReply.Delay(s_longDelay, LoopbackReply.Text(Sentence, 1, 1)));
        using var cts = CancelAfter(s_shortTimeout);

        var sw = Stopwatch.StartNew();
        var ex = await CatchAsync(() => CallAsync(Ollama(server), stream, null, cts.Token));

        Assert.Multiple(() =>
        {
            Assert.That(ex, Is.TypeOf<TaskCanceledException>());
            Assert.That(((OperationCanceledException)ex!).CancellationToken, Is.EqualTo(cts.Token));
            Assert.That(sw.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
        });
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task Ollama_HttpClient_timeout_before_headers_throws_TaskCanceledException_with_TimeoutException(bool stream)
    {
        await using var server = await LoopbackOllamaServer.StartAsync();
        server.Enqueue(LoopbackReply.Delay(s_longDelay, LoopbackReply.Text(Sentence, 1, 1)));

        var ex = await CatchAsync(() => CallAsync(Ollama(server, timeout: s_shortTimeout), stream));

        Assert.That(ex, Is.TypeOf<TaskCanceledException>()
            .With.Message.Contains("HttpClient.Timeout")
            .And.InnerException.TypeOf<TimeoutException>());
    }

    [Test]
    public async Task Ollama_HttpClient_timeout_does_not_cover_a_stream_that_stalls_after_headers()
    {
        await using var server = await LoopbackOllamaServer.StartAsync();
        server.Enqueue(LoopbackReply.DelayAfterFirstChunk(s_stall, Sentence, 3, 4));

        var sw = Stopwatch.StartNew();
        var (updates, error) = await StreamAsync(Ollama(server, timeout: s_shortTimeout), Ct);

        Assert.Multiple(() =>
        {
            Assert.That(error, Is.Null, "OllamaSharp streams with ResponseHeadersRead; HttpClient.Timeout stops at the headers");
            Assert.That(updates[^1].FinishReason, Is.EqualTo(ChatFinishReason.Stop));
            Assert.That(sw.Elapsed, Is.GreaterThanOrEqualTo(s_stall - TimeSpan.FromMilliseconds(100)));
        });
    }

    [Test]
    public async Task Ollama_cancellation_during_a_stalled_stream_waits_for_the_next_line_then_ends_silently()
    {
        await using var server = await LoopbackOllamaServer.StartAsync();
        server.Enqueue(LoopbackReply.DelayAfterFirstChunk(s_stall, Sentence, 3, 4));
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var updates = new List<ChatResponseUpdate>();
        var sw = new Stopwatch();

        var ex = await CatchAsync(async () =>
        {
            await foreach (var update in Ollama(server).GetStreamingResponseAsync(s_messages, null, cts.Token))
            {
                updates.Add(update);
                if (updates.Count == 1)
                {
                    cts.CancelAfter(s_shortTimeout); // fires while the client is blocked reading the stalled line
                    sw.Start();
                }
            }
        });

        Assert.Multiple(() =>
        {
            Assert.That(ex, Is.Null, "no OperationCanceledException: the stream simply ends");
            Assert.That(cts.IsCancellationRequested, Is.True);
            Assert.That(Texts(updates), Is.EqualTo(new[] { "The qu", "ick br" }), "the line read after the stall is still yielded");
            Assert.That(updates.Select(u => u.FinishReason), Has.All.Null);
            Assert.That(Usages(updates), Is.Empty);
            Assert.That(sw.Elapsed, Is.GreaterThanOrEqualTo(s_stall - s_shortTimeout - TimeSpan.FromMilliseconds(100)), "the token does not interrupt the pending read");
        });
    }

    [Test]
    public async Task Ollama_cancellation_between_chunks_ends_the_stream_silently()
    {
        await using var server = await LoopbackOllamaServer.StartAsync();
        server.Enqueue(LoopbackReply.Text(Sentence, 3, 4));
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var updates = new List<ChatResponseUpdate>();

        var ex = await CatchAsync(async () =>
        {
            await foreach (var update in Ollama(server).GetStreamingResponseAsync(s_messages, null, cts.Token))
            {
                updates.Add(update);
                await cts.CancelAsync();
            }
        });

        Assert.Multiple(() =>
        {
            Assert.That(ex, Is.Null);
            Assert.That(Texts(updates), Is.EqualTo(new[] { "The qu" }));
            Assert.That(updates[0].FinishReason, Is.Null);
        });
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task Ollama_connection_reset_throws_HttpRequestException_over_IOException(bool stream)
    {
        await using var server = await LoopbackOllamaServer.StartAsync();
        server.Enqueue(LoopbackReply.ResetConnection());

        var ex = await CatchAsync(() => CallAsync(Ollama(server), stream));

        Assert.That(ex, Is.TypeOf<HttpRequestException>().With.InnerException.InstanceOf<IOException>());
        Assert.That(((HttpRequestException)ex!).StatusCode, Is.Null);
    }

    [Test]
    public async Task Ollama_down_server_throws_HttpRequestException_connection_refused()
    {
        var server = await LoopbackOllamaServer.StartAsync();
        var uri = server.BaseUri;
        await server.DisposeAsync();

        var ex = await CatchAsync(() => CallAsync(Ollama(uri), stream: false));

        Assert.That(ex, Is.TypeOf<HttpRequestException>());
        Assert.That(((HttpRequestException)ex!).HttpRequestError, Is.EqualTo(HttpRequestError.ConnectionError));
        Assert.That(ex.InnerException, Is.TypeOf<SocketException>().With.Property(nameof(SocketException.SocketErrorCode)).EqualTo(SocketError.ConnectionRefused));
    }

    [Test]
    public async Task Ollama_stream_ending_before_done_ends_without_FinishReason_or_usage()
    {
        await using var server = await LoopbackOllamaServer.StartAsync();
        server.Enqueue(LoopbackReply.CutStreamBeforeFinal("The quick brown"));

        var (updates, error) = await StreamAsync(Ollama(server), Ct);

        Assert.Multiple(() =>
        {
            Assert.That(error, Is.Null, "OllamaSharp does not notice the missing done:true");
            Assert.That(Texts(updates), Is.EqualTo(new[] { "The q", "uick ", "brown" }));
            Assert.That(updates.Select(u => u.FinishReason), Has.All.Null);
            Assert.That(Usages(updates), Is.Empty);
        });
    }

    [Test]
    public async Task Ollama_stream_aborted_before_done_throws_IOException_after_the_chunks()
    {
        await using var server = await LoopbackOllamaServer.StartAsync();
        server.Enqueue(LoopbackReply.CutStreamBeforeFinal("The quick brown", abort: true));

        var (updates, error) = await StreamAsync(Ollama(server), Ct);

        Assert.Multiple(() =>
        {
            Assert.That(error, Is.TypeOf<IOException>(), "a raw IOException, not HttpRequestException");
            Assert.That(Texts(updates), Is.EqualTo(new[] { "The q", "uick ", "brown" }));
            Assert.That(updates.Select(u => u.FinishReason), Has.All.Null);
        });
    }

    [Test]
    public async Task Ollama_non_streaming_body_aborted_midway_throws_HttpRequestException()
    {
        await using var server = await LoopbackOllamaServer.StartAsync();
        server.Enqueue(LoopbackReply.CutStreamBeforeFinal(Sentence, abort: true));

        var ex = await CatchAsync(() => CallAsync(Ollama(server), stream: false));

        Assert.That(ex, Is.TypeOf<HttpRequestException>().With.InnerException.InstanceOf<IOException>());
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task Ollama_malformed_json_throws_JsonException(bool stream)
    {
        await using var server = await LoopbackOllamaServer.StartAsync();
        server.Enqueue(LoopbackReply.MalformedJson());

        var ex = await CatchAsync(() => CallAsync(Ollama(server), stream));

        Assert.That(ex, Is.TypeOf<JsonException>());
    }

    [Test]
    public async Task Ollama_non_streaming_body_cut_cleanly_throws_JsonException()
    {
        await using var server = await LoopbackOllamaServer.StartAsync();
        server.Enqueue(LoopbackReply.CutStreamBeforeFinal(Sentence));

        var ex = await CatchAsync(() => CallAsync(Ollama(server), stream: false));

        Assert.That(ex, Is.TypeOf<JsonException>());
    }

    [Test]
    public async Task Ollama_error_line_streaming_yields_one_empty_update_and_no_exception()
    {
        await using var server = await LoopbackOllamaServer.StartAsync();
        server.Enqueue(LoopbackReply.ErrorLine("model 'x' not found"));

        var (updates, error) = await StreamAsync(Ollama(server), Ct);

        Assert.Multiple(() =>
        {
            Assert.That(error, Is.Null, "the chat stream does not check for {\"error\":...} lines");
            Assert.That(Texts(updates), Is.EqualTo(new[] { "" }));
            Assert.That(updates[0].FinishReason, Is.Null);
        });
    }

    [Test]
    public async Task Ollama_error_line_non_streaming_throws_InvalidOperationException_no_done()
    {
        await using var server = await LoopbackOllamaServer.StartAsync();
        server.Enqueue(LoopbackReply.ErrorLine("model 'x' not found"));

        var ex = await CatchAsync(() => CallAsync(Ollama(server), stream: false));

        Assert.That(ex, Is.TypeOf<InvalidOperationException>().With.Message.Contains("Done=true"));
    }

    // ---------------------------------------------------------------- OpenAI: happy path

    [Test]
    public async Task OpenAI_non_streaming_returns_text_usage_cached_and_stop()
    {
        await using var server = await LoopbackOpenAIServer.StartAsync();
        server.Enqueue(LoopbackReply.Text(Sentence, promptTokens: 9, completionTokens: 4, cachedTokens: 3));

        var response = await OpenAI(server).GetResponseAsync(s_messages, null, Ct);

        Assert.Multiple(() =>
        {
            Assert.That(response.Text, Is.EqualTo(Sentence));
            Assert.That(response.FinishReason, Is.EqualTo(ChatFinishReason.Stop));
            Assert.That(response.ModelId, Is.EqualTo("gpt-4o-mini"));
            Assert.That(response.Usage?.InputTokenCount, Is.EqualTo(9));
            Assert.That(response.Usage?.OutputTokenCount, Is.EqualTo(4));
            Assert.That(response.Usage?.TotalTokenCount, Is.EqualTo(13));
            Assert.That(response.Usage?.CachedInputTokenCount, Is.EqualTo(3));
        });
    }

    [Test]
    public async Task OpenAI_streaming_yields_chunks_then_finish_and_usage_updates()
    {
        await using var server = await LoopbackOpenAIServer.StartAsync();
        server.Enqueue(LoopbackReply.Text(Sentence, promptTokens: 9, completionTokens: 4, cachedTokens: 3));

        var (updates, error) = await StreamAsync(OpenAI(server), Ct);

        Assert.That(error, Is.Null);
        var response = updates.ToChatResponse();
        Assert.Multiple(() =>
        {
            Assert.That(Texts(updates), Is.EqualTo(new[] { "The qu", "ick br", "own fox", "", "" }));
            // Both the finish_reason chunk and the usage-only chunk surface FinishReason = stop.
            Assert.That(updates.Select(u => u.FinishReason), Is.EqualTo(new ChatFinishReason?[] { null, null, null, ChatFinishReason.Stop, ChatFinishReason.Stop }));
            Assert.That(Usages(updates).Select(u => (u.InputTokenCount, u.OutputTokenCount, u.CachedInputTokenCount)), Is.EqualTo(new[] { ((long?)9L, (long?)4L, (long?)3L) }));
            Assert.That(response.Text, Is.EqualTo(Sentence));
            Assert.That(response.Usage?.InputTokenCount, Is.EqualTo(9));
            Assert.That(response.Usage?.OutputTokenCount, Is.EqualTo(4));
            Assert.That(response.Usage?.CachedInputTokenCount, Is.EqualTo(3));
        });
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task Options_additional_properties_such_as_the_eaio_profile_are_not_sent_by_the_OpenAI_client(bool stream)
    {
        await using var server = await LoopbackOpenAIServer.StartAsync();
        ChatOptions options = new ChatOptions().WithEaio(p => { p.BuildingId = "Panther_office_Hannah"; p.TenantId = "tenant-secret-7"; });
        (options.AdditionalProperties ??= [])["custom_field"] = "custom-value-9";

        await CallAsync(OpenAI(server), stream, options, Ct);

        string body = server.Requests.Single().Body;
        Assert.That(body, Does.Not.Contain("Panther_office_Hannah").And.Not.Contain("tenant-secret-7").And.Not.Contain("custom-value-9"));
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task OpenAI_request_carries_model_bearer_key_and_stream_options(bool stream)
    {
        await using var server = await LoopbackOpenAIServer.StartAsync();

        await CallAsync(OpenAI(server, model: "deepseek-chat"), stream);

        var request = server.Requests.Single();
        var body = JsonNode.Parse(request.Body)!;
        Assert.Multiple(() =>
        {
            Assert.That(server.ChatRequestCount, Is.EqualTo(1));
            Assert.That(request.Method, Is.EqualTo("POST"));
            Assert.That(request.Path, Is.EqualTo("/v1/chat/completions"));
            Assert.That(request.Model, Is.EqualTo("deepseek-chat"));
            Assert.That(request.Stream, Is.EqualTo(stream));
            Assert.That(request.Authorization, Is.EqualTo("Bearer sk-loopback"));
            Assert.That(body["stream_options"]?["include_usage"]?.GetValue<bool>(), Is.EqualTo(stream ? true : null));
        });
    }

    [Test]
    public async Task OpenAI_gemini_style_base_path_is_accepted()
    {
        await using var server = await LoopbackOpenAIServer.StartAsync(basePath: "v1beta/openai/");

        var response = await OpenAI(server, model: "gemini-2.5-flash").GetResponseAsync(s_messages, null, Ct);

        Assert.Multiple(() =>
        {
            Assert.That(server.BaseUri.AbsolutePath, Is.EqualTo("/v1beta/openai/"));
            Assert.That(server.Requests.Single().Path, Is.EqualTo("/v1beta/openai/chat/completions"));
            Assert.That(response.Text, Is.EqualTo("Hello from loopback OpenAI."));
        });
    }

    [Test]
    public async Task Scripted_replies_come_from_queue_then_responder_then_default()
    {
        await using var server = await LoopbackOpenAIServer.StartAsync();
        server.Enqueue(LoopbackReply.RateLimited(TimeSpan.FromSeconds(1)), LoopbackReply.Text("second", 1, 1));
        server.Responder = r => r.Model == "special" ? LoopbackReply.Text("special", 1, 1) : server.DefaultReply;
        server.DefaultReply = LoopbackReply.Text("default", 1, 1);

        var first = await CatchAsync(() => OpenAI(server).GetResponseAsync(s_messages, null, Ct));
        var second = await OpenAI(server).GetResponseAsync(s_messages, null, Ct);
        var third = await OpenAI(server, model: "special").GetResponseAsync(s_messages, null, Ct);
        var fourth = await OpenAI(server).GetResponseAsync(s_messages, null, Ct);

        Assert.Multiple(() =>
        {
            Assert.That(first, Is.TypeOf<ClientResultException>().With.Property(nameof(ClientResultException.Status)).EqualTo(429));
            Assert.That(new[] { second.Text, third.Text, fourth.Text }, Is.EqualTo(new[] { "second", "special", "default" }));
            Assert.That(server.ChatRequestCount, Is.EqualTo(4));
        });
    }

    // ---------------------------------------------------------------- OpenAI: faults

    [TestCase(false)]
    [TestCase(true)]
    public async Task OpenAI_429_throws_ClientResultException_with_status_retry_after_and_no_retry(bool stream)
    {
        await using var server = await LoopbackOpenAIServer.StartAsync();
        server.Enqueue(LoopbackReply.RateLimited(TimeSpan.FromSeconds(2)));

        var ex = await CatchAsync(() => CallAsync(OpenAI(server), stream));

        Assert.That(ex, Is.TypeOf<ClientResultException>());
        var cre = (ClientResultException)ex!;
        Assert.Multiple(() =>
        {
            Assert.That(cre.Status, Is.EqualTo(429));
            Assert.That(cre.Message, Does.StartWith("HTTP 429 (requests: rate_limit_exceeded)").And.Contains("Rate limit reached"));
            Assert.That(cre.GetRawResponse()?.Headers.TryGetValue("Retry-After", out var retryAfter) == true ? retryAfter : null, Is.EqualTo("2"));
            Assert.That(server.ChatRequestCount, Is.EqualTo(1));
        });
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task OpenAI_500_throws_ClientResultException_and_no_retry(bool stream)
    {
        await using var server = await LoopbackOpenAIServer.StartAsync();
        server.Enqueue(LoopbackReply.Status(500));

        var ex = await CatchAsync(() => CallAsync(OpenAI(server), stream));

        Assert.That(ex, Is.TypeOf<ClientResultException>()
            .With.Property(nameof(ClientResultException.Status)).EqualTo(500)
            .And.Message.StartsWith("HTTP 500 (server_error: )"));
        Assert.That(server.ChatRequestCount, Is.EqualTo(1));
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task OpenAI_caller_cancellation_before_headers_throws_TaskCanceledException(bool stream)
    {
        await using var server = await LoopbackOpenAIServer.StartAsync();
        server.Enqueue(LoopbackReply.Delay(s_longDelay, LoopbackReply.Text(Sentence, 1, 1)));
        using var cts = CancelAfter(s_shortTimeout);

        var sw = Stopwatch.StartNew();
        var ex = await CatchAsync(() => CallAsync(OpenAI(server), stream, null, cts.Token));

        Assert.Multiple(() =>
        {
            Assert.That(ex, Is.TypeOf<TaskCanceledException>());
            Assert.That(((OperationCanceledException)ex!).CancellationToken, Is.EqualTo(cts.Token));
            Assert.That(sw.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
            Assert.That(server.ChatRequestCount, Is.EqualTo(1));
        });
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task OpenAI_network_timeout_before_headers_throws_TaskCanceledException(bool stream)
    {
        await using var server = await LoopbackOpenAIServer.StartAsync();
        server.Enqueue(LoopbackReply.Delay(s_longDelay, LoopbackReply.Text(Sentence, 1, 1)));

        var ex = await CatchAsync(() => CallAsync(OpenAI(server, networkTimeout: s_shortTimeout), stream));

        Assert.That(ex, Is.TypeOf<TaskCanceledException>().With.Message.Contains("exceeded the configured timeout"));
        Assert.That(server.ChatRequestCount, Is.EqualTo(1));
    }

    [Test]
    public async Task OpenAI_network_timeout_also_covers_a_stream_that_stalls_after_the_first_chunk()
    {
        await using var server = await LoopbackOpenAIServer.StartAsync();
        server.Enqueue(LoopbackReply.DelayAfterFirstChunk(s_stall, Sentence, 3, 4));

        var (updates, error) = await StreamAsync(OpenAI(server, networkTimeout: s_shortTimeout), Ct);

        Assert.Multiple(() =>
        {
            Assert.That(error, Is.TypeOf<TaskCanceledException>().With.Message.Contains("exceeded the configured timeout"));
            Assert.That(Texts(updates), Is.EqualTo(new[] { "The qu" }));
        });
    }

    [Test]
    public async Task OpenAI_cancellation_during_a_stalled_stream_throws_promptly()
    {
        await using var server = await LoopbackOpenAIServer.StartAsync();
        server.Enqueue(LoopbackReply.DelayAfterFirstChunk(s_longDelay, Sentence, 3, 4));
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var updates = new List<ChatResponseUpdate>();
        var sw = new Stopwatch();

        var ex = await CatchAsync(async () =>
        {
            await foreach (var update in OpenAI(server).GetStreamingResponseAsync(s_messages, null, cts.Token))
            {
                updates.Add(update);
                cts.CancelAfter(s_shortTimeout);
                sw.Start();
            }
        });

        Assert.Multiple(() =>
        {
            Assert.That(ex, Is.InstanceOf<OperationCanceledException>());
            Assert.That(Texts(updates), Is.EqualTo(new[] { "The qu" }));
            Assert.That(sw.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
        });
    }

    [Test]
    public async Task OpenAI_cancellation_between_chunks_throws_OperationCanceledException()
    {
        await using var server = await LoopbackOpenAIServer.StartAsync();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var updates = new List<ChatResponseUpdate>();

        var ex = await CatchAsync(async () =>
        {
            await foreach (var update in OpenAI(server).GetStreamingResponseAsync(s_messages, null, cts.Token))
            {
                updates.Add(update);
                await cts.CancelAsync();
            }
        });

        Assert.That(ex, Is.TypeOf<OperationCanceledException>());
        Assert.That(updates, Has.Count.EqualTo(1));
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task OpenAI_connection_reset_throws_ClientResultException_status_0_over_HttpRequestException(bool stream)
    {
        await using var server = await LoopbackOpenAIServer.StartAsync();
        server.Enqueue(LoopbackReply.ResetConnection());

        var ex = await CatchAsync(() => CallAsync(OpenAI(server), stream));

        Assert.That(ex, Is.TypeOf<ClientResultException>().With.Property(nameof(ClientResultException.Status)).EqualTo(0));
        Assert.Multiple(() =>
        {
            Assert.That(ex!.InnerException, Is.TypeOf<HttpRequestException>());
            Assert.That(ex.InnerException?.InnerException, Is.InstanceOf<IOException>());
            Assert.That(server.ChatRequestCount, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task OpenAI_down_server_throws_ClientResultException_status_0_connection_refused()
    {
        var server = await LoopbackOpenAIServer.StartAsync();
        var uri = server.BaseUri;
        await server.DisposeAsync();

        var ex = await CatchAsync(() => CallAsync(OpenAI(uri, "gpt-4o-mini"), stream: false));

        Assert.That(ex, Is.TypeOf<ClientResultException>().With.Property(nameof(ClientResultException.Status)).EqualTo(0));
        Assert.Multiple(() =>
        {
            Assert.That(ex!.Message, Does.StartWith("Connection refused"));
            Assert.That(ex.InnerException, Is.TypeOf<HttpRequestException>());
            Assert.That(ex.InnerException?.InnerException, Is.TypeOf<SocketException>());
        });
    }

    [Test]
    public async Task OpenAI_stream_ending_before_finish_ends_without_FinishReason_or_usage()
    {
        await using var server = await LoopbackOpenAIServer.StartAsync();
        server.Enqueue(LoopbackReply.CutStreamBeforeFinal("The quick brown"));

        var (updates, error) = await StreamAsync(OpenAI(server), Ct);

        Assert.Multiple(() =>
        {
            Assert.That(error, Is.Null, "the SDK does not require [DONE]");
            Assert.That(Texts(updates), Is.EqualTo(new[] { "The q", "uick ", "brown" }));
            Assert.That(updates.Select(u => u.FinishReason), Has.All.Null);
            Assert.That(Usages(updates), Is.Empty);
        });
    }

    [Test]
    public async Task OpenAI_stream_aborted_before_finish_throws_raw_IOException_after_the_chunks()
    {
        await using var server = await LoopbackOpenAIServer.StartAsync();
        server.Enqueue(LoopbackReply.CutStreamBeforeFinal("The quick brown", abort: true));

        var (updates, error) = await StreamAsync(OpenAI(server), Ct);

        Assert.Multiple(() =>
        {
            Assert.That(error, Is.TypeOf<IOException>(), "not wrapped in ClientResultException");
            Assert.That(Texts(updates), Is.EqualTo(new[] { "The q", "uick ", "brown" }));
            Assert.That(updates.Select(u => u.FinishReason), Has.All.Null);
        });
    }

    [Test]
    public async Task OpenAI_non_streaming_body_aborted_midway_throws_raw_IOException()
    {
        await using var server = await LoopbackOpenAIServer.StartAsync();
        server.Enqueue(LoopbackReply.CutStreamBeforeFinal(Sentence, abort: true));

        var ex = await CatchAsync(() => CallAsync(OpenAI(server), stream: false));

        Assert.That(ex, Is.TypeOf<IOException>());
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task OpenAI_malformed_json_throws_JsonException(bool stream)
    {
        await using var server = await LoopbackOpenAIServer.StartAsync();
        server.Enqueue(LoopbackReply.MalformedJson());

        var ex = await CatchAsync(() => CallAsync(OpenAI(server), stream));

        // The concrete type is the internal System.Text.Json.JsonReaderException.
        Assert.That(ex, Is.InstanceOf<JsonException>().And.Not.TypeOf<JsonException>());
    }

    [Test]
    public async Task OpenAI_non_streaming_body_cut_cleanly_throws_JsonException()
    {
        await using var server = await LoopbackOpenAIServer.StartAsync();
        server.Enqueue(LoopbackReply.CutStreamBeforeFinal(Sentence));

        var ex = await CatchAsync(() => CallAsync(OpenAI(server), stream: false));

        Assert.That(ex, Is.InstanceOf<JsonException>());
    }

    [Test]
    public async Task OpenAI_error_event_in_stream_yields_one_empty_update_and_no_exception()
    {
        await using var server = await LoopbackOpenAIServer.StartAsync();
        server.Enqueue(LoopbackReply.ErrorLine("upstream overloaded"));

        var (updates, error) = await StreamAsync(OpenAI(server), Ct);

        Assert.Multiple(() =>
        {
            Assert.That(error, Is.Null);
            Assert.That(Texts(updates), Is.EqualTo(new[] { "" }));
            Assert.That(updates[0].FinishReason, Is.Null);
        });
    }

    [Test]
    public async Task OpenAI_error_json_with_status_200_throws_ArgumentOutOfRangeException()
    {
        await using var server = await LoopbackOpenAIServer.StartAsync();
        server.Enqueue(LoopbackReply.ErrorLine("upstream overloaded"));

        var ex = await CatchAsync(() => CallAsync(OpenAI(server), stream: false));

        Assert.That(ex, Is.TypeOf<ArgumentOutOfRangeException>(), "the adapter indexes choices[0] of an empty list");
    }

    [Test]
    public async Task OpenAI_gemini_cumulative_usage_is_double_counted_by_ToChatResponse()
    {
        await using var server = await LoopbackOpenAIServer.StartAsync(basePath: "v1beta/openai/");
        server.Enqueue(LoopbackReply.CumulativeUsageChunks(Sentence, promptTokens: 9, completionTokens: 2));

        var (updates, error) = await StreamAsync(OpenAI(server, model: "gemini-2.5-flash"), Ct);

        Assert.That(error, Is.Null);
        var usages = Usages(updates).Select(u => (u.InputTokenCount, u.OutputTokenCount, u.TotalTokenCount)).ToList();
        var summed = updates.ToChatResponse().Usage;
        Assert.Multiple(() =>
        {
            Assert.That(Texts(updates), Is.EqualTo(new[] { "The qu", "ick br", "own fox" }));
            Assert.That(updates.Select(u => u.FinishReason), Is.EqualTo(new ChatFinishReason?[] { null, null, ChatFinishReason.Stop }));
            Assert.That(usages, Is.EqualTo(new (long?, long?, long?)[] { (9, 1, 10), (9, 1, 10), (9, 2, 11) }), "one cumulative UsageContent per chunk");
            Assert.That(summed?.InputTokenCount, Is.EqualTo(27), "9 + 9 + 9: summed, not the true 9");
            Assert.That(summed?.OutputTokenCount, Is.EqualTo(4), "1 + 1 + 2: summed, not the true 2");
            Assert.That(summed?.TotalTokenCount, Is.EqualTo(31));
        });
    }

    // ---------------------------------------------------------------- helpers

    private IChatClient Ollama(LoopbackOllamaServer server, string model = "llama3.2:3b", TimeSpan? timeout = null) =>
        Ollama(server.BaseUri, model, timeout);

    private IChatClient Ollama(Uri baseUri, string model = "llama3.2:3b", TimeSpan? timeout = null)
    {
        // The IChatClient view is the point: OllamaApiClient implements it explicitly.
        IChatClient client = new OllamaApiClient(Http(baseUri, timeout), model);
        Track(client);
        return client;
    }

    private HttpClient Http(Uri baseUri, TimeSpan? timeout = null)
    {
        var http = new HttpClient { BaseAddress = baseUri, Timeout = timeout ?? TimeSpan.FromSeconds(15) };
        Track(http);
        return http;
    }

    private IChatClient OpenAI(LoopbackOpenAIServer server, string model = "gpt-4o-mini", TimeSpan? networkTimeout = null) =>
        OpenAI(server.BaseUri, model, networkTimeout);

    private IChatClient OpenAI(Uri baseUri, string model, TimeSpan? networkTimeout = null)
    {
        var options = new OpenAIClientOptions
        {
            Endpoint = baseUri,
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = networkTimeout ?? TimeSpan.FromSeconds(15),
        };
        var client = new ChatClient(model, new ApiKeyCredential("sk-loopback"), options).AsIChatClient();
        Track(client);
        return client;
    }

    private CancellationTokenSource CancelAfter(TimeSpan delay)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cts.CancelAfter(delay);
        return cts;
    }
}
