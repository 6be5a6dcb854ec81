using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;
using NUnit.Framework;
using OpenAI.Responses;

namespace Eaio.Routing.Tests;

/// <summary>
/// <c>POST /v1/responses</c> driven by the official OpenAI .NET SDK's <see cref="ResponsesClient"/> (through
/// Microsoft.Extensions.AI's adapter, as a .NET team would) and by raw HTTP for the exact event sequence and refusals:
/// text, streaming, a whole tool loop whose e-mail and building never reach the upstream unmasked, JSON schema, a
/// PRIVATE key kept local, the budget, and what cannot be honoured refused with a message that says so. References to
/// kept responses are in <see cref="GatewayResponseStoreTests"/>.
/// </summary>
public sealed class GatewayResponsesTests
{
    private const string Email = "jane.doe@example.com";
    private const string Building = "Panther_office_Hannah";

    private GatewayHarness _gateway = null!;

    [SetUp]
    public async Task Start() => _gateway = await GatewayHarness.StartAsync();

    [TearDown]
    public async Task Stop() => await _gateway.DisposeAsync();

    [Test]
    public async Task A_text_response_comes_back_with_its_text_usage_and_the_provider_model()
    {
        ChatResponse answer = await Client().GetResponseAsync(
            [new Microsoft.Extensions.AI.ChatMessage(ChatRole.System, "Be brief."), new Microsoft.Extensions.AI.ChatMessage(ChatRole.User, "Three tips for office lighting?")],
            new ChatOptions { MaxOutputTokens = 100 });

        Assert.That(answer.Text, Is.EqualTo("OpenAI answer."));
        Assert.That(answer.Usage?.InputTokenCount, Is.EqualTo(11));
        Assert.That(answer.Usage?.OutputTokenCount, Is.EqualTo(3));
        Assert.That(answer.ModelId, Is.EqualTo("openai/gpt-4o-mini"));

        // The same router call as a chat completion: the system text as a system message, the limit passed on.
        JsonNode sent = LastUpstreamBody();
        Assert.That(sent["messages"]![0]!["role"]!.GetValue<string>(), Is.EqualTo("system"));
        Assert.That(sent["messages"]![1]!["content"]!.ToJsonString(), Does.Contain("office lighting"));
        Assert.That((sent["max_completion_tokens"] ?? sent["max_tokens"])!.GetValue<int>(), Is.EqualTo(100));
    }

    [Test]
    public async Task A_streamed_response_yields_the_text_and_ends_with_the_usage()
    {
        // The SDK itself: Microsoft.Extensions.AI.OpenAI 11.0.0 was built against an older ResponsesClient streaming
        // signature and throws MissingMethodException with OpenAI 2.15, so the stream is read without the adapter.
        string text = "";
        ResponseTokenUsage? usage = null;
        await foreach (StreamingResponseUpdate update in await SdkClient().CreateResponseStreamingAsync("eaio-auto", "Say hello.", null))
        {
            switch (update)
            {
                case StreamingResponseOutputTextDeltaUpdate delta:
                    text += delta.Delta;
                    break;
                case StreamingResponseCompletedUpdate completed:
                    usage = completed.Response.Usage;
                    break;
            }
        }

        Assert.That(text, Is.EqualTo("OpenAI answer."));
        Assert.That(usage?.InputTokenCount, Is.EqualTo(11));
        Assert.That(usage?.OutputTokenCount, Is.EqualTo(3));
    }

    [Test]
    public async Task A_streamed_response_follows_the_Responses_event_sequence()
    {
        using HttpResponseMessage response = await _gateway.PostToAsync("v1/responses", GatewayHarness.PublicKey, """{"model":"eaio-auto","input":"Say hello.","stream":true}""");
        string body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/event-stream"));

        List<(string Event, JsonNode Data)> events = Events(body);
        string[] names = [.. events.Select(e => e.Event).Where(e => e != "response.output_text.delta")];
        Assert.That(names, Is.EqualTo(new[]
        {
            "response.created", "response.in_progress", "response.output_item.added", "response.content_part.added",
            "response.output_text.done", "response.content_part.done", "response.output_item.done", "response.completed",
        }));
        Assert.That(events.Select(e => e.Data["type"]!.GetValue<string>()), Is.EqualTo(events.Select(e => e.Event)));
        Assert.That(events.Select(e => e.Data["sequence_number"]!.GetValue<int>()), Is.EqualTo(Enumerable.Range(0, events.Count)));
        Assert.That(string.Concat(events.Where(e => e.Event == "response.output_text.delta").Select(e => e.Data["delta"]!.GetValue<string>())), Is.EqualTo("OpenAI answer."));
        Assert.That(events.Count(e => e.Event == "response.output_text.delta"), Is.GreaterThan(1), "the text streams in pieces");

        JsonNode completed = events[^1].Data["response"]!;
        Assert.That(completed["status"]!.GetValue<string>(), Is.EqualTo("completed"));
        Assert.That(completed["usage"]!["input_tokens"]!.GetValue<int>(), Is.EqualTo(11));
        Assert.That(completed["usage"]!["output_tokens"]!.GetValue<int>(), Is.EqualTo(3));
        Assert.That(completed["output"]![0]!["content"]![0]!["text"]!.GetValue<string>(), Is.EqualTo("OpenAI answer."));
        Assert.That(completed["eaio"]!["provider"]!.GetValue<string>(), Is.EqualTo("openai"));
        Assert.That(completed["eaio"]!["cost_usd"]!.GetValue<decimal>(), Is.GreaterThan(0m));
    }

