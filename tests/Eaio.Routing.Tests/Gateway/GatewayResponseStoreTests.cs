using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Eaio.Routing.Gateway;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>
/// The gateway's kept responses on <c>/v1/responses</c>: a follow-up turn that names an earlier answer by
/// <c>item_reference</c> (the AI SDK's default) or <c>previous_response_id</c> gets it replayed, masked like the client's
/// own items; only to the key it was served to; for the configured minutes after its last use; within its bounds.
/// </summary>
public sealed class GatewayResponseStoreTests
{
    private const string Email = "jane.doe@example.com";

    // A second key of the PUBLIC tenant "web": same tenant, another key.
    private const string SecondWebKey = "test-second-web-key-0123456789";

    private const string WeatherTools = """[{"type":"function","name":"site_weather","parameters":{"type":"object","properties":{"site":{"type":"string"}}}}]""";

    private GatewayHarness _gateway = null!;
    private FakeTimeProvider _time = null!;

    [SetUp]
    public async Task Start()
    {
        _time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        _gateway = await GatewayHarness.StartAsync(
            new Dictionary<string, string?>
            {
                ["Gateway:Keys:5:Key"] = SecondWebKey,
                ["Gateway:Keys:5:Tenant"] = "web",
                ["Gateway:Keys:5:MaxPrivacy"] = "Public",
                ["Gateway:Keys:5:MonthlyBudgetUsd"] = "100",
            },
            builder => builder.Services.AddSingleton<TimeProvider>(_time));
    }

    [TearDown]
    public async Task Stop() => await _gateway.DisposeAsync();

    [Test]
    public async Task An_item_reference_to_an_earlier_answer_is_replaced_by_that_answer()
    {
        JsonNode first = await PostOkAsync(GatewayHarness.PublicKey, """{"model":"openai/gpt-4o-mini","input":"What is a kWh?"}""");
        Assert.That(first["store"]!.GetValue<bool>(), Is.True, "store is on by default, as on OpenAI");
        string itemId = first["output"]![0]!["id"]!.GetValue<string>();

        JsonNode second = await PostOkAsync(GatewayHarness.PublicKey, $$"""
            {"model":"openai/gpt-4o-mini","store":true,"input":[
              {"role":"user","content":[{"type":"input_text","text":"What is a kWh?"}]},
              {"type":"item_reference","id":"{{itemId}}"},
              {"role":"user","content":[{"type":"input_text","text":"And a MWh?"}]}]}
            """);

        Assert.That(second["output"]![0]!["content"]![0]!["text"]!.GetValue<string>(), Is.EqualTo("OpenAI answer."));
        JsonArray messages = LastUpstreamBody()["messages"]!.AsArray();
        Assert.That(messages.Select(m => m!["role"]!.GetValue<string>()), Is.EqualTo(new[] { "user", "assistant", "user" }));
        Assert.That(Text(messages[1]!), Is.EqualTo("OpenAI answer."));
    }

    [Test]
    public async Task An_e_mail_in_a_replayed_answer_never_reaches_the_upstream_unmasked()
    {
        // The provider answers with the placeholder it was given; the client gets the e-mail restored, and that is what is kept.
        _gateway.OpenAI.Responder = request => LoopbackReply.Text($"I will write to {Regex.Match(request.Body, "EMAIL_[0-9]+").Value} today.", 20, 8);
        JsonNode first = await PostOkAsync(GatewayHarness.PublicKey, $$"""{"model":"openai/gpt-4o-mini","input":"Draft a note to {{Email}} about the chiller."}""");
        Assert.That(first["output"]![0]!["content"]![0]!["text"]!.GetValue<string>(), Is.EqualTo($"I will write to {Email} today."));
        string itemId = first["output"]![0]!["id"]!.GetValue<string>();

        _gateway.OpenAI.Responder = null;
        await PostOkAsync(GatewayHarness.PublicKey, $$"""
            {"model":"openai/gpt-4o-mini","input":[{"type":"item_reference","id":"{{itemId}}"},{"role":"user","content":"Make it shorter."}]}
            """);

        Assert.That(_gateway.OpenAI.ChatRequestCount, Is.EqualTo(2));
        Assert.That(_gateway.OpenAI.Requests.Where(r => r.Body.Contains(Email, StringComparison.Ordinal)), Is.Empty);
        JsonArray messages = LastUpstreamBody()["messages"]!.AsArray();
        Assert.That(Text(messages[0]!), Does.Match("^I will write to EMAIL_[0-9]+ today\\.$"), "the replayed answer went out masked, as the client's own text would");
    }

