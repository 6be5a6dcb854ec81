using System.Globalization;
using System.Net;
using System.Text.Json;
using Eaio.Routing.Gateway;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>The gateway over real HTTP on loopback: keys, privacy ceilings, budgets, OpenAI's JSON and SSE, errors.</summary>
public sealed class GatewayTests
{
    private GatewayHarness _gateway = null!;

    [SetUp]
    public async Task Start() => _gateway = await GatewayHarness.StartAsync();

    [TearDown]
    public async Task Stop() => await _gateway.DisposeAsync();

    [TestCase(null)]
    [TestCase("not-a-configured-key-000000")]
    public async Task A_request_without_a_valid_key_gets_401_in_OpenAIs_error_shape(string? key)
    {
        using HttpResponseMessage response = await _gateway.PostAsync(key, GatewayHarness.Body("Hello"));
        JsonElement error = await ErrorAsync(response, HttpStatusCode.Unauthorized);

        Assert.That(error.GetProperty("code").GetString(), Is.EqualTo("invalid_api_key"));
        Assert.That(error.GetProperty("type").GetString(), Is.EqualTo("invalid_request_error"));
        Assert.That(error.GetProperty("param").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That(response.Headers.WwwAuthenticate.ToString(), Is.EqualTo("Bearer"));
        Assert.That(_gateway.Ollama.ChatRequestCount + _gateway.OpenAI.ChatRequestCount, Is.Zero);
    }

    [Test]
    public async Task A_public_request_is_answered_in_OpenAIs_format_with_the_route_in_headers_and_body()
    {
        using HttpResponseMessage response = await _gateway.PostAsync(GatewayHarness.PublicKey, GatewayHarness.Body("Give me three tips for office lighting.", extra: ",\"max_tokens\":200"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        using JsonDocument body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        JsonElement root = body.RootElement;

        Assert.That(root.GetProperty("object").GetString(), Is.EqualTo("chat.completion"));
        Assert.That(root.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString(), Is.EqualTo("OpenAI answer."));
        Assert.That(root.GetProperty("choices")[0].GetProperty("finish_reason").GetString(), Is.EqualTo("stop"));
        Assert.That(root.GetProperty("usage").GetProperty("prompt_tokens").GetInt32(), Is.EqualTo(11));
        Assert.That(root.GetProperty("usage").GetProperty("completion_tokens").GetInt32(), Is.EqualTo(3));
        Assert.That(root.GetProperty("model").GetString(), Is.EqualTo("openai/gpt-4o-mini"));

        JsonElement eaio = root.GetProperty("eaio");
        Assert.That(eaio.GetProperty("provider").GetString(), Is.EqualTo("openai"));
        Assert.That(eaio.GetProperty("tier").GetString(), Is.EqualTo("external"));
        Assert.That(eaio.GetProperty("privacy").GetString(), Is.EqualTo("public"));
        Assert.That(eaio.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()), Has.Some.Contains("privacy PUBLIC"));
        decimal cost = eaio.GetProperty("cost_usd").GetDecimal();
        Assert.That(cost, Is.GreaterThan(0m), "gpt-4o-mini is priced: 11 input and 3 output tokens cost something");

        Assert.That(response.Headers.GetValues(OpenAIWire.ProviderHeader).Single(), Is.EqualTo("openai"));
        Assert.That(response.Headers.GetValues(OpenAIWire.ModelHeader).Single(), Is.EqualTo("gpt-4o-mini"));
        Assert.That(decimal.Parse(response.Headers.GetValues(OpenAIWire.CostHeader).Single(), CultureInfo.InvariantCulture), Is.EqualTo(cost));

        // The router's request to the provider carries the client's output limit.
        Assert.That(_gateway.OpenAI.Requests.Single(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal)).Body, Does.Contain("200"));
    }

    [Test]
    public async Task A_private_key_stays_on_the_local_model_and_nothing_reaches_the_external_provider()
    {
        using HttpResponseMessage response = await _gateway.PostAsync(GatewayHarness.PrivateKey, GatewayHarness.Body("Summarise the chiller log of building 7."));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        using JsonDocument body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.That(body.RootElement.GetProperty("eaio").GetProperty("provider").GetString(), Is.EqualTo("ollama"));
        Assert.That(body.RootElement.GetProperty("eaio").GetProperty("privacy").GetString(), Is.EqualTo("private"));
        Assert.That(response.Headers.GetValues(OpenAIWire.CostHeader).Single(), Is.EqualTo("0"));
        Assert.That(_gateway.Ollama.ChatRequestCount, Is.EqualTo(1));
        Assert.That(_gateway.OpenAI.Requests, Is.Empty);
    }

    [Test]
    public async Task A_private_key_cannot_pin_an_external_model_or_ask_for_a_looser_level()
    {
        using HttpResponseMessage pinned = await _gateway.PostAsync(GatewayHarness.PrivateKey, GatewayHarness.Body("Hello", "openai/gpt-4o-mini"));
        JsonElement pinError = await ErrorAsync(pinned, HttpStatusCode.Forbidden);
        Assert.That(pinError.GetProperty("code").GetString(), Is.EqualTo("privacy_blocked"));
        Assert.That(pinError.GetProperty("param").GetString(), Is.EqualTo("model"));

        using HttpResponseMessage byHeader = await _gateway.PostAsync(GatewayHarness.PrivateKey, GatewayHarness.Body("Hello"), r => r.Headers.Add("X-Eaio-Privacy", "public"));
        JsonElement headerError = await ErrorAsync(byHeader, HttpStatusCode.Forbidden);
        Assert.That(headerError.GetProperty("code").GetString(), Is.EqualTo("privacy_level_not_allowed"));
        Assert.That(headerError.GetProperty("message").GetString(), Does.Contain("public").And.Contain("private"));

        using HttpResponseMessage byMetadata = await _gateway.PostAsync(GatewayHarness.EnhancedKey, GatewayHarness.Body("Hello", extra: ",\"metadata\":{\"eaio_privacy\":\"public\"}"));
        JsonElement metadataError = await ErrorAsync(byMetadata, HttpStatusCode.Forbidden);
        Assert.That(metadataError.GetProperty("param").GetString(), Is.EqualTo("metadata.eaio_privacy"));

        Assert.That(_gateway.OpenAI.Requests, Is.Empty);
        Assert.That(_gateway.Ollama.ChatRequestCount, Is.Zero);
    }

    [TestCase("header")]
    [TestCase("metadata")]
    public async Task A_public_key_may_ask_for_a_stricter_level_and_then_stays_local(string where)
    {
        using HttpResponseMessage response = where == "header"
            ? await _gateway.PostAsync(GatewayHarness.PublicKey, GatewayHarness.Body("What is a kWh?"), r => r.Headers.Add("X-Eaio-Privacy", "Private"))
            : await _gateway.PostAsync(GatewayHarness.PublicKey, GatewayHarness.Body("What is a kWh?", extra: ",\"metadata\":{\"eaio_privacy\":\"private\"}"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));

        Assert.That(response.Headers.GetValues(OpenAIWire.ProviderHeader).Single(), Is.EqualTo("ollama"));
        Assert.That(_gateway.OpenAI.Requests, Is.Empty);
    }

    [Test]
    public async Task A_pinned_local_model_is_the_one_that_answers()
    {
        using HttpResponseMessage response = await _gateway.PostAsync(GatewayHarness.PublicKey, GatewayHarness.Body("Hello", "ollama/qwen2.5:7b"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));

        Assert.That(response.Headers.GetValues(OpenAIWire.ModelHeader).Single(), Is.EqualTo("qwen2.5:7b"));
        Assert.That(_gateway.Ollama.Requests.Single(r => r.Path == "/api/chat").Model, Is.EqualTo("qwen2.5:7b"));
        Assert.That(_gateway.OpenAI.Requests, Is.Empty, "PUBLIC would prefer OpenAI; the pin keeps the request on its model");
    }

    [Test]
    public async Task A_tenant_over_its_budget_gets_402_and_nothing_is_sent()
    {
        using HttpResponseMessage response = await _gateway.PostAsync(GatewayHarness.TinyBudgetKey, GatewayHarness.Body("Write a long essay on HVAC.", "openai/gpt-4o-mini"));
        JsonElement error = await ErrorAsync(response, HttpStatusCode.PaymentRequired);

        Assert.That(error.GetProperty("code").GetString(), Is.EqualTo("budget_exceeded"));
        Assert.That(error.GetProperty("type").GetString(), Is.EqualTo("insufficient_quota"));
        Assert.That(error.GetProperty("message").GetString(), Does.Contain("budget"));
        Assert.That(_gateway.OpenAI.Requests, Is.Empty);
    }

    [Test]
    public async Task Streaming_with_usage_ends_with_the_usage_chunk_carrying_the_route_and_cost_then_DONE()
    {
        using HttpResponseMessage response = await _gateway.PostAsync(
            GatewayHarness.PublicKey, GatewayHarness.Body("Hello", extra: ",\"stream\":true,\"stream_options\":{\"include_usage\":true}"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/event-stream"));
        Assert.That(response.Headers.GetValues(OpenAIWire.ProviderHeader).Single(), Is.EqualTo("openai"));

        List<string> events = await EventsAsync(response);
        Assert.That(events[^1], Is.EqualTo("[DONE]"));
        List<JsonElement> chunks = [.. events.SkipLast(1).Select(e => JsonDocument.Parse(e).RootElement)];
        Assert.That(chunks.Select(c => c.GetProperty("object").GetString()), Has.All.EqualTo("chat.completion.chunk"));
        Assert.That(chunks.Select(c => c.GetProperty("id").GetString()).Distinct().Count(), Is.EqualTo(1));

        string text = string.Concat(chunks.Where(c => c.GetProperty("choices").GetArrayLength() > 0)
            .Select(c => c.GetProperty("choices")[0].GetProperty("delta"))
            .Select(d => d.TryGetProperty("content", out JsonElement content) ? content.GetString() : ""));
        Assert.That(text, Is.EqualTo("OpenAI answer."));
        Assert.That(chunks[0].GetProperty("choices")[0].GetProperty("delta").GetProperty("role").GetString(), Is.EqualTo("assistant"));

        JsonElement finish = chunks[^2];
        Assert.That(finish.GetProperty("choices")[0].GetProperty("finish_reason").GetString(), Is.EqualTo("stop"));
        Assert.That(finish.TryGetProperty("eaio", out _), Is.False, "with include_usage the eaio field rides on the final (usage) chunk");

        JsonElement last = chunks[^1];
        Assert.That(last.GetProperty("choices").GetArrayLength(), Is.Zero);
        Assert.That(last.GetProperty("usage").GetProperty("prompt_tokens").GetInt32(), Is.EqualTo(11));
        Assert.That(last.GetProperty("usage").GetProperty("completion_tokens").GetInt32(), Is.EqualTo(3));
        Assert.That(last.GetProperty("eaio").GetProperty("provider").GetString(), Is.EqualTo("openai"));
        Assert.That(last.GetProperty("eaio").GetProperty("cost_usd").GetDecimal(), Is.GreaterThan(0m));
    }

    [Test]
    public async Task Streaming_without_usage_puts_the_route_on_the_finish_chunk_and_sends_no_usage()
    {
        using HttpResponseMessage response = await _gateway.PostAsync(GatewayHarness.PrivateKey, GatewayHarness.Body("Hello", extra: ",\"stream\":true"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));

        List<string> events = await EventsAsync(response);
        Assert.That(events[^1], Is.EqualTo("[DONE]"));
        List<JsonElement> chunks = [.. events.SkipLast(1).Select(e => JsonDocument.Parse(e).RootElement)];
        Assert.That(chunks.Any(c => c.TryGetProperty("usage", out _)), Is.False);
        JsonElement last = chunks[^1];
        Assert.That(last.GetProperty("choices")[0].GetProperty("finish_reason").GetString(), Is.EqualTo("stop"));
        Assert.That(last.GetProperty("eaio").GetProperty("provider").GetString(), Is.EqualTo("ollama"));
        Assert.That(last.GetProperty("eaio").GetProperty("cost_usd").GetDecimal(), Is.Zero);
        Assert.That(_gateway.OpenAI.Requests, Is.Empty);
    }

    [Test]
    public async Task A_stream_cut_after_it_started_ends_with_a_fixed_error_event_and_no_DONE()
    {
        _gateway.Ollama.Enqueue(LoopbackReply.CutStreamBeforeFinal("Partial answer that never ", abort: false));

        using HttpResponseMessage response = await _gateway.PostAsync(GatewayHarness.PrivateKey, GatewayHarness.Body("Hello", extra: ",\"stream\":true"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the status line went out with the first chunk");

        List<string> events = await EventsAsync(response);
        Assert.That(events, Does.Not.Contain("[DONE]"), "a client must not take a cut stream for a complete answer");
        JsonElement error = JsonDocument.Parse(events[^1]).RootElement.GetProperty("error");
        Assert.That(error.GetProperty("code").GetString(), Is.EqualTo("stream_failed"));
        // The upstream exception's message may quote the request; the client gets a fixed text, the log the details.
        string route = $"{response.Headers.GetValues(OpenAIWire.ProviderHeader).Single()}/{response.Headers.GetValues(OpenAIWire.ModelHeader).Single()}";
        Assert.That(error.GetProperty("message").GetString(), Is.EqualTo($"The stream from {route} failed after it started; the gateway's log has the details."));
        Assert.That(events.SkipLast(1).Select(e => JsonDocument.Parse(e).RootElement.GetProperty("object").GetString()), Has.All.EqualTo("chat.completion.chunk").And.Not.Empty);
        Assert.That(_gateway.OpenAI.Requests, Is.Empty);
    }

    [TestCase("{", null, "not valid JSON")]
    [TestCase("[]", null, "must be a JSON object")]
    [TestCase("""{"messages":[{"role":"user","content":"hi"}]}""", "model", "'model' is required")]
    [TestCase("""{"model":"eaio-auto"}""", "messages", "'messages' is required")]
    [TestCase("""{"model":"eaio-auto","messages":[]}""", "messages", "non-empty array")]
    [TestCase("""{"model":"eaio-auto","messages":[{"role":"robot","content":"hi"}]}""", "messages[0].role", "allowed: system, developer, user, assistant, tool")]
    [TestCase("""{"model":"eaio-auto","messages":[{"role":"user"}]}""", "messages[0].content", "is required")]
    [TestCase("""{"model":"eaio-auto","messages":[{"role":"user","content":[{"type":"audio"}]}]}""", "messages[0].content[0].type", "allowed: text")]
    [TestCase("""{"model":"eaio-auto","messages":[{"role":"user","content":"hi"}],"max_tokens":0}""", "max_tokens", "from 1 to")]
    [TestCase("""{"model":"eaio-auto","messages":[{"role":"user","content":"hi"}],"max_tokens":"ten"}""", "max_tokens", "must be an integer")]
    [TestCase("""{"model":"eaio-auto","messages":[{"role":"user","content":"hi"}],"max_completion_tokens":10,"max_tokens":0}""", "max_tokens", "from 1 to")]
    [TestCase("""{"model":"eaio-auto","messages":[{"role":"user","content":"hi"}],"max_completion_tokens":10,"max_tokens":"ten"}""", "max_tokens", "must be an integer")]
    [TestCase("""{"model":"eaio-auto","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:text/plain;base64,aGVsbG8="}}]}]}""", "messages[0].content[0].image_url.url", "only image/* data: URIs are allowed")]
    [TestCase("""{"model":"eaio-auto","messages":[{"role":"user","content":"hi"}],"temperature":3}""", "temperature", "from 0 to 2")]
    [TestCase("""{"model":"eaio-auto","messages":[{"role":"user","content":"hi"}],"n":2}""", "n", "own budget hold and its own restoration")]
    [TestCase("""{"model":"eaio-auto","messages":[{"role":"user","content":"hi"}],"stream_options":{"include_usage":true}}""", "stream_options", "only allowed when 'stream' is true")]
    [TestCase("""{"model":"eaio-auto","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function"}]}""", "tools[0].function", "is required")]
    [TestCase("""{"model":"eaio-auto","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"web_search"}]}""", "tools[0].type", "allowed: function")]
    [TestCase("""{"model":"eaio-auto","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"a b"}}]}""", "tools[0].function.name", "letters, digits")]
    [TestCase("""{"model":"eaio-auto","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"a"}}],"tool_choice":{"type":"function","function":{"name":"b"}}}""", "tool_choice.function.name", "declared: a")]
    [TestCase("""{"model":"eaio-auto","messages":[{"role":"user","content":"hi"}],"tool_choice":"required"}""", "tool_choice", "declares none")]
    [TestCase("""{"model":"eaio-auto","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"a"}}],"response_format":{"type":"json_schema","json_schema":{"name":"s","strict":true,"schema":{"type":"object"}}}}""", "tools[0].function.strict", "one 'strict' per request")]
    [TestCase("""{"model":"eaio-auto","messages":[{"role":"user","content":"hi"}],"functions":[{"name":"a"}]}""", "functions", "send 'tools'")]
    [TestCase("""{"model":"eaio-auto","messages":[{"role":"function","name":"a","content":"hi"}]}""", "messages[0].role", "send role 'tool'")]
    [TestCase("""{"model":"eaio-auto","messages":[{"role":"tool","content":"hi"}]}""", "messages[0].tool_call_id", "is required")]
    [TestCase("""{"model":"eaio-auto","messages":[{"role":"assistant","content":null}]}""", "messages[0].content", "is required")]
    [TestCase("""{"model":"eaio-auto","messages":[{"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"name":"a","arguments":"{not json"}}]}]}""", "messages[0].tool_calls[0].function.arguments", "not valid JSON")]
    [TestCase("""{"model":"eaio-auto","messages":[{"role":"user","content":"hi"}],"top_logprobs":2}""", "top_logprobs", "needs 'logprobs': true")]
    [TestCase("""{"model":"eaio-auto","messages":[{"role":"user","content":"hi"}],"logprobs":true,"top_logprobs":21}""", "top_logprobs", "from 0 to 20")]
    [TestCase("""{"model":"eaio-auto","messages":[{"role":"user","content":"hi"}],"logprobs":"yes"}""", "logprobs", "must be")]
    [TestCase("""{"model":"eaio-auto","messages":[{"role":"user","content":"hi"}],"user":42}""", "user", "must be a non-empty string")]
    [TestCase("""{"model":"eaio-auto","messages":[{"role":"user","content":"hi"}],"user":"jane@example.com","safety_identifier":"jane"}""", "safety_identifier", "one end-user id per request")]
    [TestCase("""{"model":"eaio-auto","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://example.com/a.png","detail":"ultra"}}]}]}""", "messages[0].content[0].image_url.detail", "allowed: auto, low, high")]
    [TestCase("""{"model":"eaio-auto","messages":[{"role":"user","content":"hi"}],"metadata":{"eaio_privacy":"secret"}}""", "metadata.eaio_privacy", "allowed: private, enhanced, public")]
    public async Task An_invalid_body_gets_400_naming_the_field_and_what_is_allowed(string body, string? param, string fragment)
    {
        using HttpResponseMessage response = await _gateway.PostAsync(GatewayHarness.PublicKey, body);
        JsonElement error = await ErrorAsync(response, HttpStatusCode.BadRequest);

        Assert.That(error.GetProperty("type").GetString(), Is.EqualTo("invalid_request_error"));
        Assert.That(param is null ? error.GetProperty("param").ValueKind == JsonValueKind.Null : error.GetProperty("param").GetString() == param, Is.True, error.ToString());
        Assert.That(error.GetProperty("message").GetString(), Does.Contain(fragment));
        Assert.That(_gateway.Ollama.ChatRequestCount + _gateway.OpenAI.ChatRequestCount, Is.Zero);
    }

    [Test]
    public async Task An_unknown_model_gets_404_model_not_found()
    {
        using HttpResponseMessage response = await _gateway.PostAsync(GatewayHarness.PublicKey, GatewayHarness.Body("hi", "deepseek/deepseek-chat"));
        JsonElement error = await ErrorAsync(response, HttpStatusCode.NotFound);

        Assert.That(error.GetProperty("code").GetString(), Is.EqualTo("model_not_found"));
        Assert.That(error.GetProperty("message").GetString(), Does.Contain("GET /v1/models"));
    }

    [Test]
    public async Task The_model_list_offers_eaio_auto_and_the_catalogue_models_the_key_may_pin()
    {
        string[] forPublic = await ModelIdsAsync(GatewayHarness.PublicKey);
        string[] forPrivate = await ModelIdsAsync(GatewayHarness.PrivateKey);

        Assert.That(forPublic[0], Is.EqualTo("eaio-auto"));
        Assert.That(forPublic, Does.Contain("ollama/llama3.2:3b").And.Contain("openai/gpt-4o-mini").And.Contain("openai/gpt-4o"));
        Assert.That(forPublic.Where(id => id.StartsWith("deepseek/", StringComparison.Ordinal)), Is.Empty, "DeepSeek has no key here, so no plan could use it");
        Assert.That(forPrivate, Does.Contain("eaio-auto").And.Contain("ollama/qwen2.5:7b"));
        Assert.That(forPrivate.Where(id => !id.StartsWith("ollama/", StringComparison.Ordinal)), Is.EqualTo(new[] { "eaio-auto" }));

        using HttpResponseMessage anonymous = await _gateway.Http.GetAsync(new Uri("v1/models", UriKind.Relative));
        Assert.That(anonymous.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task With_the_local_model_down_a_private_request_gets_503_and_never_goes_out()
    {
        await _gateway.Ollama.DisposeAsync();

        using HttpResponseMessage response = await _gateway.PostAsync(GatewayHarness.PrivateKey, GatewayHarness.Body("Hello"));
        JsonElement error = await ErrorAsync(response, HttpStatusCode.ServiceUnavailable);

        Assert.That(error.GetProperty("code").GetString(), Is.EqualTo("no_route_available"));
        Assert.That(error.GetProperty("message").GetString(), Does.Contain("ollama serve"));
        Assert.That(_gateway.OpenAI.Requests, Is.Empty);
    }

    [Test]
    public async Task Healthz_reports_the_router_check()
    {
        using HttpResponseMessage response = await _gateway.Http.GetAsync(new Uri("healthz", UriKind.Relative));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("Healthy"));
    }

    [Test]
    public async Task The_report_endpoint_needs_an_admin_key_and_covers_the_requests_served()
    {
        using HttpResponseMessage chat = await _gateway.PostAsync(GatewayHarness.PrivateKey, GatewayHarness.Body("What is a kWh?"));
        Assert.That(chat.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<IRequestLog>(_gateway.App.Services).FlushAsync();

        using HttpResponseMessage anonymous = await _gateway.Http.GetAsync(new Uri("v1/eaio/report", UriKind.Relative));
        using HttpResponseMessage report = await ReportAsync(GatewayHarness.AdminKey, "?days=7");

        Assert.That(anonymous.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(report.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        using JsonDocument json = JsonDocument.Parse(await report.Content.ReadAsStringAsync());
        Assert.That(json.RootElement.GetProperty("requests").GetInt32(), Is.GreaterThanOrEqualTo(1));
        Assert.That(json.RootElement.GetProperty("models").EnumerateArray().Select(m => m.GetProperty("provider").GetString()), Does.Contain(EaioProviders.Ollama));
    }

    [TestCase(GatewayHarness.PublicKey)]
    [TestCase(GatewayHarness.PrivateKey)]
    public async Task The_report_covers_every_tenant_so_a_key_without_Admin_gets_403(string key)
    {
        using HttpResponseMessage response = await ReportAsync(key, "");
        JsonElement error = await ErrorAsync(response, HttpStatusCode.Forbidden);

        Assert.That(error.GetProperty("type").GetString(), Is.EqualTo("permission_error"));
        Assert.That(error.GetProperty("code").GetString(), Is.EqualTo("admin_key_required"));
        Assert.That(error.GetProperty("message").GetString(), Does.Contain("Gateway:Keys:n:Admin"));
    }

    [TestCase("0")]
    [TestCase("93")]
    [TestCase("366")]
    [TestCase("a-week")]
    public async Task The_report_accepts_days_from_1_to_92_only(string days)
    {
        using HttpResponseMessage response = await ReportAsync(GatewayHarness.AdminKey, "?days=" + days);
        JsonElement error = await ErrorAsync(response, HttpStatusCode.BadRequest);

        Assert.That(error.GetProperty("param").GetString(), Is.EqualTo("days"));
        Assert.That(error.GetProperty("message").GetString(), Does.Contain("from 1 to 92"));

        using HttpResponseMessage longest = await ReportAsync(GatewayHarness.AdminKey, "?days=92");
        Assert.That(longest.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public void Without_urls_the_gateway_listens_on_loopback_only()
    {
        WebApplication app = GatewayApp.Create([], b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Gateway:Keys:0:Key"] = GatewayHarness.PublicKey,
            ["Gateway:Keys:0:Tenant"] = "web",
            ["Eaio:DataDirectory"] = _gateway.DataDirectory,
        }));
        try
        {
            Assert.That(app.Configuration["urls"], Is.EqualTo("http://127.0.0.1:8080"));
        }
        finally
        {
            ((IDisposable)app).Dispose();
        }
    }

    [Test]
    public void Invalid_keys_fail_at_start_with_messages_that_never_show_a_key()
    {
        const string ShortKey = "short-key";
        EaioConfigurationException? ex = Assert.Throws<EaioConfigurationException>(() => GatewayApp.Create([], b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Gateway:Keys:0:Key"] = ShortKey,
            ["Gateway:Keys:0:Tenant"] = "web",
            ["Gateway:Keys:1:Key"] = GatewayHarness.PublicKey,
            ["Gateway:Keys:1:Tenant"] = "web",
            ["Gateway:Keys:1:MaxPrivacy"] = "secret",
            ["Eaio:DataDirectory"] = _gateway.DataDirectory,
        })));

        Assert.That(ex!.Message, Does.Contain("Gateway:Keys:0:Key must be set to at least 16 characters"));
        Assert.That(ex.Message, Does.Contain("Gateway:Keys:1:MaxPrivacy is 'secret'; allowed: Private, Enhanced, Public"));
        Assert.That(ex.Message, Does.Not.Contain(ShortKey).And.Not.Contain(GatewayHarness.PublicKey));

        EaioConfigurationException? none = Assert.Throws<EaioConfigurationException>(() => GatewayApp.Create([], b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Eaio:DataDirectory"] = _gateway.DataDirectory,
        })));
        Assert.That(none!.Message, Does.Contain("Gateway:Keys is empty"));
    }

    [Test]
    public void Tenant_names_that_differ_only_in_case_or_contain_a_colon_fail_at_start()
    {
        // Tenants become configuration keys (TenantBudgets:acme), and configuration keys ignore case and split on ':'.
        EaioConfigurationException? ex = Assert.Throws<EaioConfigurationException>(() => GatewayApp.Create([], b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Gateway:Keys:0:Key"] = GatewayHarness.PublicKey,
            ["Gateway:Keys:0:Tenant"] = "acme",
            ["Gateway:Keys:0:MonthlyBudgetUsd"] = "10",
            ["Gateway:Keys:1:Key"] = GatewayHarness.EnhancedKey,
            ["Gateway:Keys:1:Tenant"] = "Acme",
            ["Gateway:Keys:1:MonthlyBudgetUsd"] = "500",
            ["Gateway:Keys:2:Key"] = GatewayHarness.PrivateKey,
            ["Gateway:Keys:2:Tenant"] = "plant:north",
            ["Eaio:DataDirectory"] = _gateway.DataDirectory,
        })));

        Assert.That(ex!.Message, Does.Contain("Gateway:Keys:1:Tenant 'Acme'").And.Contain("'acme' (Gateway:Keys:0)").And.Contain("only in case"));
        Assert.That(ex.Message, Does.Contain("Gateway:Keys:2:Tenant 'plant:north'").And.Contain("':'"));
    }

    [Test]
    public async Task A_usage_chunk_without_reported_usage_says_usage_null_instead_of_zeros()
    {
        // A provider that reports no usage leaves the streamed decision without a cost: nothing is known, so nothing is invented.
        HybridRouterChatClient router = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions
            .GetRequiredService<IChatClient>(_gateway.App.Services).GetService<HybridRouterChatClient>()!;
        RoutePlan plan = router.Explain([new ChatMessage(ChatRole.User, "Hello")]);
        RouteDecision decision = new("ollama", "llama3.2:3b", ProviderTier.Local, ["test"], [], null, plan);
        Microsoft.AspNetCore.Http.DefaultHttpContext context = new();
        using MemoryStream body = new();
        context.Response.Body = body;

        await OpenAIWire.WriteStreamEndAsync(context.Response, "chatcmpl-test", 0, decision, null, null, usage: null, includeUsage: true, requestedMaxOutputTokens: null, calledTools: false, CancellationToken.None);

        string[] events = System.Text.Encoding.UTF8.GetString(body.ToArray()).Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.That(events[^1], Is.EqualTo("data: [DONE]"));
        JsonElement last = JsonDocument.Parse(events[^2]["data: ".Length..]).RootElement;
        Assert.That(last.GetProperty("choices").GetArrayLength(), Is.Zero, "the usage chunk is still sent");
        Assert.That(last.GetProperty("usage").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That(last.GetProperty("eaio").GetProperty("cost_usd").ValueKind, Is.EqualTo(JsonValueKind.Null));
    }

    private async Task<HttpResponseMessage> ReportAsync(string key, string query)
    {
        using HttpRequestMessage request = new(HttpMethod.Get, "v1/eaio/report" + query);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        return await _gateway.Http.SendAsync(request);
    }

    private async Task<string[]> ModelIdsAsync(string key)
    {
        using HttpRequestMessage request = new(HttpMethod.Get, "v1/models");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        using HttpResponseMessage response = await _gateway.Http.SendAsync(request);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        using JsonDocument body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.That(body.RootElement.GetProperty("object").GetString(), Is.EqualTo("list"));
        return [.. body.RootElement.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()!)];
    }

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

    private static async Task<List<string>> EventsAsync(HttpResponseMessage response)
    {
        string text = await response.Content.ReadAsStringAsync();
        Assert.That(text, Does.EndWith("\n\n"));
        return [.. text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(e =>
        {
            Assert.That(e, Does.StartWith("data: "));
            return e["data: ".Length..];
        })];
    }
}
