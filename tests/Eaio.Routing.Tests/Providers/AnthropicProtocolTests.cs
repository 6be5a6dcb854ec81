using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Anthropic;
using Anthropic.Exceptions;
using Microsoft.Extensions.AI;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>
/// Drives the official Anthropic SDK client (<c>AnthropicClient.AsIChatClient</c>, configured as
/// <see cref="AnthropicChatClientFactory.Create"/> configures it: retries off, caller's <see cref="HttpClient"/>)
/// against <see cref="LoopbackAnthropicServer"/>, pinning down what it sends and how each fault surfaces.
/// </summary>
[TestFixture]
[Parallelizable(ParallelScope.None)]
public sealed class AnthropicProtocolTests : ProtocolTestFixture
{
    private const string Sentence = "The quick brown fox";
    private const string Haiku = "claude-3-haiku-20240307";
    private static readonly TimeSpan s_longDelay = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan s_shortTimeout = TimeSpan.FromMilliseconds(250);

    // ---------------------------------------------------------------- happy path

    [Test]
    public async Task Non_streaming_returns_text_usage_and_stop()
    {
        await using var server = await LoopbackAnthropicServer.StartAsync();
        server.Enqueue(LoopbackReply.Text(Sentence, promptTokens: 9, completionTokens: 4));

        var response = await Claude(server).GetResponseAsync(s_messages, null, Ct);

        Assert.Multiple(() =>
        {
            Assert.That(response.Text, Is.EqualTo(Sentence));
            Assert.That(response.FinishReason, Is.EqualTo(ChatFinishReason.Stop), "end_turn");
            Assert.That(response.ModelId, Is.EqualTo(Haiku));
            Assert.That(response.Usage?.InputTokenCount, Is.EqualTo(9), "input_tokens");
            Assert.That(response.Usage?.OutputTokenCount, Is.EqualTo(4), "output_tokens");
            Assert.That(response.Usage?.TotalTokenCount, Is.EqualTo(13));
        });
    }

