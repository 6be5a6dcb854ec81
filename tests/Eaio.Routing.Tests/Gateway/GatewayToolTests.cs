using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using NUnit.Framework;
using OpenAI;
using OpenAI.Chat;

namespace Eaio.Routing.Tests;

/// <summary>
/// Tool calling through the gateway, driven by the official OpenAI .NET SDK over real HTTP: forced, parallel and streamed
/// tool calls, a whole tool loop whose e-mail and building id never reach the upstream unmasked, and a tool result with
/// one building's readings that keeps the request local.
/// </summary>
public sealed class GatewayToolTests
{
    private const string Email = "jane.doe@example.com";
    private const string Building = "Panther_office_Hannah";

    private static readonly ChatTool s_sendReport = ChatTool.CreateFunctionTool(
        "send_report",
        "Sends a building's energy report to a recipient.",
        BinaryData.FromString("""{"type":"object","properties":{"to":{"type":"string"},"building":{"type":"string"}},"required":["to","building"]}"""));

    private static readonly ChatTool s_weather = ChatTool.CreateFunctionTool(
        "site_weather",
        "The weather at a site.",
        BinaryData.FromString("""{"type":"object","properties":{"site":{"type":"string"}},"required":["site"]}"""));

    private GatewayHarness _gateway = null!;

    [SetUp]
    public async Task Start() => _gateway = await GatewayHarness.StartAsync();

    [TearDown]
    public async Task Stop() => await _gateway.DisposeAsync();

    [Test]
    public async Task A_forced_tool_call_comes_back_as_tool_calls_with_finish_reason_tool_calls()
    {
        _gateway.OpenAI.Enqueue(LoopbackReply.ToolCall("site_weather", """{"site":"Heron"}""", 30, 8));
        ChatCompletionOptions options = new() { Tools = { s_weather, s_sendReport }, ToolChoice = ChatToolChoice.CreateFunctionChoice("site_weather") };

        ChatCompletion completion = (await Client("openai/gpt-4o-mini").CompleteChatAsync([new UserChatMessage("How cold is it at Heron?")], options)).Value;

        Assert.That(completion.FinishReason, Is.EqualTo(OpenAI.Chat.ChatFinishReason.ToolCalls));
        Assert.That(completion.Content, Is.Empty);
        ChatToolCall call = completion.ToolCalls.Single();
        Assert.That(call.FunctionName, Is.EqualTo("site_weather"));
        Assert.That(call.Id, Is.Not.Empty);
        Assert.That(JsonNode.Parse(call.FunctionArguments.ToString())!["site"]!.GetValue<string>(), Is.EqualTo("Heron"));

        JsonNode sent = LastUpstreamBody();
        Assert.That(sent["tools"]!.AsArray().Select(t => t!["function"]!["name"]!.GetValue<string>()), Is.EqualTo(new[] { "site_weather", "send_report" }));
        Assert.That(sent["tools"]![0]!["function"]!["parameters"]!["required"]![0]!.GetValue<string>(), Is.EqualTo("site"));
        Assert.That(sent["tool_choice"]!["function"]!["name"]!.GetValue<string>(), Is.EqualTo("site_weather"));
    }

    [TestCase("none", "none")]
    [TestCase("auto", "auto")]
    [TestCase("required", "required")]
    public async Task Tool_choice_reaches_the_upstream_as_sent(string choice, string expected)
    {
        using HttpResponseMessage response = await _gateway.PostAsync(GatewayHarness.PublicKey, GatewayHarness.Body(
            "How cold is it at Heron?",
            "openai/gpt-4o-mini",
            ""","tools":[{"type":"function","function":{"name":"site_weather","parameters":{"type":"object","properties":{}}}}],"tool_choice":"CHOICE","parallel_tool_calls":false""".Replace("CHOICE", choice, StringComparison.Ordinal)));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        JsonNode sent = LastUpstreamBody();
        Assert.That(sent["tool_choice"]!.GetValue<string>(), Is.EqualTo(expected));
        Assert.That(sent["parallel_tool_calls"]!.GetValue<bool>(), Is.False);
    }

