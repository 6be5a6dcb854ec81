using System.Net;
using System.Text.Json.Nodes;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>
/// A request's <c>user</c> (often an e-mail) reaches an external provider only as a pseudonym: an HMAC of the tenant and
/// the user, stable per end user and tenant, never the raw value; local routes get nothing.
/// </summary>
public sealed class GatewayEndUserTests
{
    private const string Email = "jane.doe@example.com";

    private GatewayHarness _gateway = null!;

    [SetUp]
    public async Task Start() => _gateway = await GatewayHarness.StartAsync();

    [TearDown]
    public async Task Stop() => await _gateway.DisposeAsync();

    [Test]
    public async Task The_upstream_gets_a_stable_pseudonym_of_the_user_per_tenant_never_the_raw_value()
    {
        string first = await UpstreamUserAsync(GatewayHarness.PublicKey, Email);
        string again = await UpstreamUserAsync(GatewayHarness.PublicKey, Email);
        string otherUser = await UpstreamUserAsync(GatewayHarness.PublicKey, "john.roe@example.com");
        string otherTenant = await UpstreamUserAsync(GatewayHarness.EnhancedKey, Email);

        Assert.That(first, Does.Match("^eaio-[a-p]{32}$"));
        Assert.That(again, Is.EqualTo(first));
        Assert.That(otherUser, Is.Not.EqualTo(first));
        Assert.That(otherTenant, Is.Not.EqualTo(first));
        Assert.That(_gateway.OpenAI.Requests.Select(r => r.Body), Has.None.Contains("example.com").And.None.Contains("jane"));
    }

    [Test]
    public async Task A_streamed_request_and_a_responses_request_carry_the_same_pseudonym()
    {
        string plain = await UpstreamUserAsync(GatewayHarness.PublicKey, Email);

        using HttpResponseMessage streamed = await _gateway.PostAsync(GatewayHarness.PublicKey, GatewayHarness.Body("Three tips for office lighting?", "openai/gpt-4o-mini", $$""","stream":true,"user":"{{Email}}" """));
        string events = await streamed.Content.ReadAsStringAsync();
        Assert.That(streamed.StatusCode, Is.EqualTo(HttpStatusCode.OK), events);
        Assert.That(LastUpstreamBody()["user"]!.GetValue<string>(), Is.EqualTo(plain));

        using HttpResponseMessage responses = await _gateway.PostToAsync("v1/responses", GatewayHarness.PublicKey, $$"""{"model":"openai/gpt-4o-mini","input":"Three tips for office lighting?","safety_identifier":"{{Email}}"}""");
        string text = await responses.Content.ReadAsStringAsync();
        Assert.That(responses.StatusCode, Is.EqualTo(HttpStatusCode.OK), text);
        Assert.That(LastUpstreamBody()["user"]!.GetValue<string>(), Is.EqualTo(plain));
        Assert.That(_gateway.OpenAI.Requests.Select(r => r.Body), Has.None.Contains("example.com"));
    }

    [Test]
    public async Task A_local_route_gets_no_user_at_all()
    {
        using HttpResponseMessage response = await _gateway.PostAsync(GatewayHarness.PrivateKey, GatewayHarness.Body("Three tips for office lighting?", extra: $$""","user":"{{Email}}" """));
        string text = await response.Content.ReadAsStringAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), text);
        Assert.That(_gateway.Ollama.ChatRequestCount, Is.EqualTo(1));
        Assert.That(_gateway.OpenAI.ChatRequestCount, Is.Zero);
        string body = _gateway.Ollama.Requests.Single(r => r.Path.EndsWith("/chat", StringComparison.Ordinal)).Body;
        Assert.That(body, Does.Not.Contain("example.com").And.Not.Contain("eaio-"));
        Assert.That(JsonNode.Parse(body)!["user"], Is.Null);
    }

    [Test]
    public async Task With_AUDIT_HMAC_KEY_the_pseudonym_survives_a_restart_and_without_it_it_does_not()
    {
        Dictionary<string, string?> keyed = new() { ["Eaio:AuditHmacKey"] = "a-test-audit-key-of-some-length" };
        string before = await PseudonymInFreshGatewayAsync(keyed);
        string after = await PseudonymInFreshGatewayAsync(keyed);
        string unkeyed = await PseudonymInFreshGatewayAsync(null);
        string unkeyedAgain = await PseudonymInFreshGatewayAsync(null);

        Assert.That(after, Is.EqualTo(before));
        Assert.That(unkeyed, Is.Not.EqualTo(before));
        Assert.That(unkeyedAgain, Is.Not.EqualTo(unkeyed));
    }

    private static async Task<string> PseudonymInFreshGatewayAsync(IDictionary<string, string?>? settings)
    {
        await using GatewayHarness gateway = await GatewayHarness.StartAsync(settings);
        using HttpResponseMessage response = await gateway.PostAsync(GatewayHarness.PublicKey, GatewayHarness.Body("Three tips for office lighting?", "openai/gpt-4o-mini", $$""","user":"{{Email}}" """));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return JsonNode.Parse(gateway.OpenAI.Requests[^1].Body)!["user"]!.GetValue<string>();
    }

    private async Task<string> UpstreamUserAsync(string key, string user)
    {
        using HttpResponseMessage response = await _gateway.PostAsync(key, GatewayHarness.Body("Three tips for office lighting?", "openai/gpt-4o-mini", $$""","user":"{{user}}" """));
        string text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), text);
        return LastUpstreamBody()["user"]!.GetValue<string>();
    }

    private JsonNode LastUpstreamBody() =>
        JsonNode.Parse(_gateway.OpenAI.Requests.Last(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal)).Body)!;
}
