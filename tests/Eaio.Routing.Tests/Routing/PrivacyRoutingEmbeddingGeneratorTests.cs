using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using OllamaSharp;
using OpenAI;

namespace Eaio.Routing.Tests;

/// <summary>
/// <see cref="PrivacyRoutingEmbeddingGenerator"/> over real HTTP: Ollama's <c>/api/embed</c> through OllamaSharp and
/// OpenAI's <c>/v1/embeddings</c> through the OpenAI SDK, both on loopback; the budget and the audit log in memory.
/// </summary>
public sealed class PrivacyRoutingEmbeddingGeneratorTests
{
    private const string Marker = "EAIO-EMBED-MARKER-31f0";

    private LoopbackOllamaServer _ollama = null!;
    private LoopbackOpenAIServer _openAI = null!;
    private InMemoryBudgetLedger _ledger = null!;
    private InMemoryAuditLog _audit = null!;
    private PrivacyRoutingEmbeddingGenerator _generator = null!;

    [SetUp]
    public async Task Start()
    {
        _ollama = await LoopbackOllamaServer.StartAsync();
        _openAI = await LoopbackOpenAIServer.StartAsync();
        EaioHybridChatOptions options = new() { DefaultPrivacy = PrivacyLevel.Public, MonthlyBudgetUsd = 10m };
        _ledger = new InMemoryBudgetLedger(BudgetLimits.From(options));
        _audit = new InMemoryAuditLog();
        IEmbeddingGenerator<string, Embedding<float>> openAI = new OpenAI.Embeddings.EmbeddingClient(
            "text-embedding-3-small", new ApiKeyCredential("k"), new OpenAIClientOptions { Endpoint = _openAI.BaseUri, RetryPolicy = new ClientRetryPolicy(0) }).AsIEmbeddingGenerator();
        _generator = new PrivacyRoutingEmbeddingGenerator(new OllamaApiClient(_ollama.BaseUri), openAI, options, ledger: _ledger, auditLog: _audit);
    }

    [TearDown]
    public async Task Stop()
    {
        _generator.Dispose();
        await _ollama.DisposeAsync();
        await _openAI.DisposeAsync();
    }

    [Test]
    public async Task Public_text_is_embedded_externally_with_its_cost_on_the_budget_and_an_audit_record()
    {
        string[] inputs = ["weekly energy use of an office", "chiller efficiency"];

        GeneratedEmbeddings<Embedding<float>> result = await _generator.GenerateAsync(inputs, Profile(p => p.TenantId = "web"));

        Assert.That(result.Select(e => e.Vector.ToArray()), Is.EqualTo(inputs.Select(LoopbackOpenAIServer.Vector)));
        EmbeddingRoute route = PrivacyRoutingEmbeddingGenerator.GetRoute(result)!;
        Assert.That((route.Provider, route.Model, route.Tier), Is.EqualTo((EaioProviders.OpenAI, "text-embedding-3-small", ProviderTier.External)));

        // Priced per input token: $0.02 per million, on the tokens the provider reported.
        int tokens = LoopbackOpenAIServer.EmbeddingTokens(inputs);
        Assert.That(route.Cost!.Value.Usd, Is.EqualTo(tokens * 0.02m / 1_000_000m));
        BudgetStatus status = await _ledger.GetStatusAsync("web");
        Assert.That(status.SpentUsd, Is.EqualTo(route.Cost.Value.Usd));
        Assert.That(status.ReservedUsd, Is.Zero);

        AuditRecord record = (await _audit.ReadAllAsync().ToListAsync()).Single();
        Assert.That((record.Entry.Provider, record.Entry.Model, record.Entry.Outcome, record.Entry.InputTokens), Is.EqualTo(("openai", "text-embedding-3-small", "ok", (long?)tokens)));
        Assert.That(record.Entry.PayloadHmac, Does.Not.Contain("chiller"));
        Assert.That(_ollama.Requests, Is.Empty);
    }