    [Test]
    public async Task Parallel_tool_calls_come_back_with_their_own_ids_in_order()
    {
        _gateway.OpenAI.Enqueue(LoopbackReply.ToolCalls(30, 16, ("site_weather", """{"site":"Heron"}"""), ("site_weather", """{"site":"Bobcat"}""")));
        ChatCompletionOptions options = new() { Tools = { s_weather }, AllowParallelToolCalls = true };

        ChatCompletion completion = (await Client().CompleteChatAsync([new UserChatMessage("Weather at Heron and at Bobcat?")], options)).Value;

        Assert.That(completion.FinishReason, Is.EqualTo(OpenAI.Chat.ChatFinishReason.ToolCalls));
        Assert.That(completion.ToolCalls.Select(c => JsonNode.Parse(c.FunctionArguments.ToString())!["site"]!.GetValue<string>()), Is.EqualTo(new[] { "Heron", "Bobcat" }));
        Assert.That(completion.ToolCalls.Select(c => c.Id).Distinct().Count(), Is.EqualTo(2));
        Assert.That(LastUpstreamBody()["parallel_tool_calls"]!.GetValue<bool>(), Is.True);
    }

    [Test]
    public async Task A_streamed_tool_call_is_assembled_by_the_SDK_from_OpenAIs_chunk_shape()
    {
        _gateway.OpenAI.Enqueue(LoopbackReply.ToolCalls(30, 16, ("site_weather", """{"site":"Heron"}"""), ("site_weather", """{"site":"Bobcat"}""")));
        ChatCompletionOptions options = new() { Tools = { s_weather } };

        Dictionary<int, (string? Id, string? Name, string Arguments)> calls = [];
        OpenAI.Chat.ChatFinishReason? finish = null;
        await foreach (StreamingChatCompletionUpdate update in Client().CompleteChatStreamingAsync([new UserChatMessage("Weather at Heron and at Bobcat?")], options))
        {
            finish ??= update.FinishReason;
            foreach (StreamingChatToolCallUpdate part in update.ToolCallUpdates)
            {
                (string? id, string? name, string arguments) = calls.GetValueOrDefault(part.Index, (null, null, ""));
                calls[part.Index] = (id ?? part.ToolCallId, name ?? part.FunctionName, arguments + part.FunctionArgumentsUpdate?.ToString());
            }
        }

        Assert.That(finish, Is.EqualTo(OpenAI.Chat.ChatFinishReason.ToolCalls));
        Assert.That(calls.Keys, Is.EqualTo(new[] { 0, 1 }));
        Assert.That(calls.Values.Select(c => c.Name), Is.All.EqualTo("site_weather"));
        Assert.That(calls.Values.Select(c => c.Id).Distinct().Count(), Is.EqualTo(2));
        Assert.That(calls.Values.Select(c => JsonNode.Parse(c.Arguments)!["site"]!.GetValue<string>()), Is.EqualTo(new[] { "Heron", "Bobcat" }));
    }

