using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using NUnit.Framework;
using OpenAI;
using OpenAI.Chat;

namespace Eaio.Routing.Tests;

/// <summary>
/// What a client sends reaches the upstream (strict JSON schemas, image detail, the output limit, logprobs), bare model
/// names resolve, answers name the model the provider used and carry the log-probabilities it returned, a request that
/// cannot have them gets a 400 that says why, and unknown paths and methods answer in OpenAI's error shape.
/// </summary>
public sealed class GatewayPassThroughTests
{
    private GatewayHarness _gateway = null!;

    [SetUp]
    public async Task Start() => _gateway = await GatewayHarness.StartAsync();

    [TearDown]
    public async Task Stop() => await _gateway.DisposeAsync();

    [Test]
    public async Task A_strict_json_schema_reaches_the_upstream_strict()
    {
        ChatCompletionOptions options = new()
        {
            ResponseFormat = OpenAI.Chat.ChatResponseFormat.CreateJsonSchemaFormat(
                "eui",
                BinaryData.FromString("""{"type":"object","properties":{"eui":{"type":"number"}},"required":["eui"],"additionalProperties":false}"""),
                "An energy use intensity.",
                jsonSchemaIsStrict: true),
        };

        await Client("openai/gpt-4o-mini").CompleteChatAsync([new UserChatMessage("What is a good EUI for an office?")], options);

        JsonNode format = LastUpstreamBody()["response_format"]!;
        Assert.That(format["type"]!.GetValue<string>(), Is.EqualTo("json_schema"));
        Assert.That(format["json_schema"]!["strict"]!.GetValue<bool>(), Is.True);
        Assert.That(format["json_schema"]!["name"]!.GetValue<string>(), Is.EqualTo("eui"));
        Assert.That(format["json_schema"]!["description"]!.GetValue<string>(), Is.EqualTo("An energy use intensity."));
        Assert.That(format["json_schema"]!["schema"]!["required"]![0]!.GetValue<string>(), Is.EqualTo("eui"));
    }

    [Test]
    public async Task Strict_tools_reach_the_upstream_strict()
    {
        ChatCompletionOptions options = new()
        {
            Tools = { ChatTool.CreateFunctionTool("site_weather", null, BinaryData.FromString("""{"type":"object","properties":{"site":{"type":"string"}},"required":["site"],"additionalProperties":false}"""), functionSchemaIsStrict: true) },
        };

        await Client().CompleteChatAsync([new UserChatMessage("How cold is it at Heron?")], options);

        Assert.That(LastUpstreamBody()["tools"]![0]!["function"]!["strict"]!.GetValue<bool>(), Is.True);
    }