    [Test]
    public async Task Streaming_yields_empty_leading_updates_text_deltas_then_stop_and_one_usage_at_the_end()
    {
        await using var server = await LoopbackAnthropicServer.StartAsync();
        server.Enqueue(LoopbackReply.Text(Sentence, promptTokens: 9, completionTokens: 4));

        var (updates, error) = await StreamAsync(Claude(server), Ct);

        Assert.That(error, Is.Null);
        var response = updates.ToChatResponse();
        Assert.Multiple(() =>
        {
            // message_start, content_block_start, 3 × text_delta (ping yields nothing), content_block_stop,
            // message_delta, message_stop, and a final update with the usage.
            Assert.That(Texts(updates), Is.EqualTo(new[] { "", "", "The qu", "ick br", "own fox", "", "", "", "" }));
            Assert.That(updates.Select(u => u.FinishReason), Is.EqualTo(new ChatFinishReason?[]
            {
                null, null, null, null, null, null, ChatFinishReason.Stop, ChatFinishReason.Stop, ChatFinishReason.Stop,
            }));
            Assert.That(Usages(updates).Select(u => (u.InputTokenCount, u.OutputTokenCount)), Is.EqualTo(new[] { ((long?)9L, (long?)4L) }),
                "input from message_start, output from message_delta, reported once");
            Assert.That(updates[^1].Contents.Single(), Is.TypeOf<UsageContent>());
            Assert.That(response.Text, Is.EqualTo(Sentence));
            Assert.That(response.FinishReason, Is.EqualTo(ChatFinishReason.Stop));
            Assert.That(response.Usage?.InputTokenCount, Is.EqualTo(9));
            Assert.That(response.Usage?.OutputTokenCount, Is.EqualTo(4));
            Assert.That(response.Usage?.TotalTokenCount, Is.EqualTo(13));
        });
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task Cache_reads_are_added_to_the_input_tokens_and_reported_as_cached(bool stream)
    {
        await using var server = await LoopbackAnthropicServer.StartAsync();
        server.Enqueue(LoopbackReply.Text(Sentence, promptTokens: 9, completionTokens: 4, cachedTokens: 2));

        var usage = stream
            ? (await Claude(server).GetStreamingResponseAsync(s_messages, null, Ct).ToChatResponseAsync(Ct)).Usage
            : (await Claude(server).GetResponseAsync(s_messages, null, Ct)).Usage;

        Assert.Multiple(() =>
        {
            Assert.That(usage?.InputTokenCount, Is.EqualTo(11), "input_tokens 9 + cache_read_input_tokens 2");
            Assert.That(usage?.CachedInputTokenCount, Is.EqualTo(2));
            Assert.That(usage?.OutputTokenCount, Is.EqualTo(4));
            Assert.That(usage?.TotalTokenCount, Is.EqualTo(15));
        });
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task Options_additional_properties_such_as_the_eaio_profile_are_not_sent(bool stream)
    {
        await using var server = await LoopbackAnthropicServer.StartAsync();
        ChatOptions options = new ChatOptions { MaxOutputTokens = 77 }.WithEaio(p => { p.BuildingId = "Panther_office_Hannah"; p.TenantId = "tenant-secret-7"; });
        (options.AdditionalProperties ??= [])["custom_field"] = "custom-value-9";

        await CallAsync(Claude(server), stream, options, Ct);

        string body = server.Requests.Single().Body;
        Assert.That(body, Does.Not.Contain("Panther_office_Hannah").And.Not.Contain("tenant-secret-7").And.Not.Contain("custom-value-9"));
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task Request_is_POST_v1_messages_with_model_max_tokens_stream_flag_and_the_key_as_bearer(bool stream)
    {
        await using var server = await LoopbackAnthropicServer.StartAsync();

        await CallAsync(Claude(server, model: "claude-3-5-sonnet-latest"), stream, new ChatOptions { MaxOutputTokens = 77 }, Ct);

        var request = server.Requests.Single();
        using var body = JsonDocument.Parse(request.Body);
        Assert.Multiple(() =>
        {
            Assert.That(request.Method, Is.EqualTo("POST"));
            Assert.That(request.Path, Is.EqualTo("/v1/messages"), "BaseUrl (trailing slash trimmed) + /v1/messages");
            Assert.That(request.Model, Is.EqualTo("claude-3-5-sonnet-latest"));
            Assert.That(request.Stream, Is.EqualTo(stream));
            Assert.That(body.RootElement.TryGetProperty("stream", out _), Is.EqualTo(stream), "non-streaming omits the flag");
            Assert.That(body.RootElement.GetProperty("max_tokens").GetInt32(), Is.EqualTo(77));
            Assert.That(body.RootElement.GetProperty("messages")[0].GetProperty("content")[0].GetProperty("text").GetString(), Is.EqualTo("Hello"));

            // SDK 13.13.0 sends ApiKey as a bearer token, not as x-api-key (documented on ClientOptions.ApiKey).
            Assert.That(request.Authorization, Is.EqualTo("Bearer sk-ant-loopback"));
            Assert.That(request.Headers.ContainsKey("x-api-key"), Is.False);
            Assert.That(request.Headers["anthropic-version"], Is.Not.Empty);
            Assert.That(request.Headers["x-stainless-retry-count"], Is.EqualTo("0"));
        });
    }

    [Test]
    public async Task Without_MaxOutputTokens_the_adapter_sends_max_tokens_1024()
    {
        await using var server = await LoopbackAnthropicServer.StartAsync();

        await CallAsync(Claude(server), stream: false);

        using var body = JsonDocument.Parse(server.Requests.Single().Body);
        Assert.That(body.RootElement.GetProperty("max_tokens").GetInt32(), Is.EqualTo(1024), "Anthropic requires max_tokens");
    }

    [Test]
    public async Task The_per_request_ModelId_overrides_the_default_model()
    {
        await using var server = await LoopbackAnthropicServer.StartAsync();

        await CallAsync(Claude(server), stream: true, new ChatOptions { ModelId = "claude-3-5-sonnet-latest" }, Ct);

        Assert.That(server.Requests.Single().Model, Is.EqualTo("claude-3-5-sonnet-latest"));
    }

    [Test]
    public async Task The_SDK_default_timeout_is_30s_non_streaming_and_600s_streaming_so_the_factory_sets_the_total_limit()
    {
        await using var server = await LoopbackAnthropicServer.StartAsync();

        await CallAsync(SdkDefaults(server), stream: false);
        await CallAsync(SdkDefaults(server), stream: true);
        await CallAsync(Claude(server, timeout: TimeSpan.FromSeconds(300)), stream: false);
        await CallAsync(Claude(server, timeout: TimeSpan.FromSeconds(300)), stream: true);

        // Unset, the SDK would cut a non-streaming call after 30 s, inside the router's API_TOTAL_TIMEOUT_SEC (300 s by default);
        // AnthropicChatClientFactory.Create therefore passes the router's total limit, which the SDK then uses for both.
        Assert.That(server.Requests.Select(r => r.Headers["x-stainless-timeout"]), Is.EqualTo(new[] { "30", "600", "300", "300" }));
    }

    // ---------------------------------------------------------------- HTTP errors

    [TestCase(false)]
    [TestCase(true)]
    public async Task Rate_limit_429_throws_AnthropicRateLimitException_once_without_retrying(bool stream)
    {
        await using var server = await LoopbackAnthropicServer.StartAsync();
        server.Enqueue(LoopbackReply.RateLimited(TimeSpan.FromSeconds(1)));

        var ex = await CatchAsync(() => CallAsync(Claude(server), stream));

        Assert.That(ex, Is.TypeOf<AnthropicRateLimitException>());
        var api = (AnthropicRateLimitException)ex!;
        Assert.Multiple(() =>
        {
            Assert.That(api.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
            Assert.That(api.Type?.ToString(), Does.Contain("rate_limit_error"));
            Assert.That(api.ApiMessage, Does.Contain("rate limit"));
            Assert.That(api.Message, Does.Contain("rate_limit_error"), "the message carries the body");
            Assert.That(server.ChatRequestCount, Is.EqualTo(1), "MaxRetries = 0");
        });
    }

    [TestCase(500, typeof(Anthropic5xxException))]
    [TestCase(529, typeof(AnthropicOverloadedException))]
    [TestCase(401, typeof(AnthropicUnauthorizedException))]
    public async Task Error_status_throws_its_exception_type_once(int status, Type expected)
    {
        await using var server = await LoopbackAnthropicServer.StartAsync();
        server.Enqueue(LoopbackReply.Status(status));

        var ex = await CatchAsync(() => CallAsync(Claude(server), stream: true));

        Assert.That(ex, Is.TypeOf(expected));
        Assert.That((int)((AnthropicApiException)ex!).StatusCode, Is.EqualTo(status));
        Assert.That(server.ChatRequestCount, Is.EqualTo(1));
    }

    [Test]
    public async Task With_its_default_retries_the_SDK_would_repeat_a_429()
    {
        await using var server = await LoopbackAnthropicServer.StartAsync();
        server.Enqueue(LoopbackReply.RateLimited(TimeSpan.Zero), LoopbackReply.RateLimited(TimeSpan.Zero));

        var response = await SdkDefaults(server).GetResponseAsync(s_messages, null, Ct);

        Assert.That(response.Text, Is.EqualTo("Hello from loopback Anthropic."));
        Assert.That(server.ChatRequestCount, Is.EqualTo(3), "why AnthropicChatClientFactory.Create sets MaxRetries = 0: failover is the retry");
        Assert.That(server.Requests.Select(r => r.Headers["x-stainless-retry-count"]), Is.EqualTo(new[] { "0", "1", "2" }));
    }

    // ---------------------------------------------------------------- transport faults

    [TestCase(false)]
    [TestCase(true)]
    public async Task Connection_reset_throws_AnthropicIOException_over_HttpRequestException(bool stream)
    {
        await using var server = await LoopbackAnthropicServer.StartAsync();
        server.Enqueue(LoopbackReply.ResetConnection());

        var ex = await CatchAsync(() => CallAsync(Claude(server), stream));

        Assert.That(ex, Is.TypeOf<AnthropicIOException>());
        Assert.Multiple(() =>
        {
            Assert.That(ex!.InnerException, Is.TypeOf<HttpRequestException>());
            Assert.That(ex.InnerException?.InnerException, Is.InstanceOf<IOException>());
            Assert.That(server.ChatRequestCount, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Down_server_throws_AnthropicIOException_connection_refused()
    {
        var server = await LoopbackAnthropicServer.StartAsync();
        var uri = server.BaseUri;
        await server.DisposeAsync();

        var ex = await CatchAsync(() => CallAsync(Claude(uri), stream: false));

        Assert.That(ex, Is.TypeOf<AnthropicIOException>());
        Assert.That(ex!.InnerException, Is.TypeOf<HttpRequestException>());
        Assert.That(ex.InnerException?.InnerException, Is.TypeOf<SocketException>());
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task SDK_timeout_before_headers_throws_TaskCanceledException_over_TimeoutException(bool stream)
    {
        await using var server = await LoopbackAnthropicServer.StartAsync();
        server.Enqueue(LoopbackReply.Delay(s_longDelay, LoopbackReply.Text(Sentence, 1, 1)));

        var sw = Stopwatch.StartNew();
        var ex = await CatchAsync(() => CallAsync(Claude(server, timeout: s_shortTimeout), stream));

        Assert.Multiple(() =>
        {
            Assert.That(ex, Is.TypeOf<TaskCanceledException>().With.Message.Contains("configured client timeout"));
            Assert.That(ex!.InnerException, Is.TypeOf<TimeoutException>());
            Assert.That(sw.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
            Assert.That(server.ChatRequestCount, Is.EqualTo(1), "a timed-out attempt is not retried with MaxRetries = 0");
        });
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task Caller_cancellation_before_headers_throws_OperationCanceledException_promptly(bool stream)
    {
        await using var server = await LoopbackAnthropicServer.StartAsync();
        server.Enqueue(LoopbackReply.Delay(s_longDelay, LoopbackReply.Text(Sentence, 1, 1)));
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cts.CancelAfter(s_shortTimeout);

        var sw = Stopwatch.StartNew();
        var ex = await CatchAsync(() => CallAsync(Claude(server), stream, null, cts.Token));

        Assert.Multiple(() =>
        {
            Assert.That(ex, Is.InstanceOf<OperationCanceledException>());
            Assert.That(ex!.InnerException, Is.Not.TypeOf<TimeoutException>(), "unlike the SDK's own timeout");
            Assert.That(sw.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
            Assert.That(server.ChatRequestCount, Is.EqualTo(1));
        });
    }

    // ---------------------------------------------------------------- cut streams and bad bodies

    [Test]
    public async Task Stream_ending_before_message_delta_ends_quietly_without_FinishReason_but_with_message_start_usage()
    {
        await using var server = await LoopbackAnthropicServer.StartAsync();
        server.Enqueue(LoopbackReply.CutStreamBeforeFinal("The quick brown"));

        var (updates, error) = await StreamAsync(Claude(server), Ct);

        Assert.Multiple(() =>
        {
            Assert.That(error, Is.Null, "the SDK does not require message_stop");
            Assert.That(Texts(updates), Is.EqualTo(new[] { "", "", "The q", "uick ", "brown", "" }));
            Assert.That(updates.Select(u => u.FinishReason), Has.All.Null);
            Assert.That(Usages(updates).Select(u => (u.InputTokenCount, u.OutputTokenCount)), Is.EqualTo(new[] { ((long?)0L, (long?)1L) }),
                "the provisional usage of message_start (output_tokens 1) is still reported");
        });
    }

    [Test]
    public async Task Stream_ending_after_message_delta_but_before_message_stop_looks_complete()
    {
        await using var server = await LoopbackAnthropicServer.StartAsync();
        server.Enqueue(LoopbackReply.CutStreamBeforeMessageStop("The quick brown", promptTokens: 9, completionTokens: 4));

        var (updates, error) = await StreamAsync(Claude(server), Ct);

        Assert.Multiple(() =>
        {
            Assert.That(error, Is.Null);
            Assert.That(string.Concat(Texts(updates)), Is.EqualTo("The quick brown"));
            Assert.That(updates[^1].FinishReason, Is.EqualTo(ChatFinishReason.Stop), "message_delta carries the stop reason");
            Assert.That(Usages(updates).Select(u => (u.InputTokenCount, u.OutputTokenCount)), Is.EqualTo(new[] { ((long?)9L, (long?)4L) }));
        });
    }

    [Test]
    public async Task Stream_aborted_before_message_delta_throws_raw_IOException_after_the_chunks()
    {
        await using var server = await LoopbackAnthropicServer.StartAsync();
        server.Enqueue(LoopbackReply.CutStreamBeforeFinal("The quick brown", abort: true));

        var (updates, error) = await StreamAsync(Claude(server), Ct);

        Assert.Multiple(() =>
        {
            Assert.That(error, Is.TypeOf<IOException>(), "not wrapped in AnthropicIOException");
            Assert.That(Texts(updates), Is.EqualTo(new[] { "", "", "The q", "uick ", "brown" }));
            Assert.That(updates.Select(u => u.FinishReason), Has.All.Null);
            Assert.That(Usages(updates), Is.Empty);
        });
    }

    [Test]
    public async Task Non_streaming_body_cut_cleanly_throws_JsonException()
    {
        await using var server = await LoopbackAnthropicServer.StartAsync();
        server.Enqueue(LoopbackReply.CutStreamBeforeFinal(Sentence));

        var ex = await CatchAsync(() => CallAsync(Claude(server), stream: false));

        Assert.That(ex, Is.TypeOf<JsonException>());
    }

    [Test]
    public async Task Non_streaming_body_aborted_midway_throws_raw_IOException()
    {
        await using var server = await LoopbackAnthropicServer.StartAsync();
        server.Enqueue(LoopbackReply.CutStreamBeforeFinal(Sentence, abort: true));

        var ex = await CatchAsync(() => CallAsync(Claude(server), stream: false));

        Assert.That(ex, Is.TypeOf<IOException>());
    }

    [Test]
    public async Task Malformed_json_body_throws_JsonException()
    {
        await using var server = await LoopbackAnthropicServer.StartAsync();
        server.Enqueue(LoopbackReply.MalformedJson());

        var ex = await CatchAsync(() => CallAsync(Claude(server), stream: false));

        Assert.That(ex, Is.TypeOf<JsonException>());
    }

    [Test]
    public async Task Malformed_json_event_throws_AnthropicInvalidDataException_over_JsonException_before_any_update()
    {
        await using var server = await LoopbackAnthropicServer.StartAsync();
        server.Enqueue(LoopbackReply.MalformedJson());

        var (updates, error) = await StreamAsync(Claude(server), Ct);

        Assert.That(error, Is.TypeOf<AnthropicInvalidDataException>());
        Assert.That(error!.InnerException, Is.InstanceOf<JsonException>());
        Assert.That(updates, Is.Empty);
    }

    [Test]
    public async Task Error_event_in_stream_throws_AnthropicSseException_after_the_empty_message_start_update()
    {
        await using var server = await LoopbackAnthropicServer.StartAsync();
        server.Enqueue(LoopbackReply.ErrorLine("upstream overloaded"));

        var (updates, error) = await StreamAsync(Claude(server), Ct);

        Assert.Multiple(() =>
        {
            Assert.That(error, Is.TypeOf<AnthropicSseException>());
            Assert.That(error!.Message, Does.Contain("overloaded_error").And.Contain("upstream overloaded"));
            Assert.That(Texts(updates), Is.EqualTo(new[] { "" }));
            Assert.That(updates[0].FinishReason, Is.Null);
        });
    }

    [Test]
    public async Task Error_json_with_status_200_throws_AnthropicInvalidDataException()
    {
        await using var server = await LoopbackAnthropicServer.StartAsync();
        server.Enqueue(LoopbackReply.ErrorLine("upstream overloaded"));

        var ex = await CatchAsync(() => CallAsync(Claude(server), stream: false));

        Assert.That(ex, Is.TypeOf<AnthropicInvalidDataException>().With.Message.Contains("'content' cannot be absent"));
    }

    // ---------------------------------------------------------------- helpers

    /// <summary>The client exactly as the router wires it (<see cref="AnthropicChatClientFactory.Create"/>).</summary>
    private IChatClient Claude(LoopbackAnthropicServer server, string model = Haiku, TimeSpan? timeout = null) =>
        Claude(server.BaseUri, model, timeout);

    private IChatClient Claude(Uri baseUri, string model = Haiku, TimeSpan? timeout = null)
    {
        var options = new ExternalProviderOptions { ApiKey = "sk-ant-loopback", BaseUrl = baseUri };
        var chat = AnthropicChatClientFactory.Create(options, model, Http(), timeout ?? TimeSpan.FromSeconds(15));
        Track(chat);
        return chat;
    }

    /// <summary>The SDK with its own defaults for retries and timeout.</summary>
    private IChatClient SdkDefaults(LoopbackAnthropicServer server)
    {
        var chat = new AnthropicClient { ApiKey = "sk-ant-loopback", BaseUrl = server.BaseUri.ToString(), HttpClient = Http() }.AsIChatClient(Haiku);
        Track(chat);
        return chat;
    }

    private HttpClient Http()
    {
        // As AddEaioHybridChat configures its named clients: no HttpClient timeout, the SDK's and the router's apply.
        var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        Track(http);
        return http;
    }
}