    [Test]
    public async Task A_streamed_function_call_can_be_referenced_with_its_call_id_and_arguments()
    {
        _gateway.OpenAI.Enqueue(LoopbackReply.ToolCall("site_weather", """{"site":"Heron"}""", 30, 8));
        string events = await PostStreamAsync(GatewayHarness.PublicKey, $$"""{"model":"openai/gpt-4o-mini","input":"How cold is it at Heron?","stream":true,"tools":{{WeatherTools}}}""");
        JsonNode call = Regex.Matches(events, "^data: (.*)$", RegexOptions.Multiline).Select(m => JsonNode.Parse(m.Groups[1].Value)!)
            .Last(e => e["type"]!.GetValue<string>() == "response.completed")["response"]!["output"]![0]!;
        Assert.That(call["type"]!.GetValue<string>(), Is.EqualTo("function_call"));

        await PostOkAsync(GatewayHarness.PublicKey, $$"""
            {"model":"openai/gpt-4o-mini","tools":{{WeatherTools}},"input":[
              {"role":"user","content":"How cold is it at Heron?"},
              {"type":"item_reference","id":"{{call["id"]!.GetValue<string>()}}"},
              {"type":"function_call_output","call_id":"{{call["call_id"]!.GetValue<string>()}}","output":"{\"temperatureC\":3}"}]}
            """);

        JsonArray messages = LastUpstreamBody()["messages"]!.AsArray();
        JsonNode sentCall = messages[1]!["tool_calls"]![0]!;
        Assert.That(sentCall["function"]!["name"]!.GetValue<string>(), Is.EqualTo("site_weather"));
        Assert.That(JsonNode.Parse(sentCall["function"]!["arguments"]!.GetValue<string>())!["site"]!.GetValue<string>(), Is.EqualTo("Heron"));
        Assert.That(messages[2]!["tool_call_id"]!.GetValue<string>(), Is.EqualTo(sentCall["id"]!.GetValue<string>()), "the result answers the replayed call");
    }

