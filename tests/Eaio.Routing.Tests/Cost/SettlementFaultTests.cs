using System.Net.Http;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>What happens to the money when something fails after a provider has answered (and billed).</summary>
public sealed class SettlementFaultTests
{
    private static readonly ChatMessage[] s_question = [new(ChatRole.User, "How do I read an electricity meter?")];

    private static ChatOptions Public() => RouterHarness.Options(p => { p.Privacy = PrivacyLevel.Public; p.Domain = RequestDomain.General; p.Complexity = 0.1; });

    [TestCase(false)]
    [TestCase(true)]
    public async Task A_vault_that_cannot_end_the_scope_of_a_billed_answer_leaves_the_answer_standing_charged_once_and_not_sent_again(bool streaming)
    {
        await using RouterHarness h = await RouterHarness.StartAsync(services: s => s.AddSingleton<IPseudonymVault>(new UnreadableVault()));

        // gpt-4o-mini: 1,000,000 input tokens at $0.15 and 100,000 output at $0.60 = $0.21, and a placeholder to restore.
        h.OpenAI.Enqueue(LoopbackReply.Text("Write to EMAIL_1 for the readings.", 1_000_000, 100_000));
        ChatMessage[] question = [new(ChatRole.User, "Ask jane.doe@example.com for the readings.")];

        ChatResponse answer = streaming
            ? await h.Chat.GetStreamingResponseAsync(question, Public()).ToChatResponseAsync()
            : await h.Chat.GetResponseAsync(question, Public());

        Assert.That(answer.Text, Is.EqualTo("Write to jane.doe@example.com for the readings."), "restored from the snapshot; the scope expires on its own");
        BudgetStatus status = await h.Router.Budget.GetStatusAsync(null);
        Assert.That((status.SpentUsd, status.ReservedUsd), Is.EqualTo((0.21m, 0m)), "the answer that was billed is paid for once, and nothing is held");
        Assert.That(h.ExternalChatRequests + h.Ollama.ChatRequestCount, Is.EqualTo(1), "not sent again elsewhere");
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task A_budget_alert_handler_that_throws_neither_fails_the_call_nor_charges_it_twice(bool streaming)
    {
        await using RouterHarness h = await RouterHarness.StartAsync(o => { o.MonthlyBudgetUsd = 1m; o.CostAlertThreshold = 0.1; });
        h.Router.BudgetAlertRaised += (_, _) => throw new InvalidOperationException("the host's handler is broken");
        h.OpenAI.Enqueue(LoopbackReply.Text("ok", 2_000_000, 0));

        ChatResponse response = streaming
            ? await h.Chat.GetStreamingResponseAsync(s_question, Public()).ToChatResponseAsync()
            : await h.Chat.GetResponseAsync(s_question, Public());

        Assert.That(response.Text, Is.EqualTo("ok"));
        BudgetStatus status = await h.Router.Budget.GetStatusAsync(null);
        Assert.That((status.SpentUsd, status.ReservedUsd, status.AlertRaised), Is.EqualTo((0.3m, 0m, true)), "2,000,000 x $0.15 per million, once");
    }

    [Test]
    public void A_usage_report_without_an_output_count_charges_the_output_limit_and_says_it_is_estimated()
    {
        CallBudget budget = new(PriceCatalog.Default.Find(EaioProviders.OpenAI, "gpt-4o-mini")!, 1000, 500, 0.00045m, null);

        CallCost cost = BudgetGovernor.CostOf(budget, new UsageDetails { InputTokenCount = 1000 }, partialOutput: null);

        Assert.That(cost, Is.EqualTo(new CallCost(0.00045m, 1000, 0, 500, IsEstimated: true)), "never $0 for the output it did not report");
    }

    [Test]
    public async Task A_second_settle_of_the_same_hold_counts_nothing()
    {
        InMemoryBudgetLedger ledger = new(new BudgetLimits(10m));
        BudgetGovernor governor = new(PriceCatalog.Default, ledger, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, _ => { });
        BudgetReservation reservation = await ledger.ReserveAsync(null, 1m);
        CallBudget budget = new(PriceCatalog.Default.Find(EaioProviders.OpenAI, "gpt-4o-mini")!, 1_000_000, 0, 1m, reservation);

        await governor.SettleAsync(budget, new UsageDetails { InputTokenCount = 1_000_000, OutputTokenCount = 0 }, null);
        await governor.SettleAsync(budget, null, "a cut stream's text");

        Assert.That((await ledger.GetStatusAsync(null)).SpentUsd, Is.EqualTo(0.15m));
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task A_call_cut_by_the_time_limit_is_charged_its_input_as_an_estimate_and_a_refused_one_nothing(bool streaming)
    {
        await using RouterHarness h = await RouterHarness.StartAsync(o => { o.ApiTimeout = TimeSpan.FromMilliseconds(300); o.ApiTotalTimeout = TimeSpan.FromMilliseconds(400); });
        h.OpenAI.Enqueue(LoopbackReply.Delay(TimeSpan.FromSeconds(5), LoopbackReply.Text("late", 10, 1)));
        h.DeepSeek.Enqueue(LoopbackReply.Status(500));
        ChatOptions options = RouterHarness.Options(p => { p.Privacy = PrivacyLevel.Public; p.Domain = RequestDomain.General; p.Complexity = 0.9; });

        ChatResponse response = streaming
            ? await h.Chat.GetStreamingResponseAsync(s_question, options).ToChatResponseAsync()
            : await h.Chat.GetResponseAsync(s_question, options);

        RouteDecision decision = response.GetRouteDecision()!;
        Assert.That(decision.Attempts.Select(a => a.ErrorType), Does.Contain(nameof(TimeoutException)));
        CallCost answered = decision.Cost!.Value;

        // The time-out: the provider had the request, so its input is charged (o200k count of the question plus framing,
        // at gpt-4o's $2.50 per million); the 500 was refused and costs nothing.
        int input = TokenEstimator.EstimateInputTokens(s_question, null, "gpt-4o");
        decimal timedOut = PriceCatalog.Default.Find(EaioProviders.OpenAI, "gpt-4o")!.CostUsd(input, 0, 0);
        BudgetStatus status = await h.Router.Budget.GetStatusAsync(null);
        Assert.That((status.SpentUsd, status.ReservedUsd), Is.EqualTo((timedOut + answered.Usd, 0m)));

        IAuditLog audit = (IAuditLog)h.Services.GetService(typeof(IAuditLog))!;
        AuditEntry cut = (await audit.ReadAllAsync().FirstAsync()).Entry;
        Assert.That((cut.Outcome, cut.CostUsd, cut.InputTokens), Is.EqualTo(("failed: TimeoutException", timedOut, (long?)input)), "the audit record carries what the ledger charged");
    }

    [Test]
    public async Task A_time_out_waiting_for_a_slot_sent_nothing_and_releases_the_hold()
    {
        InMemoryBudgetLedger ledger = new(new BudgetLimits(10m));
        BudgetGovernor governor = new(PriceCatalog.Default, ledger, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, _ => { });
        CallBudget budget = new(PriceCatalog.Default.Find(EaioProviders.OpenAI, "gpt-4o-mini")!, 1_000_000, 0, 1m, await ledger.ReserveAsync(null, 1m));
        TimeoutException waited = new("no slot");
        waited.Data[ProviderResilienceChatClient.NotSentKey] = true;

        await governor.ReleaseOrChargeInputAsync(budget, waited);

        BudgetStatus status = await ledger.GetStatusAsync(null);
        Assert.That((status.SpentUsd, status.ReservedUsd), Is.EqualTo((0m, 0m)));
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task A_time_out_waiting_for_a_connection_sent_nothing_releases_the_hold_and_charges_nothing(bool streaming)
    {
        // One connection to the OpenAI stand-in, taken by a request that is answered only after 5 s.
        string client = EaioHybridChatServiceCollectionExtensions.HttpClientPrefix + EaioProviders.OpenAI;
        await using RouterHarness h = await RouterHarness.StartAsync(
            o => { o.ApiTimeout = TimeSpan.FromMilliseconds(400); o.ApiTotalTimeout = TimeSpan.FromMilliseconds(500); },
            services: s => s.AddHttpClient(client).ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { MaxConnectionsPerServer = 1 }));
        h.OpenAI.Enqueue(LoopbackReply.Delay(TimeSpan.FromSeconds(5), LoopbackReply.Text("late", 10, 1)));
        using CancellationTokenSource stop = new();
        HttpClient occupier = h.Services.GetRequiredService<IHttpClientFactory>().CreateClient(client);
        using StringContent body = new("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hold\"}]}", System.Text.Encoding.UTF8, "application/json");
        Task<HttpResponseMessage> holding = occupier.PostAsync(new Uri(h.OpenAI.BaseUri, "chat/completions"), body, stop.Token);
        while (h.OpenAI.Requests.Count == 0)
        {
            await Task.Delay(10);
        }

        h.DeepSeek.Enqueue(LoopbackReply.Status(500));
        ChatOptions options = RouterHarness.Options(p => { p.Privacy = PrivacyLevel.Public; p.Domain = RequestDomain.General; p.Complexity = 0.9; });
        ChatResponse response = streaming
            ? await h.Chat.GetStreamingResponseAsync(s_question, options).ToChatResponseAsync()
            : await h.Chat.GetResponseAsync(s_question, options);

        RouteDecision decision = response.GetRouteDecision()!;
        Assert.That(decision.Attempts.Select(a => (a.Provider, a.ErrorType)), Does.Contain((EaioProviders.OpenAI, nameof(TimeoutException))));
        Assert.That(h.OpenAI.Requests, Has.Count.EqualTo(1), "the routed request never reached the provider");
        BudgetStatus status = await h.Router.Budget.GetStatusAsync(null);
        Assert.That((status.SpentUsd, status.ReservedUsd), Is.EqualTo((decision.Cost!.Value.Usd, 0m)), "only the answer that served is charged");
        AuditEntry cut = (await ((IAuditLog)h.Services.GetService(typeof(IAuditLog))!).ReadAllAsync().FirstAsync()).Entry;
        Assert.That((cut.Outcome, cut.CostUsd), Is.EqualTo(("failed: TimeoutException", 0m)));

        await stop.CancelAsync();
        Assert.CatchAsync<OperationCanceledException>(async () => await holding);
    }

    [Test]
    public async Task Budget_metrics_name_only_tenants_that_have_a_budget_of_their_own()
    {
        using Microsoft.Extensions.Diagnostics.Metrics.Testing.MetricCollector<double> remaining = new(null, EaioMetrics.MeterName, "eaio.budget.remaining");
        await using RouterHarness h = await RouterHarness.StartAsync(o => o.TenantBudgetsUsd["plant-7"] = 50m);

        foreach (string tenant in new[] { "plant-7", "alice@example.com" })
        {
            await h.Chat.GetResponseAsync(s_question, RouterHarness.Options(p => { p.Privacy = PrivacyLevel.Public; p.Domain = RequestDomain.General; p.Complexity = 0.1; p.TenantId = tenant; }));
        }

        Assert.That(
            remaining.GetMeasurementSnapshot().Select(m => m.Tags["eaio.tenant"]),
            Is.EqualTo(new object?[] { "plant-7", "(other)" }),
            "a tenant id can be a user's e-mail: it never becomes a metric tag");
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task Mistral_gets_its_output_limit_as_max_tokens(bool streaming)
    {
        await using LoopbackOpenAIServer mistral = await LoopbackOpenAIServer.StartAsync(defaultReply: LoopbackReply.Text("Bonjour.", 11, 3));
        await using RouterHarness h = await RouterHarness.StartAsync(o => { o.Mistral.ApiKey = "test-mistral-key"; o.Mistral.BaseUrl = mistral.BaseUri; });
        ChatOptions options = RouterHarness.Options(p => { p.Privacy = PrivacyLevel.Public; p.Provider = EaioProviders.Mistral; p.Model = "mistral-large-latest"; });
        options.MaxOutputTokens = 77;

        ChatResponse response = streaming
            ? await h.Chat.GetStreamingResponseAsync(s_question, options).ToChatResponseAsync()
            : await h.Chat.GetResponseAsync(s_question, options);

        Assert.That(response.GetRouteDecision()!.Provider, Is.EqualTo(EaioProviders.Mistral));
        using JsonDocument body = JsonDocument.Parse(mistral.Requests.Single().Body);
        Assert.That(body.RootElement.GetProperty("max_tokens").GetInt32(), Is.EqualTo(77));
        Assert.That(body.RootElement.TryGetProperty("max_completion_tokens", out _), Is.False, "Mistral's API rejects max_completion_tokens");
    }

    /// <summary>A vault whose store is gone by the time an answer comes back: the request's scope cannot be ended.</summary>
    private sealed class UnreadableVault : IPseudonymVault
    {
        private readonly InMemoryPseudonymVault _inner = new();

        public ValueTask<string> OpenScopeAsync(string? conversationId, CancellationToken cancellationToken = default) => _inner.OpenScopeAsync(conversationId, cancellationToken);

        public ValueTask<IReadOnlyList<string>> PseudonymizeAsync(string scopeId, IReadOnlyList<PseudonymRequest> requests, CancellationToken cancellationToken = default) =>
            _inner.PseudonymizeAsync(scopeId, requests, cancellationToken);

        public ValueTask<PseudonymScopeSnapshot> GetSnapshotAsync(string scopeId, CancellationToken cancellationToken = default) => _inner.GetSnapshotAsync(scopeId, cancellationToken);

        public ValueTask RemoveScopeAsync(string scopeId, CancellationToken cancellationToken = default) =>
            ValueTask.FromException(new IOException("the vault's database is unreachable"));
    }
}