    [Test]
    public async Task A_PRIVATE_request_is_embedded_locally_and_never_reaches_the_external_provider()
    {
        GeneratedEmbeddings<Embedding<float>> result = await _generator.GenerateAsync([Marker], Profile(p => p.Privacy = PrivacyLevel.Private));

        Assert.That(result.Single().Vector.ToArray(), Is.EqualTo(LoopbackOllamaServer.Vector(Marker)));
        Assert.That(PrivacyRoutingEmbeddingGenerator.GetRoute(result)!.Provider, Is.EqualTo(EaioProviders.Ollama));
        Assert.That(_ollama.Requests.Single().Body, Does.Contain(Marker).And.Contain("nomic-embed-text"));
        Assert.That(_openAI.Requests, Is.Empty);
        Assert.That(await _audit.ReadAllAsync().ToListAsync(), Is.Empty);
    }

    [Test]
    public async Task Sensitive_input_at_privacy_PUBLIC_stays_local()
    {
        GeneratedEmbeddings<Embedding<float>> result = await _generator.GenerateAsync([$"{Marker} mail jane.doe@example.com"], Profile(_ => { }));

        Assert.That(PrivacyRoutingEmbeddingGenerator.GetRoute(result)!.Profile.Sensitivity, Is.EqualTo(DataSensitivity.Sensitive));
        Assert.That(PrivacyRoutingEmbeddingGenerator.GetRoute(result)!.Tier, Is.EqualTo(ProviderTier.Local));
        Assert.That(_openAI.Requests, Is.Empty);
    }

    [Test]
    public void A_request_pinned_to_the_external_provider_that_must_stay_local_is_refused_before_anything_is_sent()
    {
        PrivacyViolationException? ex = Assert.ThrowsAsync<PrivacyViolationException>(() =>
            _generator.GenerateAsync([Marker], Profile(p => { p.Privacy = PrivacyLevel.Private; p.Provider = EaioProviders.OpenAI; })));

        Assert.That(ex!.Message, Does.Contain("PRIVATE").And.Contain("locally"));
        Assert.That(_openAI.Requests, Is.Empty);
        Assert.That(_ollama.Requests, Is.Empty);
    }

    [Test]
    public async Task A_tenant_without_budget_for_the_call_is_refused_and_nothing_is_sent()
    {
        EaioHybridChatOptions options = new() { DefaultPrivacy = PrivacyLevel.Public, MonthlyBudgetUsd = 0.0000001m };
        InMemoryBudgetLedger empty = new(BudgetLimits.From(options));
        using PrivacyRoutingEmbeddingGenerator generator = new(
            new OllamaApiClient(_ollama.BaseUri),
            new OpenAI.Embeddings.EmbeddingClient("text-embedding-3-small", new ApiKeyCredential("k"), new OpenAIClientOptions { Endpoint = _openAI.BaseUri }).AsIEmbeddingGenerator(),
            options,
            ledger: empty);

        Assert.ThrowsAsync<BudgetExceededException>(() => generator.GenerateAsync([string.Join(' ', Enumerable.Repeat("energy", 200))], Profile(_ => { })));
        Assert.That(_openAI.Requests, Is.Empty);
        Assert.That((await empty.GetStatusAsync(null)).ReservedUsd, Is.Zero);
    }

    [Test]
    public void AddEaioHybridChat_registers_it_as_the_embedding_generator()
    {
        ServiceCollection services = new();
        services.AddEaioHybridChat(o =>
        {
            o.OpenAI.ApiKey = "k";
            o.DataDirectory = Path.Combine(Path.GetTempPath(), "eaio-tests", "embed-" + Guid.NewGuid().ToString("N"));
        });
        using ServiceProvider provider = services.BuildServiceProvider();

        Assert.That(provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>(), Is.TypeOf<PrivacyRoutingEmbeddingGenerator>());
    }

    private static EmbeddingGenerationOptions Profile(Action<RequestProfile> configure)
    {
        RequestProfile profile = new();
        configure(profile);
        return new EmbeddingGenerationOptions { AdditionalProperties = new() { [EaioChatOptionsExtensions.ProfileKey] = profile } };
    }
}
