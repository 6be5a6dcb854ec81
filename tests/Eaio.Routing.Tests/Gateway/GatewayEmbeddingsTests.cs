using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using OpenAI;
using OpenAI.Embeddings;

namespace Eaio.Routing.Tests;

/// <summary>
/// <c>POST /v1/embeddings</c> driven by the official OpenAI .NET SDK's <see cref="EmbeddingClient"/> over real HTTP:
/// PUBLIC text embedded by the OpenAI stand-in with its cost on the tenant's budget and an audit record, a PRIVATE key's
/// text embedded by Ollama and never sent out, and an external pin on a PRIVATE key refused.
/// </summary>
public sealed class GatewayEmbeddingsTests
{
    private const string Marker = "EAIO-EMBED-GATEWAY-MARKER-9d2c";

    private GatewayHarness _gateway = null!;

    [SetUp]
    public async Task Start() => _gateway = await GatewayHarness.StartAsync();

    [TearDown]
    public async Task Stop() => await _gateway.DisposeAsync();

    [Test]
    public async Task Public_text_is_embedded_externally_charged_to_the_tenant_and_audited()
    {
        string[] inputs = ["weekly energy use of an office", "chiller efficiency"];

        OpenAIEmbeddingCollection embeddings = (await Client("text-embedding-3-small").GenerateEmbeddingsAsync(inputs)).Value;

        Assert.That(embeddings.Select(e => e.ToFloats().ToArray()), Is.EqualTo(inputs.Select(LoopbackOpenAIServer.Vector)));
        Assert.That(embeddings.Model, Is.EqualTo("openai/text-embedding-3-small"));
        Assert.That(embeddings.Usage.InputTokenCount, Is.EqualTo(LoopbackOpenAIServer.EmbeddingTokens(inputs)));
        decimal expected = LoopbackOpenAIServer.EmbeddingTokens(inputs) * 0.02m / 1_000_000m;
        Assert.That((await _gateway.App.Services.GetRequiredService<IBudgetLedger>().GetStatusAsync("web")).SpentUsd, Is.EqualTo(expected));
        List<AuditRecord> records = await _gateway.App.Services.GetRequiredService<IAuditLog>().ReadAllAsync().ToListAsync();
        Assert.That(records.Select(r => (r.Entry.Provider, r.Entry.Model, r.Entry.TenantId, r.Entry.Outcome)), Is.EqualTo(new[] { ("openai", "text-embedding-3-small", (string?)"web", "ok") }));
    }

    [Test]
    public async Task A_PRIVATE_keys_text_is_embedded_locally_and_never_reaches_the_external_provider()
    {
        OpenAIEmbeddingCollection embeddings = (await Client("eaio-auto", GatewayHarness.PrivateKey).GenerateEmbeddingsAsync([Marker])).Value;

        Assert.That(embeddings.Single().ToFloats().ToArray(), Is.EqualTo(LoopbackOllamaServer.Vector(Marker)));
        Assert.That(embeddings.Model, Is.EqualTo("ollama/nomic-embed-text"));
        Assert.That(_gateway.Ollama.Requests.Count(r => r.Path == "/api/embed" && r.Body.Contains(Marker, StringComparison.Ordinal)), Is.EqualTo(1));
        Assert.That(_gateway.OpenAI.Requests.Where(r => r.Body.Contains(Marker, StringComparison.Ordinal)), Is.Empty);
    }

    [Test]
    public async Task A_PRIVATE_key_pinning_the_external_model_is_refused_with_403()
    {
        using HttpResponseMessage response = await _gateway.PostToAsync("v1/embeddings", GatewayHarness.PrivateKey, $$"""{"model":"text-embedding-3-small","input":"{{Marker}}"}""");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["code"]!.GetValue<string>(), Is.EqualTo("privacy_blocked"));
        Assert.That(_gateway.OpenAI.Requests, Is.Empty);
        Assert.That(_gateway.Ollama.Requests.Where(r => r.Path == "/api/embed"), Is.Empty);
    }

    [Test]
    public async Task Sensitive_text_on_a_PUBLIC_key_pinned_externally_is_refused_with_403()
    {
        using HttpResponseMessage response = await _gateway.PostToAsync("v1/embeddings", GatewayHarness.PublicKey, """{"model":"openai/text-embedding-3-small","input":"mail jane.doe@example.com"}""");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), await response.Content.ReadAsStringAsync());
        Assert.That(_gateway.OpenAI.Requests, Is.Empty);
    }

    private EmbeddingClient Client(string model, string key = GatewayHarness.PublicKey) =>
        new(model, new ApiKeyCredential(key), new OpenAIClientOptions { Endpoint = new Uri(_gateway.BaseUri, "v1/"), RetryPolicy = new ClientRetryPolicy(0) });
}