    [Test]
    public async Task A_tool_loop_gets_the_callers_values_back_and_nothing_reaches_the_upstream_unmasked()
    {
        _gateway.OpenAI.Responder = ToolLoopReply;
        List<(string To, string Building)> sent = [];
        AIFunction sendReport = AIFunctionFactory.Create(
            (string to, string building) =>
            {
                sent.Add((to, building));
                return $$"""{"status":"sent","building":"{{building}}"}""";
            },
            "send_report",
            "Sends a building's energy report to a recipient.");
        using IChatClient client = new ChatClientBuilder(Client()).UseFunctionInvocation().Build();

        ChatResponse answer = await client.GetResponseAsync(
            $"Email the energy report of {Building} to {Email}.",
            new ChatOptions { Tools = [sendReport], ToolMode = ChatToolMode.RequireAny });

        Assert.That(sent, Is.EqualTo(new[] { (Email, Building) }), "the function got the caller's own values");
        Assert.That(answer.Text, Is.EqualTo($"Sent the report on {Building}."));
        Assert.That(_gateway.OpenAI.ChatRequestCount, Is.EqualTo(2));
        Assert.That(_gateway.OpenAI.Requests.Where(r => r.Body.Contains(Email, StringComparison.Ordinal) || r.Body.Contains(Building, StringComparison.Ordinal)), Is.Empty);

        // The second turn carried the call and its result as chat completions do: one assistant message, then the tool's.
        JsonArray messages = LastUpstreamBody()["messages"]!.AsArray();
        Assert.That(messages[^2]!["tool_calls"]![0]!["function"]!["name"]!.GetValue<string>(), Is.EqualTo("send_report"));
        Assert.That(messages[^1]!["role"]!.GetValue<string>(), Is.EqualTo("tool"));
    }

    [Test]
    public async Task A_streamed_tool_call_arrives_as_function_call_items_with_their_arguments()
    {
        _gateway.OpenAI.Enqueue(LoopbackReply.ToolCalls(30, 16, ("site_weather", """{"site":"Heron"}"""), ("site_weather", """{"site":"Bobcat"}""")));
        using HttpResponseMessage response = await _gateway.PostToAsync("v1/responses", GatewayHarness.PublicKey, """
            {"model":"eaio-auto","input":"How cold is it at Heron and at Bobcat?","stream":true,
             "tools":[{"type":"function","name":"site_weather","parameters":{"type":"object","properties":{"site":{"type":"string"}}}}]}
            """);
        string body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body);

