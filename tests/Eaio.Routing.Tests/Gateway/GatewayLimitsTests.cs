using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Eaio.Routing.Gateway;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>The gateway's limits over real HTTP on loopback: per-tenant rates, Retry-After, budgets, feedback.</summary>
public sealed class GatewayLimitsTests
{
    private GatewayHarness? _gateway;

    [TearDown]
    public async Task Stop()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }
    }

    [Test]
    public async Task A_tenant_over_its_request_limit_gets_429_with_Retry_After_while_another_tenant_is_served()
    {
        GatewayHarness gateway = await StartAsync(new() { ["Gateway:Limits:Tenants:web:RequestsPerMinute"] = "2" });

        for (int i = 0; i < 2; i++)
        {
            using HttpResponseMessage served = await gateway.PostAsync(GatewayHarness.PublicKey, GatewayHarness.Body("Hello"));
            Assert.That(served.StatusCode, Is.EqualTo(HttpStatusCode.OK), await served.Content.ReadAsStringAsync());
        }

        using HttpResponseMessage limited = await gateway.PostAsync(GatewayHarness.PublicKey, GatewayHarness.Body("Hello"));
        JsonElement error = await ErrorAsync(limited, HttpStatusCode.TooManyRequests);
        Assert.That(error.GetProperty("code").GetString(), Is.EqualTo("rate_limit_exceeded"));
        Assert.That(error.GetProperty("type").GetString(), Is.EqualTo("requests"));
        Assert.That(error.GetProperty("message").GetString(), Does.Contain("'web'").And.Contain("2 requests per minute"));
        Assert.That(RetryAfterSeconds(limited), Is.InRange(1, 60));

        using HttpResponseMessage other = await gateway.PostAsync(GatewayHarness.EnhancedKey, GatewayHarness.Body("Hello"));
        Assert.That(other.StatusCode, Is.EqualTo(HttpStatusCode.OK), "another tenant has its own limit");
        Assert.That(gateway.OpenAI.ChatRequestCount, Is.EqualTo(2), "the refused request never reached a provider");
    }

    [Test]
    public async Task A_tenant_that_used_its_tokens_gets_429_tokens_while_another_tenant_is_served()
    {
        // Ollama answers with 12 input and 3 output tokens: 15 a request, taken after the answer.
        GatewayHarness gateway = await StartAsync(new() { ["Gateway:Limits:Tenants:plant:TokensPerMinute"] = "20" });

        for (int i = 0; i < 2; i++)
        {
            using HttpResponseMessage served = await gateway.PostAsync(GatewayHarness.PrivateKey, GatewayHarness.Body("Hello"));
            Assert.That(served.StatusCode, Is.EqualTo(HttpStatusCode.OK), await served.Content.ReadAsStringAsync());
        }

        using HttpResponseMessage limited = await gateway.PostAsync(GatewayHarness.PrivateKey, GatewayHarness.Body("Hello"));
        JsonElement error = await ErrorAsync(limited, HttpStatusCode.TooManyRequests);
        Assert.That(error.GetProperty("type").GetString(), Is.EqualTo("tokens"));
        Assert.That(error.GetProperty("message").GetString(), Does.Contain("20 tokens per minute"));
        Assert.That(RetryAfterSeconds(limited), Is.InRange(1, 60));

        using HttpResponseMessage other = await gateway.PostAsync(GatewayHarness.AdminKey, GatewayHarness.Body("Hello"));
        Assert.That(other.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(gateway.Ollama.ChatRequestCount, Is.EqualTo(3));
    }

    [Test]
    public async Task A_503_from_a_provider_rate_limit_carries_the_limiters_Retry_After()
    {
        // A 3,000-token provider limit and a 2,000-token output limit: the second pinned call does not fit. The circuit
        // break (the fallback) is 7 s, so a Retry-After of 10 s or more came from the token bucket's lease.
        GatewayHarness gateway = await StartAsync(new() { ["Eaio:TokensPerMinute"] = "3000", ["Eaio:CircuitBreakSec"] = "7" });
        string body = GatewayHarness.Body("Hello", "openai/gpt-4o-mini", ",\"max_tokens\":2000");

        using HttpResponseMessage first = await gateway.PostAsync(GatewayHarness.PublicKey, body);
        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.OK), await first.Content.ReadAsStringAsync());
        using HttpResponseMessage second = await gateway.PostAsync(GatewayHarness.PublicKey, body);
        JsonElement error = await ErrorAsync(second, HttpStatusCode.ServiceUnavailable);

        Assert.That(error.GetProperty("code").GetString(), Is.EqualTo("no_route_available"));
        Assert.That(error.GetProperty("message").GetString(), Does.Contain("token rate limit"));
        Assert.That(RetryAfterSeconds(second), Is.InRange(10, 60));
    }

    [Test]
    public async Task A_503_without_a_known_retry_time_carries_the_circuit_break_as_Retry_After()
    {
        GatewayHarness gateway = await StartAsync(new() { ["Eaio:CircuitBreakSec"] = "7" });
        await gateway.Ollama.DisposeAsync();

        using HttpResponseMessage response = await gateway.PostAsync(GatewayHarness.PrivateKey, GatewayHarness.Body("Hello"));
        await ErrorAsync(response, HttpStatusCode.ServiceUnavailable);

        Assert.That(RetryAfterSeconds(response), Is.EqualTo(7));
    }

    [Test]
    public async Task An_unhealthy_healthz_503_carries_Retry_After_too()
    {
        GatewayHarness gateway = await StartAsync(new() { ["Eaio:CircuitBreakSec"] = "7" });
        await gateway.Ollama.DisposeAsync();

        using HttpResponseMessage response = await gateway.Http.GetAsync(new Uri("healthz", UriKind.Relative));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable), await response.Content.ReadAsStringAsync());
        Assert.That(RetryAfterSeconds(response), Is.EqualTo(7));
    }

    [Test]
    public async Task The_gateway_runs_with_provider_limits_sized_for_a_gateway_unless_configured()
    {
        GatewayHarness gateway = await StartAsync([]);
        EaioHybridChatOptions options = gateway.App.Services.GetRequiredService<EaioHybridChatOptions>();
        Assert.That(options.RequestsPerMinute, Is.EqualTo(10_000));
        Assert.That(options.TokensPerMinute, Is.EqualTo(10_000_000));
        await gateway.DisposeAsync();

        _gateway = await GatewayHarness.StartAsync(new Dictionary<string, string?> { ["Eaio:RequestsPerMinute"] = "250" });
        Assert.That(_gateway.App.Services.GetRequiredService<EaioHybridChatOptions>().RequestsPerMinute, Is.EqualTo(250), "configuration wins over the gateway's default");
    }

    [Test]
    public void Invalid_tenant_limits_fail_at_start_naming_the_setting()
    {
        EaioConfigurationException? ex = Assert.Throws<EaioConfigurationException>(() => GatewayApp.Create([], b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Gateway:Keys:0:Key"] = GatewayHarness.PublicKey,
            ["Gateway:Keys:0:Tenant"] = "web",
            ["Gateway:Limits:RequestsPerMinute"] = "0",
            ["Gateway:Limits:Tenants:wbe:TokensPerMinute"] = "100",
            ["Eaio:DataDirectory"] = Path.Combine(Path.GetTempPath(), "eaio-tests", "limits-" + Guid.NewGuid().ToString("N")),
        })));

        Assert.That(ex!.Message, Does.Contain("Gateway:Limits:RequestsPerMinute is '0'; allowed: a whole number of 1 or more"));
        Assert.That(ex.Message, Does.Contain("tenant 'wbe'").And.Contain("allowed: web"));
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task An_auto_request_answered_locally_because_of_the_budget_says_so(bool stream)
    {
        GatewayHarness gateway = await StartAsync([]);
        string extra = stream ? ",\"stream\":true" : "";

        // Tenant 'tiny' has $0.0001: gpt-4o-mini with its 1,024-token output limit costs more than 5 % of it.
        using HttpResponseMessage tiny = await gateway.PostAsync(GatewayHarness.TinyBudgetKey, GatewayHarness.Body("Give me three tips for office lighting.", extra: extra));
        Assert.That(tiny.StatusCode, Is.EqualTo(HttpStatusCode.OK), await tiny.Content.ReadAsStringAsync());
        Assert.That(tiny.Headers.GetValues(OpenAIWire.ProviderHeader).Single(), Is.EqualTo("ollama"));
        Assert.That(tiny.Headers.GetValues("X-Eaio-Budget").Single(), Is.EqualTo("exhausted"));
        Assert.That((await EaioAsync(tiny, stream)).GetProperty("budget").GetString(), Is.EqualTo("exhausted"));

        // The same request of a tenant with budget goes out, and says nothing of the kind.
        using HttpResponseMessage web = await gateway.PostAsync(GatewayHarness.PublicKey, GatewayHarness.Body("Give me three tips for office lighting.", extra: extra));
        Assert.That(web.Headers.GetValues(OpenAIWire.ProviderHeader).Single(), Is.EqualTo("openai"));
        Assert.That(web.Headers.Contains("X-Eaio-Budget"), Is.False);
        Assert.That((await EaioAsync(web, stream)).GetProperty("budget").GetString(), Is.EqualTo("ok"));

        // A PRIVATE request stays local whatever the budget: that is not the budget's doing.
        using HttpResponseMessage plant = await gateway.PostAsync(GatewayHarness.PrivateKey, GatewayHarness.Body("Hello", extra: extra));
        Assert.That(plant.Headers.Contains("X-Eaio-Budget"), Is.False);
        Assert.That((await EaioAsync(plant, stream)).GetProperty("budget").GetString(), Is.EqualTo("ok"));
    }

    [Test]
    public async Task A_pinned_request_over_budget_gets_a_one_sentence_402_with_what_is_left_and_what_to_do()
    {
        GatewayHarness gateway = await StartAsync([]);

        using HttpResponseMessage response = await gateway.PostAsync(GatewayHarness.TinyBudgetKey, GatewayHarness.Body("Write a long essay on HVAC.", "openai/gpt-4o-mini"));
        JsonElement error = await ErrorAsync(response, HttpStatusCode.PaymentRequired);
        string message = error.GetProperty("message").GetString()!;

        Assert.That(error.GetProperty("code").GetString(), Is.EqualTo("budget_exceeded"));
        Assert.That(error.GetProperty("type").GetString(), Is.EqualTo("insufficient_quota"));
        Assert.That(message, Does.StartWith("Tenant 'tiny' has $0.0001 of its $0.0001 budget left until "));
        Assert.That(message, Does.Contain("'eaio-auto'").And.Contain("max_tokens").And.Contain("MonthlyBudgetUsd"));
        Assert.That(message.Length, Is.LessThan(300), message);
        Assert.That(message, Does.EndWith(".").And.Not.Contain(". "), "one sentence");
        Assert.That(gateway.OpenAI.Requests, Is.Empty);
    }

    [Test]
    public async Task The_budget_endpoint_shows_each_key_its_own_tenants_budget_only()
    {
        GatewayHarness gateway = await StartAsync([]);
        using HttpResponseMessage paid = await gateway.PostAsync(GatewayHarness.PublicKey, GatewayHarness.Body("Hello"));
        Assert.That(paid.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        decimal cost = decimal.Parse(paid.Headers.GetValues(OpenAIWire.CostHeader).Single(), CultureInfo.InvariantCulture);

        JsonElement web = await GetJsonAsync(gateway, GatewayHarness.PublicKey, "v1/eaio/budget");
        JsonElement tiny = await GetJsonAsync(gateway, GatewayHarness.TinyBudgetKey, "v1/eaio/budget");

        Assert.That(web.GetProperty("object").GetString(), Is.EqualTo("eaio.budget"));
        Assert.That(web.GetProperty("tenant").GetString(), Is.EqualTo("web"));
        Assert.That(web.GetProperty("limit_usd").GetDecimal(), Is.EqualTo(100m));
        Assert.That(web.GetProperty("spent_usd").GetDecimal(), Is.EqualTo(cost).And.GreaterThan(0m));
        Assert.That(web.GetProperty("reserved_usd").GetDecimal(), Is.Zero);
        Assert.That(web.GetProperty("remaining_usd").GetDecimal(), Is.EqualTo(100m - cost));
        Assert.That(DateTimeOffset.Parse(web.GetProperty("period_end").GetString()!, CultureInfo.InvariantCulture), Is.GreaterThan(DateTimeOffset.UtcNow));
        Assert.That(tiny.GetProperty("tenant").GetString(), Is.EqualTo("tiny"));
        Assert.That(tiny.GetProperty("limit_usd").GetDecimal(), Is.EqualTo(0.0001m));
        Assert.That(tiny.GetProperty("spent_usd").GetDecimal(), Is.Zero, "another tenant's spending is not this one's");

        using HttpRequestMessage other = new(HttpMethod.Get, "v1/eaio/budget?tenant=web");
        other.Headers.Authorization = new AuthenticationHeaderValue("Bearer", GatewayHarness.TinyBudgetKey);
        using HttpResponseMessage refused = await gateway.Http.SendAsync(other);
        JsonElement error = await ErrorAsync(refused, HttpStatusCode.Forbidden);
        Assert.That(error.GetProperty("param").GetString(), Is.EqualTo("tenant"));
    }

    [Test]
    public async Task Feedback_scores_the_keys_own_response_and_a_response_of_another_tenant_is_404()
    {
        GatewayHarness gateway = await StartAsync([]);
        using HttpResponseMessage answered = await gateway.PostAsync(GatewayHarness.PublicKey, GatewayHarness.Body("Hello"));
        using JsonDocument completion = JsonDocument.Parse(await answered.Content.ReadAsStringAsync());
        string id = completion.RootElement.GetProperty("id").GetString()!;

        using HttpResponseMessage foreign = await PostFeedbackAsync(gateway, GatewayHarness.EnhancedKey, $$"""{"response_id":"{{id}}","score":0}""");
        JsonElement notFound = await ErrorAsync(foreign, HttpStatusCode.NotFound);
        Assert.That(notFound.GetProperty("param").GetString(), Is.EqualTo("response_id"));
        Assert.That(notFound.GetProperty("code").GetString(), Is.EqualTo("response_not_found"));

        using HttpResponseMessage unknown = await PostFeedbackAsync(gateway, GatewayHarness.PublicKey, """{"response_id":"chatcmpl-eaio-unknown","score":1}""");
        await ErrorAsync(unknown, HttpStatusCode.NotFound);

        using HttpResponseMessage own = await PostFeedbackAsync(gateway, GatewayHarness.PublicKey, $$"""{"response_id":"{{id}}","score":0.8}""");
        Assert.That(own.StatusCode, Is.EqualTo(HttpStatusCode.OK), await own.Content.ReadAsStringAsync());
        using JsonDocument ack = JsonDocument.Parse(await own.Content.ReadAsStringAsync());
        Assert.That(ack.RootElement.GetProperty("logged").GetBoolean(), Is.True);

        IRequestLog log = gateway.App.Services.GetRequiredService<IRequestLog>();
        List<RequestLogEntry> entries = [];
        await foreach (RequestLogEntry entry in log.ReadAsync(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(1)))
        {
            entries.Add(entry);
        }

        Assert.That(entries.Single(e => e.Outcome == RequestOutcome.Succeeded).QualityScore, Is.EqualTo(0.8), "the other tenant's score of 0 was not recorded");
    }

    [Test]
    public async Task Feedback_on_a_streamed_response_reaches_the_request_log()
    {
        GatewayHarness gateway = await StartAsync([]);
        using HttpResponseMessage answered = await gateway.PostAsync(GatewayHarness.PrivateKey, GatewayHarness.Body("Hello", extra: ",\"stream\":true"));
        string id = (await ChunksAsync(answered))[0].GetProperty("id").GetString()!;

        using HttpResponseMessage own = await PostFeedbackAsync(gateway, GatewayHarness.PrivateKey, $$"""{"response_id":"{{id}}","score":1}""");
        Assert.That(own.StatusCode, Is.EqualTo(HttpStatusCode.OK), await own.Content.ReadAsStringAsync());
        using JsonDocument ack = JsonDocument.Parse(await own.Content.ReadAsStringAsync());
        Assert.That(ack.RootElement.GetProperty("logged").GetBoolean(), Is.True);
    }

    [TestCase("{", null, "not valid JSON")]
    [TestCase("[]", null, "must be a JSON object")]
    [TestCase("""{"score":1}""", "response_id", "'response_id' is required")]
    [TestCase("""{"response_id":"","score":1}""", "response_id", "'response_id' is required")]
    [TestCase("""{"response_id":"chatcmpl-eaio-x"}""", "score", "'score' is required")]
    [TestCase("""{"response_id":"chatcmpl-eaio-x","score":1.5}""", "score", "from 0 (useless) to 1 (perfect)")]
    [TestCase("""{"response_id":"chatcmpl-eaio-x","score":"good"}""", "score", "from 0 (useless) to 1 (perfect)")]
    public async Task Invalid_feedback_gets_400_naming_the_field(string body, string? param, string fragment)
    {
        GatewayHarness gateway = await StartAsync([]);
        using HttpResponseMessage response = await PostFeedbackAsync(gateway, GatewayHarness.PublicKey, body);
        JsonElement error = await ErrorAsync(response, HttpStatusCode.BadRequest);

        Assert.That(param is null ? error.GetProperty("param").ValueKind == JsonValueKind.Null : error.GetProperty("param").GetString() == param, Is.True, error.ToString());
        Assert.That(error.GetProperty("message").GetString(), Does.Contain(fragment));
    }

    private async Task<GatewayHarness> StartAsync(Dictionary<string, string?> settings) => _gateway = await GatewayHarness.StartAsync(settings);

    private static int RetryAfterSeconds(HttpResponseMessage response)
    {
        Assert.That(response.Headers.RetryAfter?.Delta, Is.Not.Null, "Retry-After is missing");
        return (int)response.Headers.RetryAfter!.Delta!.Value.TotalSeconds;
    }

    private static Task<HttpResponseMessage> PostFeedbackAsync(GatewayHarness gateway, string key, string body)
    {
        HttpRequestMessage request = new(HttpMethod.Post, "v1/eaio/feedback") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return gateway.Http.SendAsync(request);
    }

    private static async Task<JsonElement> GetJsonAsync(GatewayHarness gateway, string key, string path)
    {
        using HttpRequestMessage request = new(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using HttpResponseMessage response = await gateway.Http.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task<JsonElement> EaioAsync(HttpResponseMessage response, bool stream)
    {
        if (stream)
        {
            return (await ChunksAsync(response))[^1].GetProperty("eaio");
        }

        using JsonDocument body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("eaio").Clone();
    }

    private static async Task<List<JsonElement>> ChunksAsync(HttpResponseMessage response)
    {
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/event-stream"));
        string text = await response.Content.ReadAsStringAsync();
        List<string> events = [.. text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(e => e["data: ".Length..])];
        Assert.That(events[^1], Is.EqualTo("[DONE]"));
        return [.. events.SkipLast(1).Select(e => JsonDocument.Parse(e).RootElement.Clone())];
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
}