    [Test]
    public async Task N_of_one_is_accepted_and_answered_with_one_choice()
    {
        using HttpResponseMessage response = await _gateway.PostAsync(GatewayHarness.PublicKey, GatewayHarness.Body("Three tips for office lighting?", "openai/gpt-4o-mini", ""","n":1"""));
        string text = await response.Content.ReadAsStringAsync();

        Assert.That(response.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.OK), text);
        Assert.That(JsonNode.Parse(text)!["choices"]!.AsArray(), Has.Count.EqualTo(1));
        Assert.That(_gateway.OpenAI.ChatRequestCount, Is.EqualTo(1));
    }

    [Test]
    public async Task An_images_detail_reaches_the_upstream()
    {
        ChatMessageContentPart image = ChatMessageContentPart.CreateImagePart(new Uri("https://example.com/plant-room.png"), ChatImageDetailLevel.Low);

        await Client("openai/gpt-4o-mini").CompleteChatAsync([new UserChatMessage(ChatMessageContentPart.CreateTextPart("What is in this plant room?"), image)]);

        JsonNode part = LastUpstreamBody()["messages"]![0]!["content"]!.AsArray().Single(p => p!["type"]!.GetValue<string>() == "image_url")!;
        Assert.That(part["image_url"]!["detail"]!.GetValue<string>(), Is.EqualTo("low"));
        Assert.That(part["image_url"]!["url"]!.GetValue<string>(), Is.EqualTo("https://example.com/plant-room.png"));
    }

    [Test]
    public async Task Without_a_limit_the_answer_says_which_limit_it_ran_under_and_the_upstream_got_the_same()
    {
        ClientResult<ChatCompletion> answer = await Client().CompleteChatAsync([new UserChatMessage("Three tips for office lighting?")]);
        JsonNode eaio = Eaio(answer);
        Assert.That(eaio["max_output_tokens"]!.GetValue<int>(), Is.EqualTo(1024));
        Assert.That(eaio["max_output_tokens_source"]!.GetValue<string>(), Is.EqualTo("default"));
        Assert.That(LastUpstreamBody()["max_completion_tokens"]!.GetValue<int>(), Is.EqualTo(1024));

        ClientResult<ChatCompletion> limited = await Client().CompleteChatAsync([new UserChatMessage("Three tips for office lighting?")], new ChatCompletionOptions { MaxOutputTokenCount = 300 });
        Assert.That(Eaio(limited)["max_output_tokens"]!.GetValue<int>(), Is.EqualTo(300));
        Assert.That(Eaio(limited)["max_output_tokens_source"]!.GetValue<string>(), Is.EqualTo("request"));
    }

    [Test]
    public async Task The_default_limit_is_the_routers_setting()
    {
        await using GatewayHarness gateway = await GatewayHarness.StartAsync(new Dictionary<string, string?> { ["Eaio:DefaultMaxOutputTokens"] = "8000" });
        ChatClient client = new("eaio-auto", new ApiKeyCredential(GatewayHarness.PublicKey), new OpenAIClientOptions { Endpoint = new Uri(gateway.BaseUri, "v1/"), RetryPolicy = new ClientRetryPolicy(0) });

        ClientResult<ChatCompletion> answer = await client.CompleteChatAsync([new UserChatMessage("Three tips for office lighting?")]);

        Assert.That(Eaio(answer)["max_output_tokens"]!.GetValue<int>(), Is.EqualTo(8000));
        Assert.That(JsonNode.Parse(gateway.OpenAI.Requests.Single(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal)).Body)!["max_completion_tokens"]!.GetValue<int>(), Is.EqualTo(8000));
    }

    [TestCase("gpt-4o-mini", "openai")]
    [TestCase("GPT-4o-mini", "openai")]
    [TestCase("llama3.2:3b", "ollama")]
    public async Task A_bare_model_name_of_one_catalogue_model_resolves(string model, string provider)
    {
        using HttpResponseMessage response = await _gateway.PostAsync(GatewayHarness.PublicKey, GatewayHarness.Body("Hello", model));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        Assert.That(response.Headers.GetValues("X-Eaio-Provider").Single(), Is.EqualTo(provider));
        Assert.That(response.Headers.GetValues("X-Eaio-Model").Single(), Is.EqualTo(model).IgnoreCase);
    }

    [Test]
    public async Task A_bare_model_name_several_providers_offer_gets_404_naming_them()
    {
        await using GatewayHarness gateway = await GatewayHarness.StartAsync(new Dictionary<string, string?>
        {
            ["Eaio:DeepSeek:ApiKey"] = "test-deepseek-key",
            ["Eaio:Ollama:Models:Code"] = "deepseek-chat",
        });
        using HttpResponseMessage response = await gateway.PostAsync(GatewayHarness.PublicKey, GatewayHarness.Body("Hello", "deepseek-chat"));
        string text = await response.Content.ReadAsStringAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), text);
        JsonNode error = JsonNode.Parse(text)!["error"]!;
        Assert.That(error["code"]!.GetValue<string>(), Is.EqualTo("model_not_found"));
        Assert.That(error["message"]!.GetValue<string>(), Does.Contain("ollama/deepseek-chat").And.Contain("deepseek/deepseek-chat"));
        Assert.That(gateway.OpenAI.ChatRequestCount + gateway.Ollama.ChatRequestCount, Is.Zero);
    }

    [Test]
    public async Task Answers_name_the_model_the_provider_reports()
    {
        _gateway.OpenAI.ReportedModel = "gpt-4o-mini-2024-07-18";

        ChatCompletion answer = (await Client().CompleteChatAsync([new UserChatMessage("Hello")])).Value;
        Assert.That(answer.Model, Is.EqualTo("openai/gpt-4o-mini-2024-07-18"));

        string? streamed = null;
        await foreach (StreamingChatCompletionUpdate update in Client().CompleteChatStreamingAsync([new UserChatMessage("Hello")]))
        {
            streamed ??= update.Model;
            Assert.That(update.Model, Is.EqualTo(streamed));
        }

        Assert.That(streamed, Is.EqualTo("openai/gpt-4o-mini-2024-07-18"));
    }

    [TestCase("POST", "v1/completions")]
    [TestCase("GET", "v1/files")]
    [TestCase("GET", "v2/models")]
    [TestCase("GET", "")]
    public async Task An_unknown_path_gets_404_in_OpenAIs_error_shape_naming_the_endpoints(string method, string path)
    {
        using HttpRequestMessage request = new(new HttpMethod(method), path) { Content = method == "POST" ? new StringContent("{}") : null };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", GatewayHarness.PublicKey);
        using HttpResponseMessage response = await _gateway.Http.SendAsync(request);

        JsonElement error = await ErrorAsync(response, HttpStatusCode.NotFound);
        Assert.That(error.GetProperty("code").GetString(), Is.EqualTo("unknown_url"));
        Assert.That(error.GetProperty("type").GetString(), Is.EqualTo("invalid_request_error"));
        Assert.That(error.GetProperty("message").GetString(), Does.Contain($"{method} /{path}").And.Contain("POST /v1/chat/completions").And.Contain("GET /v1/models"));
    }

    [TestCase("GET", "v1/chat/completions")]
    [TestCase("DELETE", "v1/models")]
    public async Task A_wrong_method_gets_405_in_OpenAIs_error_shape(string method, string path)
    {
        using HttpRequestMessage request = new(new HttpMethod(method), path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", GatewayHarness.PublicKey);
        using HttpResponseMessage response = await _gateway.Http.SendAsync(request);

        JsonElement error = await ErrorAsync(response, HttpStatusCode.MethodNotAllowed);
        Assert.That(error.GetProperty("code").GetString(), Is.EqualTo("method_not_allowed"));
        Assert.That(error.GetProperty("message").GetString(), Does.Contain("not allowed").And.Contain("POST /v1/chat/completions"));
    }

    [Test]
    public async Task The_official_SDK_sees_the_unknown_path_as_an_API_error_with_the_message()
    {
        // What a client of an endpoint the gateway does not serve (/v1/moderations) sees: OpenAI's SDK raises the gateway's
        // message, not a bare "Not Found".
        OpenAI.Moderations.ModerationClient moderations = new("omni-moderation-latest", new ApiKeyCredential(GatewayHarness.PublicKey), new OpenAIClientOptions { Endpoint = new Uri(_gateway.BaseUri, "v1/"), RetryPolicy = new ClientRetryPolicy(0) });

        ClientResultException? ex = Assert.ThrowsAsync<ClientResultException>(() => moderations.ClassifyTextAsync("kWh"));

        Assert.That(ex!.Status, Is.EqualTo(404));
        Assert.That(ex.Message, Does.Contain("unknown_url").And.Contain("POST /v1/chat/completions"));
    }

    private static JsonNode Eaio(ClientResult<ChatCompletion> answer) =>
        JsonNode.Parse(answer.GetRawResponse().Content.ToString())!["eaio"]!;

    [Test]
    public async Task Logprobs_asked_on_eaio_auto_go_to_a_model_that_returns_them_and_come_back_whole()
    {
        ChatCompletionOptions options = new() { IncludeLogProbabilities = true, TopLogProbabilityCount = 2 };

        ChatCompletion completion = (await Client().CompleteChatAsync([new UserChatMessage("What is a kWh?")], options)).Value;

        // A short public question would go to the local model; only the external route returns log-probabilities.
        Assert.That(_gateway.Ollama.ChatRequestCount, Is.Zero);
        JsonNode sent = LastUpstreamBody();
        Assert.That(sent["logprobs"]!.GetValue<bool>(), Is.True);
        Assert.That(sent["top_logprobs"]!.GetValue<int>(), Is.EqualTo(2));

        IReadOnlyList<string> expected = LoopbackReply.Split("OpenAI answer.");
        Assert.That(completion.ContentTokenLogProbabilities.Select(t => t.Token), Is.EqualTo(expected));
        Assert.That(string.Concat(completion.ContentTokenLogProbabilities.Select(t => t.Token)), Is.EqualTo(completion.Content[0].Text));
        for (int i = 0; i < expected.Count; i++)
        {
            ChatTokenLogProbabilityDetails token = completion.ContentTokenLogProbabilities[i];
            Assert.That(token.LogProbability, Is.EqualTo(LoopbackOpenAIServer.TokenLogprob(i)));
            Assert.That(token.Utf8Bytes!.Value.ToArray(), Is.EqualTo(System.Text.Encoding.UTF8.GetBytes(expected[i])));
            Assert.That(token.TopLogProbabilities.Select(t => t.Token), Is.EqualTo(new[] { "alt1", "alt2" }));
            Assert.That(token.TopLogProbabilities[1].LogProbability, Is.EqualTo(LoopbackOpenAIServer.TokenLogprob(i) - 2));
        }
    }

    [Test]
    public async Task Streamed_logprobs_come_back_with_their_chunks()
    {
        ChatCompletionOptions options = new() { IncludeLogProbabilities = true, TopLogProbabilityCount = 1 };

        List<ChatTokenLogProbabilityDetails> tokens = [];
        string text = string.Empty;
        await foreach (StreamingChatCompletionUpdate update in Client("openai/gpt-4o-mini").CompleteChatStreamingAsync([new UserChatMessage("What is a kWh?")], options))
        {
            tokens.AddRange(update.ContentTokenLogProbabilities);
            text += string.Concat(update.ContentUpdate.Select(p => p.Text));
        }

        Assert.That(LastUpstreamBody()["stream"]!.GetValue<bool>(), Is.True);
        Assert.That(LastUpstreamBody()["logprobs"]!.GetValue<bool>(), Is.True);
        Assert.That(text, Is.EqualTo("OpenAI answer."));
        Assert.That(tokens.Select(t => t.Token), Is.EqualTo(LoopbackReply.Split("OpenAI answer.")));
        Assert.That(tokens.Select(t => t.LogProbability), Is.EqualTo(Enumerable.Range(0, tokens.Count).Select(LoopbackOpenAIServer.TokenLogprob)));
        Assert.That(tokens.Select(t => t.TopLogProbabilities.Single().Token), Is.All.EqualTo("alt1"));
    }

    [Test]
    public async Task Without_logprobs_none_are_asked_for_and_the_choice_says_null()
    {
        using HttpResponseMessage response = await _gateway.PostAsync(GatewayHarness.PublicKey, GatewayHarness.Body("What is a kWh?", "openai/gpt-4o-mini"));
        string text = await response.Content.ReadAsStringAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), text);
        Assert.That(LastUpstreamBody().AsObject().ContainsKey("logprobs"), Is.False);
        JsonNode logprobs = JsonNode.Parse(text)!["choices"]![0]!.AsObject().TryGetPropertyValue("logprobs", out JsonNode? value) ? value! : JsonValue.Create("missing")!;
        Assert.That(logprobs, Is.Null);
    }

    [TestCase("My e-mail is jane.doe@example.com; what is a kWh?", "openai/gpt-4o-mini", GatewayHarness.PublicKey, "placeholders")]
    [TestCase("My e-mail is jane.doe@example.com; what is a kWh?", "eaio-auto", GatewayHarness.PublicKey, "placeholders")]
    [TestCase("What is a kWh?", "eaio-auto", GatewayHarness.PrivateKey, "privacy PRIVATE")]
    [TestCase("What is a kWh?", "ollama/llama3.2:3b", GatewayHarness.PublicKey, "LogProbabilities")]
    public async Task Logprobs_that_cannot_be_honoured_get_400_naming_the_reason_and_nothing_is_sent(string question, string model, string key, string reason)
    {
        foreach (bool stream in new[] { false, true })
        {
            using HttpResponseMessage response = await _gateway.PostAsync(key, GatewayHarness.Body(question, model, $$""","logprobs":true,"top_logprobs":3,"stream":{{(stream ? "true" : "false")}}"""));
            string text = await response.Content.ReadAsStringAsync();

            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), text);
            JsonElement error = JsonDocument.Parse(text).RootElement.GetProperty("error");
            Assert.That(error.GetProperty("param").GetString(), Is.EqualTo("logprobs"));
            Assert.That(error.GetProperty("code").GetString(), Is.EqualTo("unsupported_parameter"));
            Assert.That(error.GetProperty("message").GetString(), Does.Contain(reason).And.Contain("without them"));
        }

        Assert.That(_gateway.Ollama.ChatRequestCount + _gateway.OpenAI.ChatRequestCount, Is.Zero);
    }

    [Test]
    public async Task Logprobs_under_a_local_strategy_get_400_not_a_503_to_retry()
    {
        await using GatewayHarness local = await GatewayHarness.StartAsync(new Dictionary<string, string?> { ["Eaio:Strategy"] = "local" });

        using HttpResponseMessage response = await local.PostAsync(GatewayHarness.PublicKey, GatewayHarness.Body("What is a kWh?", extra: ""","logprobs":true"""));
        string text = await response.Content.ReadAsStringAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), text);
        Assert.That(response.Headers.RetryAfter, Is.Null);
        Assert.That(JsonDocument.Parse(text).RootElement.GetProperty("error").GetProperty("param").GetString(), Is.EqualTo("logprobs"));
        Assert.That(local.Ollama.ChatRequestCount + local.OpenAI.ChatRequestCount, Is.Zero);
    }

    [Test]
    public async Task Logprobs_with_a_value_only_a_tool_carries_get_400_and_nothing_is_sent()
    {
        // The profile reads messages, not tool descriptions; the pseudonymiser masks them, and so refuses on the route.
        string body = """
            {"model":"eaio-auto","messages":[{"role":"user","content":"What is a kWh?"}],"logprobs":true,
             "tools":[{"type":"function","function":{"name":"escalate","description":"Escalate to jane.doe@panther-energy.eu","parameters":{"type":"object","properties":{}}}}]}
            """;

        using HttpResponseMessage response = await _gateway.PostAsync(GatewayHarness.PublicKey, body);
        string text = await response.Content.ReadAsStringAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), text);
        JsonElement error = JsonDocument.Parse(text).RootElement.GetProperty("error");
        Assert.That(error.GetProperty("param").GetString(), Is.EqualTo("logprobs"));
        Assert.That(error.GetProperty("message").GetString(), Does.Contain("without them"));
        Assert.That(_gateway.Ollama.ChatRequestCount + _gateway.OpenAI.ChatRequestCount, Is.Zero);
    }

    private ChatClient Client(string model = "eaio-auto") =>
        new(model, new ApiKeyCredential(GatewayHarness.PublicKey), new OpenAIClientOptions { Endpoint = new Uri(_gateway.BaseUri, "v1/"), RetryPolicy = new ClientRetryPolicy(0) });

    private JsonNode LastUpstreamBody() =>
        JsonNode.Parse(_gateway.OpenAI.Requests.Last(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal)).Body)!;

    private static async Task<JsonElement> ErrorAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        string text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(expected), text);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
        using JsonDocument body = JsonDocument.Parse(text);
        JsonElement error = body.RootElement.GetProperty("error");
        Assert.That(error.EnumerateObject().Select(p => p.Name), Is.EquivalentTo(new[] { "message", "type", "param", "code" }));
        return error.Clone();
    }
}