        List<(string Event, JsonNode Data)> events = Events(body);
        List<JsonNode> added = [.. events.Where(e => e.Event == "response.output_item.added").Select(e => e.Data["item"]!)];
        Assert.That(added.Select(i => i["type"]!.GetValue<string>()), Is.All.EqualTo("function_call"));
        Assert.That(added.Select(i => i["arguments"]!.GetValue<string>()), Is.All.Empty, "an added call has no arguments yet");
        List<JsonNode> done = [.. events.Where(e => e.Event == "response.output_item.done").Select(e => e.Data["item"]!)];
        Assert.That(done.Select(i => JsonNode.Parse(i["arguments"]!.GetValue<string>())!["site"]!.GetValue<string>()), Is.EqualTo(new[] { "Heron", "Bobcat" }));
        Assert.That(done.Select(i => i["call_id"]!.GetValue<string>()).Distinct().Count(), Is.EqualTo(2));
        Assert.That(
            events.Where(e => e.Event == "response.function_call_arguments.delta").Select(e => e.Data["item_id"]!.GetValue<string>()),
            Is.EqualTo(done.Select(i => i["id"]!.GetValue<string>())));
        JsonNode completed = events[^1].Data["response"]!;
        Assert.That(events[^1].Event, Is.EqualTo("response.completed"));
        Assert.That(completed["output"]!.AsArray().Select(i => i!["name"]!.GetValue<string>()), Is.EqualTo(new[] { "site_weather", "site_weather" }));
    }

    [Test]
    public async Task A_json_schema_reaches_the_upstream_as_the_response_format()
    {
        _gateway.OpenAI.Enqueue(LoopbackReply.Text("""{"kwh":42}""", 20, 5));
        JsonElement schema = JsonDocument.Parse("""{"type":"object","properties":{"kwh":{"type":"number"}},"required":["kwh"],"additionalProperties":false}""").RootElement;

        ChatResponse answer = await Client().GetResponseAsync("How much?", new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(schema, "reading") });

        Assert.That(JsonNode.Parse(answer.Text)!["kwh"]!.GetValue<int>(), Is.EqualTo(42));
        JsonNode format = LastUpstreamBody()["response_format"]!;
        Assert.That(format["type"]!.GetValue<string>(), Is.EqualTo("json_schema"));
        Assert.That(format["json_schema"]!["name"]!.GetValue<string>(), Is.EqualTo("reading"));
        Assert.That(format["json_schema"]!["schema"]!["required"]![0]!.GetValue<string>(), Is.EqualTo("kwh"));
    }

    [Test]
    public async Task A_PRIVATE_keys_response_is_served_locally_and_never_reaches_the_external_provider()
    {
        const string Marker = "EAIO-RESPONSES-MARKER-77a1";
        ChatResponse answer = await Client(key: GatewayHarness.PrivateKey).GetResponseAsync($"{Marker}: summarise the chiller readings.");

        Assert.That(answer.Text, Is.EqualTo("Local answer."));
        Assert.That(answer.ModelId, Does.StartWith("ollama/"));
        Assert.That(_gateway.Ollama.Requests.Count(r => r.Body.Contains(Marker, StringComparison.Ordinal)), Is.EqualTo(1));
        Assert.That(_gateway.OpenAI.Requests.Where(r => r.Body.Contains(Marker, StringComparison.Ordinal)), Is.Empty);
    }

    [Test]
    public async Task A_tenant_over_its_budget_is_refused_with_402()
    {
        using HttpResponseMessage response = await _gateway.PostToAsync("v1/responses", GatewayHarness.TinyBudgetKey, """{"model":"openai/gpt-4o-mini","input":"Write a long essay."}""");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.PaymentRequired));
        Assert.That(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["code"]!.GetValue<string>(), Is.EqualTo("budget_exceeded"));
        Assert.That(_gateway.OpenAI.ChatRequestCount, Is.Zero);
    }

    [TestCase("""{"model":"eaio-auto","input":"hi","previous_response_id":"resp_1"}""", "previous_response_id", "'resp_1' not found")]
    [TestCase("""{"model":"eaio-auto","input":"hi","conversation":"conv_1"}""", "conversation", "keeps no conversations")]
    [TestCase("""{"model":"eaio-auto","input":[{"type":"item_reference","id":"msg_1"}]}""", "input[0].id", "store = false")]
    [TestCase("""{"model":"eaio-auto","input":"hi","tools":[{"type":"web_search"}]}""", "tools[0].type", "hosted tools")]
    [TestCase("""{"model":"eaio-auto","input":"hi","user":"jane@example.com","safety_identifier":"jane"}""", "safety_identifier", "one end-user id per request")]
    [TestCase("""{"model":"eaio-auto"}""", "input", "required")]
    [TestCase("""{"model":"eaio-auto","input":"hi","include":["message.output_text.logprobs","reasoning.encrypted_content"]}""", "include", "'reasoning.encrypted_content'")]
    [TestCase("""{"model":"eaio-auto","input":"hi","top_logprobs":21}""", "top_logprobs", "from 0 to 20")]
    [TestCase("""{"model":"eaio-auto","input":"Write to jane.doe@example.com","include":["message.output_text.logprobs"]}""", "include", "placeholders")]
    public async Task What_cannot_be_honoured_is_refused_with_400_naming_the_field_and_why(string body, string param, string because)
    {
        using HttpResponseMessage response = await _gateway.PostToAsync("v1/responses", GatewayHarness.PublicKey, body);

        string text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), text);
        JsonNode error = JsonNode.Parse(text)!["error"]!;
        Assert.That(error["param"]!.GetValue<string>(), Is.EqualTo(param));
        Assert.That(error["message"]!.GetValue<string>(), Does.Contain(because));
        Assert.That(_gateway.OpenAI.ChatRequestCount + _gateway.Ollama.ChatRequestCount, Is.Zero);
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task Logprobs_asked_with_include_come_back_on_the_output_text(bool stream)
    {
        using HttpResponseMessage response = await _gateway.PostToAsync("v1/responses", GatewayHarness.PublicKey, $$"""
            {"model":"eaio-auto","input":"What is a kWh?","include":["message.output_text.logprobs"],"top_logprobs":1,"stream":{{(stream ? "true" : "false")}}}
            """);
        string body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body);

        Assert.That(LastUpstreamBody()["logprobs"]!.GetValue<bool>(), Is.True);
        Assert.That(LastUpstreamBody()["top_logprobs"]!.GetValue<int>(), Is.EqualTo(1));
        string[] expected = [.. LoopbackReply.Split("OpenAI answer.")];
        JsonNode final;
        if (stream)
        {
            List<(string Event, JsonNode Data)> events = Events(body);
            JsonNode[] deltas = [.. events.Where(e => e.Event == "response.output_text.delta").SelectMany(e => e.Data["logprobs"]!.AsArray())!];
            Assert.That(deltas.Select(t => t["token"]!.GetValue<string>()), Is.EqualTo(expected), "each delta carries its tokens");
            Assert.That(events.Single(e => e.Event == "response.output_text.done").Data["logprobs"]!.AsArray().Select(t => t!["token"]!.GetValue<string>()), Is.EqualTo(expected));
            final = events[^1].Data["response"]!;
        }
        else
        {
            final = JsonNode.Parse(body)!;
        }

        JsonArray logprobs = final["output"]![0]!["content"]![0]!["logprobs"]!.AsArray();
        Assert.That(logprobs.Select(t => t!["token"]!.GetValue<string>()), Is.EqualTo(expected));
        Assert.That(logprobs.Select(t => t!["logprob"]!.GetValue<float>()), Is.EqualTo(Enumerable.Range(0, expected.Length).Select(LoopbackOpenAIServer.TokenLogprob)));
        Assert.That(logprobs.Select(t => t!["top_logprobs"]!.AsArray().Single()!["token"]!.GetValue<string>()), Is.All.EqualTo("alt1"));
        Assert.That(_gateway.Ollama.ChatRequestCount, Is.Zero, "the local model returns none");
    }

    [Test]
    public async Task Store_false_and_an_input_image_are_accepted()
    {
        using HttpResponseMessage response = await _gateway.PostToAsync("v1/responses", GatewayHarness.PublicKey, """
            {"model":"openai/gpt-4o-mini","store":false,"input":[{"role":"user","content":[{"type":"input_text","text":"What is this?"},{"type":"input_image","image_url":"https://example.com/meter.png","detail":"low"}]}]}
            """);

        string text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), text);
        JsonNode answer = JsonNode.Parse(text)!;
        Assert.That(answer["object"]!.GetValue<string>(), Is.EqualTo("response"));
        Assert.That(answer["store"]!.GetValue<bool>(), Is.False);
        JsonNode image = LastUpstreamBody()["messages"]![0]!["content"]![1]!;
        Assert.That(image["image_url"]!["url"]!.GetValue<string>(), Is.EqualTo("https://example.com/meter.png"));
        Assert.That(image["image_url"]!["detail"]!.GetValue<string>(), Is.EqualTo("low"));
    }

    /// <summary>The upstream's side of the tool loop: a call with the masked e-mail and building, then an answer naming the masked building.</summary>
    private LoopbackReply ToolLoopReply(LoopbackRequest request)
    {
        JsonNode body = JsonNode.Parse(request.Body)!;
        if (body["tools"] is null)
        {
            return _gateway.OpenAI.DefaultReply;
        }

        JsonNode? result = body["messages"]!.AsArray().LastOrDefault(m => m!["role"]!.GetValue<string>() == "tool");
        if (result is not null)
        {
            return LoopbackReply.Text($"Sent the report on {Regex.Match(result["content"]!.ToJsonString(), "BUILDING_[0-9]+").Value}.", 60, 6);
        }

        return LoopbackReply.ToolCall("send_report", $$"""{"to":"{{Regex.Match(request.Body, "EMAIL_[0-9]+").Value}}","building":"{{Regex.Match(request.Body, "BUILDING_[0-9]+").Value}}"}""", 40, 12);
    }

    private IChatClient Client(string model = "eaio-auto", string key = GatewayHarness.PublicKey) => SdkClient(key).AsIChatClient(model);

    private ResponsesClient SdkClient(string key = GatewayHarness.PublicKey) =>
        new(new ApiKeyCredential(key), new ResponsesClientOptions { Endpoint = new Uri(_gateway.BaseUri, "v1/"), RetryPolicy = new ClientRetryPolicy(0) });

    private JsonNode LastUpstreamBody() =>
        JsonNode.Parse(_gateway.OpenAI.Requests.Last(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal)).Body)!;

    private static List<(string Event, JsonNode Data)> Events(string body) =>
        [.. body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(e =>
        {
            string[] lines = e.Split('\n');
            return (lines[0]["event: ".Length..], JsonNode.Parse(lines[1]["data: ".Length..])!);
        })];
}