    [Test]
    public async Task A_streamed_tool_call_follows_OpenAIs_exact_chunk_shape()
    {
        _gateway.OpenAI.Enqueue(LoopbackReply.ToolCall("site_weather", """{"site":"Heron"}""", 30, 8));
        using HttpResponseMessage response = await _gateway.PostAsync(GatewayHarness.PublicKey, GatewayHarness.Body(
            "How cold is it at Heron?",
            extra: ""","stream":true,"tools":[{"type":"function","function":{"name":"site_weather","parameters":{"type":"object","properties":{"site":{"type":"string"}}}}}]"""));
        string text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), text);
        List<JsonNode> chunks = [.. text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(e => e["data: ".Length..]).Where(d => d != "[DONE]").Select(d => JsonNode.Parse(d)!)];
        List<JsonNode> deltas = [.. chunks.Select(c => c["choices"]![0]!["delta"]!).Where(d => d["tool_calls"] is not null)];

        JsonNode opening = deltas[0]["tool_calls"]![0]!;
        Assert.That(deltas[0]["role"]!.GetValue<string>(), Is.EqualTo("assistant"));
        Assert.That(opening["index"]!.GetValue<int>(), Is.Zero);
        Assert.That(opening["id"]!.GetValue<string>(), Is.Not.Empty);
        Assert.That(opening["type"]!.GetValue<string>(), Is.EqualTo("function"));
        Assert.That(opening["function"]!["name"]!.GetValue<string>(), Is.EqualTo("site_weather"));
        Assert.That(opening["function"]!["arguments"]!.GetValue<string>(), Is.Empty);
        Assert.That(deltas.Skip(1).Select(d => d["tool_calls"]![0]!), Is.All.Matches<JsonNode>(c => c["id"] is null && c["function"]!["name"] is null && c["index"]!.GetValue<int>() == 0));
        Assert.That(string.Concat(deltas.Skip(1).Select(d => d["tool_calls"]![0]!["function"]!["arguments"]!.GetValue<string>())), Is.EqualTo("""{"site":"Heron"}"""));
        Assert.That(chunks[^1]["choices"]![0]!["finish_reason"]!.GetValue<string>(), Is.EqualTo("tool_calls"));
        Assert.That(text, Does.EndWith("data: [DONE]\n\n"));
    }

    [Test]
    public async Task A_whole_tool_loop_never_shows_the_upstream_the_email_the_building_or_the_callers_ids()
    {
        string? toolCallIdSeen = null;
        _gateway.OpenAI.Responder = request =>
        {
            JsonNode body = JsonNode.Parse(request.Body)!;
            JsonNode? tool = body["messages"]!.AsArray().FirstOrDefault(m => m!["role"]!.GetValue<string>() == "tool");
            if (tool is null)
            {
                string email = Regex.Match(request.Body, "EMAIL_[0-9]+").Value;
                string building = Regex.Match(request.Body, "BUILDING_[0-9]+").Value;
                return LoopbackReply.ToolCall("send_report", $$"""{"to":"{{email}}","building":"{{building}}"}""", 40, 12);
            }

            toolCallIdSeen = tool["tool_call_id"]!.GetValue<string>();
            string resultBuilding = Regex.Match(tool["content"]!.GetValue<string>(), "BUILDING_[0-9]+").Value;
            return LoopbackReply.Text($"Sent the report on {resultBuilding}.", 60, 9);
        };
        ChatClient client = Client();
        ChatCompletionOptions options = new() { Tools = { s_sendReport } };
        List<OpenAI.Chat.ChatMessage> conversation = [new UserChatMessage($"Email the energy report of {Building} to {Email}.")];

        ChatCompletion first = (await client.CompleteChatAsync(conversation, options)).Value;
        ChatToolCall call = first.ToolCalls.Single();
        JsonNode arguments = JsonNode.Parse(call.FunctionArguments.ToString())!;
        Assert.That(arguments["to"]!.GetValue<string>(), Is.EqualTo(Email), "the caller gets its own values back in the arguments");
        Assert.That(arguments["building"]!.GetValue<string>(), Is.EqualTo(Building));

        conversation.Add(new AssistantChatMessage(first));
        conversation.Add(new ToolChatMessage(call.Id, $$"""{"status":"sent","building":"{{Building}}","recipient":"{{Email}}"}"""));
        ChatCompletion second = (await client.CompleteChatAsync(conversation, options)).Value;

        Assert.That(second.Content.Single().Text, Is.EqualTo($"Sent the report on {Building}."));
        Assert.That(second.FinishReason, Is.EqualTo(OpenAI.Chat.ChatFinishReason.Stop));
        string[] upstream = [.. _gateway.OpenAI.Requests.Where(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal)).Select(r => r.Body)];
        Assert.That(upstream, Has.Length.EqualTo(2));
        Assert.That(upstream, Has.None.Contains(Email).And.None.Contains(Building).And.None.Contains("jane.doe"));
        Assert.That(toolCallIdSeen, Does.Match("^CALL_[0-9]+$"), "the call id leaves as an opaque id of the request, not as the id the caller sent back");
        Assert.That(upstream[1], Does.Not.Contain(call.Id));
    }

    [Test]
    public async Task A_callers_tool_call_id_with_an_email_in_it_never_leaves()
    {
        const string CallerId = "call_" + Email;
        string body = """
            {"model":"eaio-auto","messages":[
              {"role":"user","content":"Did the report go out?"},
              {"role":"assistant","content":null,"tool_calls":[{"id":"CALLER_ID","type":"function","function":{"name":"send_report","arguments":"{\"to\":\"EMAIL\",\"building\":\"B1\"}"}}]},
              {"role":"tool","tool_call_id":"CALLER_ID","content":"sent"}],
             "tools":[{"type":"function","function":{"name":"send_report","parameters":{"type":"object","properties":{"to":{"type":"string"},"building":{"type":"string"}}}}}]}
            """.Replace("CALLER_ID", CallerId, StringComparison.Ordinal).Replace("EMAIL", Email, StringComparison.Ordinal);

        using HttpResponseMessage response = await _gateway.PostAsync(GatewayHarness.PublicKey, body);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        Assert.That(response.Headers.GetValues("X-Eaio-Provider").Single(), Is.EqualTo("openai"));
        string sent = _gateway.OpenAI.Requests.Single(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal)).Body;
        Assert.That(sent, Does.Not.Contain(Email));
        JsonArray messages = JsonNode.Parse(sent)!["messages"]!.AsArray();
        string issued = messages[1]!["tool_calls"]![0]!["id"]!.GetValue<string>();
        Assert.That(issued, Does.Match("^CALL_[0-9]+$"));
        Assert.That(messages[2]!["tool_call_id"]!.GetValue<string>(), Is.EqualTo(issued), "a call and its result keep one id");
        Assert.That(messages[1]!["content"], Is.Null, "an assistant turn with only tool calls has no content");
    }

    [Test]
    public async Task A_tool_result_with_one_buildings_readings_keeps_the_request_local()
    {
        string readings = string.Join(",", Enumerable.Range(0, 24).Select(h => $$"""{"timestamp":"2016-01-01T{{h:00}}:00:00","kwh":{{40 + h}}.5}"""));
        string result = JsonSerializer.Serialize($$"""{"building":"{{Building}}","readings":[{{readings}}]}""");
        string body = """
            {"model":"eaio-auto","messages":[
              {"role":"user","content":"Summarise yesterday's load."},
              {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"meter_readings","arguments":"{}"}}]},
              {"role":"tool","tool_call_id":"call_1","content":RESULT}],
             "tools":[{"type":"function","function":{"name":"meter_readings","parameters":{"type":"object","properties":{}}}}]}
            """.Replace("RESULT", result, StringComparison.Ordinal);

        using HttpResponseMessage response = await _gateway.PostAsync(GatewayHarness.PublicKey, body);
        string text = await response.Content.ReadAsStringAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), text);
        Assert.That(response.Headers.GetValues("X-Eaio-Provider").Single(), Is.EqualTo("ollama"));
        Assert.That(JsonNode.Parse(text)!["eaio"]!["sensitivity"]!.GetValue<string>(), Is.EqualTo("CRITICAL"));
        Assert.That(_gateway.OpenAI.Requests, Is.Empty);
        Assert.That(_gateway.Ollama.Requests.Single(r => r.Path.EndsWith("/api/chat", StringComparison.Ordinal)).Body, Does.Contain("2016-01-01T05:00:00"), "the local model gets the tool result");
    }

    [Test]
    public async Task A_pinned_external_model_refuses_a_tool_result_with_one_buildings_readings()
    {
        string readings = string.Join(",", Enumerable.Range(0, 24).Select(h => $$"""{"timestamp":"2016-01-01T{{h:00}}:00:00","kwh":{{40 + h}}.5}"""));
        using HttpResponseMessage response = await _gateway.PostAsync(GatewayHarness.PublicKey, """
            {"model":"gpt-4o-mini","messages":[
              {"role":"user","content":"Summarise yesterday's load."},
              {"role":"assistant","tool_calls":[{"id":"call_1","type":"function","function":{"name":"meter_readings","arguments":"{}"}}]},
              {"role":"tool","tool_call_id":"call_1","content":[{"type":"text","text":RESULT}]}]}
            """.Replace("RESULT", JsonSerializer.Serialize("[" + readings + "]"), StringComparison.Ordinal));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), await response.Content.ReadAsStringAsync());
        Assert.That(_gateway.OpenAI.Requests, Is.Empty);
    }

    private ChatClient Client(string model = "eaio-auto") =>
        new(model, new ApiKeyCredential(GatewayHarness.PublicKey), new OpenAIClientOptions { Endpoint = new Uri(_gateway.BaseUri, "v1/"), RetryPolicy = new ClientRetryPolicy(0) });

    private JsonNode LastUpstreamBody() =>
        JsonNode.Parse(_gateway.OpenAI.Requests.Last(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal)).Body)!;
}