    [Test]
    public async Task A_previous_response_puts_its_input_and_output_before_the_new_input_without_its_instructions()
    {
        JsonNode first = await PostOkAsync(GatewayHarness.PublicKey, """{"model":"openai/gpt-4o-mini","instructions":"Be brief.","input":"What is a kWh?"}""");
        _gateway.OpenAI.Enqueue(LoopbackReply.Text("A thousand kWh.", 30, 4));
        JsonNode second = await PostOkAsync(GatewayHarness.PublicKey, $$"""
            {"model":"openai/gpt-4o-mini","instructions":"Answer in one line.","previous_response_id":"{{first["id"]!.GetValue<string>()}}","input":"And a MWh?"}
            """);
        Assert.That(second["previous_response_id"]!.GetValue<string>(), Is.EqualTo(first["id"]!.GetValue<string>()));

        await PostOkAsync(GatewayHarness.PublicKey, $$"""
            {"model":"openai/gpt-4o-mini","previous_response_id":"{{second["id"]!.GetValue<string>()}}","input":[{"role":"user","content":"And a GWh?"}]}
            """);

        JsonArray messages = LastUpstreamBody()["messages"]!.AsArray();
        Assert.That(
            messages.Select(m => (m!["role"]!.GetValue<string>(), Text(m))),
            Is.EqualTo(new[]
            {
                ("user", "What is a kWh?"), ("assistant", "OpenAI answer."), ("user", "And a MWh?"), ("assistant", "A thousand kWh."), ("user", "And a GWh?"),
            }),
            "the whole chain, and neither turn's instructions: OpenAI does not carry them over");
        JsonArray second2 = JsonNode.Parse(_gateway.OpenAI.Requests.Where(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal)).ElementAt(1).Body)!["messages"]!.AsArray();
        Assert.That(second2[0]!["role"]!.GetValue<string>(), Is.EqualTo("system"));
        Assert.That(Text(second2[0]!), Is.EqualTo("Answer in one line."));
    }

    [Test]
    public async Task An_unknown_previous_response_is_refused_in_OpenAIs_shape()
    {
        using HttpResponseMessage response = await _gateway.PostToAsync("v1/responses", GatewayHarness.PublicKey, """{"model":"openai/gpt-4o-mini","previous_response_id":"resp_nope","input":"hi"}""");

        JsonNode error = await ErrorAsync(response);
        Assert.That(error["type"]!.GetValue<string>(), Is.EqualTo("invalid_request_error"));
        Assert.That(error["param"]!.GetValue<string>(), Is.EqualTo("previous_response_id"));
        Assert.That(error["code"]!.GetValue<string>(), Is.EqualTo("previous_response_not_found"));
        Assert.That(error["message"]!.GetValue<string>(), Does.StartWith("Previous response with id 'resp_nope' not found."));
        Assert.That(_gateway.OpenAI.ChatRequestCount + _gateway.Ollama.ChatRequestCount, Is.Zero);
    }

    [TestCase(GatewayHarness.EnhancedKey, TestName = "Another tenant's key cannot name a kept response or its items")]
    [TestCase(SecondWebKey, TestName = "Another key of the same tenant cannot name a kept response or its items")]
    public async Task Another_key_cannot_name_a_kept_response(string otherKey)
    {
        JsonNode first = await PostOkAsync(GatewayHarness.PublicKey, """{"model":"openai/gpt-4o-mini","input":"What is a kWh?"}""");
        string responseId = first["id"]!.GetValue<string>();
        string itemId = first["output"]![0]!["id"]!.GetValue<string>();
        int calls = _gateway.OpenAI.ChatRequestCount + _gateway.Ollama.ChatRequestCount;

        using HttpResponseMessage byItem = await _gateway.PostToAsync("v1/responses", otherKey, $$"""{"model":"openai/gpt-4o-mini","input":[{"type":"item_reference","id":"{{itemId}}"}]}""");
        JsonNode itemError = await ErrorAsync(byItem);
        Assert.That(itemError["param"]!.GetValue<string>(), Is.EqualTo("input[0].id"));
        Assert.That(itemError["message"]!.GetValue<string>(), Does.Contain($"'{itemId}'").And.Contain("60 minutes"));

        using HttpResponseMessage byResponse = await _gateway.PostToAsync("v1/responses", otherKey, $$"""{"model":"openai/gpt-4o-mini","previous_response_id":"{{responseId}}","input":"hi"}""");
        Assert.That((await ErrorAsync(byResponse))["code"]!.GetValue<string>(), Is.EqualTo("previous_response_not_found"));
        Assert.That(_gateway.OpenAI.ChatRequestCount + _gateway.Ollama.ChatRequestCount, Is.EqualTo(calls), "nothing was sent");

        // The owner still can: the refusals did not remove it.
        await PostOkAsync(GatewayHarness.PublicKey, $$"""{"model":"openai/gpt-4o-mini","input":[{"type":"item_reference","id":"{{itemId}}"},{"role":"user","content":"More?"}]}""");
    }

    [Test]
    public async Task A_kept_response_lives_an_hour_after_its_last_use()
    {
        JsonNode first = await PostOkAsync(GatewayHarness.PublicKey, """{"model":"openai/gpt-4o-mini","input":"What is a kWh?"}""");
        string body = $$"""{"model":"openai/gpt-4o-mini","input":[{"type":"item_reference","id":"{{first["output"]![0]!["id"]!.GetValue<string>()}}"},{"role":"user","content":"More?"}]}""";

        // Each use renews it: 50 minutes, twice, is more than an hour in all.
        _time.Advance(TimeSpan.FromMinutes(50));
        await PostOkAsync(GatewayHarness.PublicKey, body);
        _time.Advance(TimeSpan.FromMinutes(50));
        await PostOkAsync(GatewayHarness.PublicKey, body);

        _time.Advance(TimeSpan.FromMinutes(60));
        using HttpResponseMessage expired = await _gateway.PostToAsync("v1/responses", GatewayHarness.PublicKey, body);
        JsonNode error = await ErrorAsync(expired);
        Assert.That(error["code"]!.GetValue<string>(), Is.EqualTo("item_not_found"));
        Assert.That(error["message"]!.GetValue<string>(), Does.Contain("60 minutes").And.Contain("store = false"));
    }

    [Test]
    public async Task With_store_false_the_answer_is_not_kept()
    {
        JsonNode first = await PostOkAsync(GatewayHarness.PublicKey, """{"model":"openai/gpt-4o-mini","store":false,"input":"What is a kWh?"}""");
        Assert.That(first["store"]!.GetValue<bool>(), Is.False);

        using HttpResponseMessage response = await _gateway.PostToAsync("v1/responses", GatewayHarness.PublicKey, $$"""{"model":"openai/gpt-4o-mini","previous_response_id":"{{first["id"]!.GetValue<string>()}}","input":"hi"}""");
        Assert.That((await ErrorAsync(response))["code"]!.GetValue<string>(), Is.EqualTo("previous_response_not_found"));
        Assert.That(_gateway.App.Services.GetRequiredService<ResponseStore>().Count, Is.Zero);
    }

    [Test]
    public async Task Store_minutes_zero_keeps_nothing_and_says_so()
    {
        await using GatewayHarness gateway = await GatewayHarness.StartAsync(new Dictionary<string, string?> { [ResponseStore.StoreMinutesSetting] = "0" });

        using HttpResponseMessage stored = await gateway.PostToAsync("v1/responses", GatewayHarness.PublicKey, """{"model":"openai/gpt-4o-mini","store":true,"input":"hi"}""");
        JsonNode storeError = await ErrorAsync(stored);
        Assert.That(storeError["param"]!.GetValue<string>(), Is.EqualTo("store"));
        Assert.That(storeError["message"]!.GetValue<string>(), Does.Contain("StoreMinutes is 0"));

        using HttpResponseMessage plain = await gateway.PostToAsync("v1/responses", GatewayHarness.PublicKey, """{"model":"openai/gpt-4o-mini","input":"hi"}""");
        Assert.That(plain.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(JsonNode.Parse(await plain.Content.ReadAsStringAsync())!["store"]!.GetValue<bool>(), Is.False);
        Assert.That(gateway.App.Services.GetRequiredService<ResponseStore>().Count, Is.Zero);
    }

    [TestCase("-1")]
    [TestCase("ten")]
    [TestCase("20000")]
    public void An_invalid_store_setting_stops_the_gateway_naming_it(string value)
    {
        EaioConfigurationException? error = Assert.ThrowsAsync<EaioConfigurationException>(async () =>
            await GatewayHarness.StartAsync(new Dictionary<string, string?> { [ResponseStore.StoreMinutesSetting] = value }));
        Assert.That(error!.Message, Does.Contain($"{ResponseStore.StoreMinutesSetting} is '{value}'"));
    }

    private async Task<JsonNode> PostOkAsync(string key, string body)
    {
        using HttpResponseMessage response = await _gateway.PostToAsync("v1/responses", key, body);
        string text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), text);
        return JsonNode.Parse(text)!;
    }

    private async Task<string> PostStreamAsync(string key, string body)
    {
        using HttpResponseMessage response = await _gateway.PostToAsync("v1/responses", key, body);
        string text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), text);
        return text;
    }

    private static async Task<JsonNode> ErrorAsync(HttpResponseMessage response)
    {
        string text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), text);
        return JsonNode.Parse(text)!["error"]!;
    }

    private JsonNode LastUpstreamBody() =>
        JsonNode.Parse(_gateway.OpenAI.Requests.Last(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal)).Body)!;

    /// <summary>A chat message's text, whether sent as a string or as text parts.</summary>
    private static string Text(JsonNode message) => message["content"] switch
    {
        JsonValue value => value.GetValue<string>(),
        JsonArray parts => string.Concat(parts.Select(p => p!["text"]!.GetValue<string>())),
        _ => throw new AssertionException($"no text in {message.ToJsonString()}"),
    };
}
