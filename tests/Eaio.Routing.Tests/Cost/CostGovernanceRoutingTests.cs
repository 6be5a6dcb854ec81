using System.Diagnostics.Metrics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>
/// Costs and budgets through the whole pipeline: the real OpenAI and OllamaSharp clients against loopback servers that
/// speak each provider's wire format, and the default SQLite ledger.
/// </summary>
public sealed class CostGovernanceRoutingTests
{
    private static readonly ChatMessage[] s_question = [new(ChatRole.User, "How do I read an electricity meter?")];

    private static Task<ChatResponse> AskAsync(RouterHarness h, ChatOptions options, bool streaming, ChatMessage[]? messages = null) => streaming
        ? h.Chat.GetStreamingResponseAsync(messages ?? s_question, options).ToChatResponseAsync()
        : h.Chat.GetResponseAsync(messages ?? s_question, options);

    // Golden costs, worked out by hand from the price list (US dollars per million tokens):
    // gpt-4o: 600 uncached x 2.50 + 400 cached x 1.25 + 200 out x 10.00 = 1,500 + 500 + 2,000 = 4,000 -> $0.004.
    [TestCase(false)]
    [TestCase(true)]
    public async Task OpenAI_usage_with_cached_tokens_costs_exactly_the_list_price(bool streaming)
    {
        await using RouterHarness h = await RouterHarness.StartAsync();
        h.OpenAI.Enqueue(LoopbackReply.Text("Read the dials left to right.", 1000, 200, cachedTokens: 400));

        ChatResponse response = await AskAsync(h, RouterHarness.Options(p => { p.Privacy = PrivacyLevel.Public; p.Domain = RequestDomain.General; p.Complexity = 0.9; }), streaming);

        RouteDecision decision = response.GetRouteDecision()!;
        Assert.That((decision.Provider, decision.Model), Is.EqualTo((EaioProviders.OpenAI, "gpt-4o")));
        Assert.That(decision.Cost, Is.EqualTo(new CallCost(0.004m, 1000, 400, 200, IsEstimated: false)));
        await AssertSpentAsync(h, 0.004m);
    }

    // deepseek-coder: 300 misses x 0.28 + 700 hits x 0.028 + 150 out x 0.42 = 84 + 19.6 + 63 = 166.6 -> $0.0001666.
    [TestCase(false)]
    [TestCase(true)]
    public async Task DeepSeek_cache_hits_are_priced_at_the_cache_rate(bool streaming)
    {
        await using RouterHarness h = await RouterHarness.StartAsync();
        h.DeepSeek.Enqueue(LoopbackReply.DeepSeekText("Use a for loop.", 1000, 150, cacheHitTokens: 700));

        ChatResponse response = await AskAsync(h, RouterHarness.Options(p => { p.Privacy = PrivacyLevel.Public; p.Domain = RequestDomain.Code; p.Complexity = 0.9; }), streaming);

        RouteDecision decision = response.GetRouteDecision()!;
        Assert.That((decision.Provider, decision.Model), Is.EqualTo((EaioProviders.DeepSeek, "deepseek-coder")));
        Assert.That(decision.Cost, Is.EqualTo(new CallCost(0.0001666m, 1000, 700, 150, IsEstimated: false)));
        await AssertSpentAsync(h, 0.0001666m);
    }

    // gemini-1.5-pro: 2,000 in x 1.25 + 500 out x 5.00 = 2,500 + 2,500 = 5,000 -> $0.005, once, though the stream repeats it.
    [TestCase(false)]
    [TestCase(true)]
    public async Task Gemini_cumulative_stream_usage_is_charged_once(bool streaming)
    {
        await using RouterHarness h = await RouterHarness.StartAsync();
        h.Gemini.Enqueue(LoopbackReply.CumulativeUsageChunks("The load factor is 0.62 over the month.", 2000, 500));

        ChatResponse response = await AskAsync(h, RouterHarness.Options(p => { p.Privacy = PrivacyLevel.Public; p.Domain = RequestDomain.Analysis; p.Complexity = 0.9; }), streaming);

        RouteDecision decision = response.GetRouteDecision()!;
        Assert.That((decision.Provider, decision.Model), Is.EqualTo((EaioProviders.Gemini, "gemini-1.5-pro")));
        Assert.That(decision.Cost, Is.EqualTo(new CallCost(0.005m, 2000, 0, 500, IsEstimated: false)));
        await AssertSpentAsync(h, 0.005m);
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task Ollama_calls_cost_nothing_and_keep_their_token_counts(bool streaming)
    {
        await using RouterHarness h = await RouterHarness.StartAsync();
        h.Ollama.Enqueue(LoopbackReply.Text("Local answer.", 321, 45));

        ChatResponse response = await AskAsync(h, RouterHarness.Options(p => p.Privacy = PrivacyLevel.Private), streaming);

        Assert.That(response.GetRouteDecision()!.Cost, Is.EqualTo(new CallCost(0m, 321, 0, 45, IsEstimated: false)));
        await AssertSpentAsync(h, 0m);
    }

    [Test]
    public void Without_reported_usage_a_call_is_charged_its_worst_case_and_a_cut_stream_what_it_received()
    {
        CallBudget budget = new(PriceCatalog.Default.Find(EaioProviders.OpenAI, "gpt-4o-mini")!, 1000, 500, 0.00045m, null);

        CallCost silent = BudgetGovernor.CostOf(budget, usage: null, partialOutput: null);
        CallCost cut = BudgetGovernor.CostOf(budget, usage: null, partialOutput: "Read the dials");

        // 1,000 in x 0.15 + 500 out x 0.60 = 150 + 300 = 450 -> $0.00045, never $0.
        Assert.That(silent, Is.EqualTo(new CallCost(0.00045m, 1000, 0, 500, IsEstimated: true)));
        Assert.That(cut.IsEstimated, Is.True);
        Assert.That(cut.OutputTokens, Is.EqualTo(4), "o200k splits 'Read the dials' as Read| the| d|ials");
        Assert.That(cut.Usd, Is.EqualTo(((1000 * 0.15m) + (4 * 0.60m)) / 1_000_000m));
    }

    [Test]
    public async Task A_failed_external_call_releases_its_hold_and_spends_nothing()
    {
        await using RouterHarness h = await RouterHarness.StartAsync();
        h.OpenAI.Enqueue(LoopbackReply.Status(500));

        ChatResponse response = await h.Chat.GetResponseAsync(s_question, RouterHarness.Options(p => { p.Privacy = PrivacyLevel.Public; p.Domain = RequestDomain.General; p.Complexity = 0.9; }));

        Assert.That(response.GetRouteDecision()!.Provider, Is.EqualTo(EaioProviders.Ollama));
        BudgetStatus status = await h.Router.Budget.GetStatusAsync(null);
        Assert.That((status.SpentUsd, status.ReservedUsd), Is.EqualTo((0m, 0m)));
    }

    [Test]
    public async Task Cancelling_a_stream_after_output_settles_what_was_used()
    {
        await using RouterHarness h = await RouterHarness.StartAsync();
        h.OpenAI.Enqueue(LoopbackReply.DelayAfterFirstChunk(TimeSpan.FromSeconds(30), "Read the dials left to right, then note the reading.", 1000, 200));
        using CancellationTokenSource cancel = new();

        List<ChatResponseUpdate> received = [];
        Assert.CatchAsync<OperationCanceledException>(async () =>
        {
            await foreach (ChatResponseUpdate update in h.Chat.GetStreamingResponseAsync(
                s_question, RouterHarness.Options(p => { p.Privacy = PrivacyLevel.Public; p.Domain = RequestDomain.General; p.Complexity = 0.9; }), cancel.Token))
            {
                received.Add(update);
                if (update.Text.Length > 0)
                {
                    await cancel.CancelAsync();
                }
            }
        });

        string seen = string.Concat(received.Select(u => u.Text));
        int input = TokenEstimator.EstimateInputTokens(s_question, null, "gpt-4o");
        decimal expected = ((input * 2.50m) + (TokenEstimator.CountTokens(seen, "gpt-4o") * 10.00m)) / 1_000_000m;
        BudgetStatus status = await h.Router.Budget.GetStatusAsync(null);
        Assert.That(seen, Is.Not.Empty);
        Assert.That((status.SpentUsd, status.ReservedUsd), Is.EqualTo((expected, 0m)), "the input and the output received are charged, the hold is gone");
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task A_stream_broken_off_after_output_pays_for_its_input_and_the_output_received(bool reset)
    {
        await using RouterHarness h = await RouterHarness.StartAsync();
        h.OpenAI.Enqueue(LoopbackReply.CutStreamBeforeFinal("Read the dials left to right, then", abort: reset));

        List<ChatResponseUpdate> received = [];
        Assert.CatchAsync<Exception>(async () =>
        {
            await foreach (ChatResponseUpdate update in h.Chat.GetStreamingResponseAsync(
                s_question, RouterHarness.Options(p => { p.Privacy = PrivacyLevel.Public; p.Domain = RequestDomain.General; p.Complexity = 0.9; })))
            {
                received.Add(update);
            }
        });

        string seen = string.Concat(received.Select(u => u.Text));
        decimal expected = ((TokenEstimator.EstimateInputTokens(s_question, null, "gpt-4o") * 2.50m) + (TokenEstimator.CountTokens(seen, "gpt-4o") * 10.00m)) / 1_000_000m;
        Assert.That(seen, Is.Not.Empty, "output reached the caller before the cut, so there was no failover");
        await AssertSpentAsync(h, expected);
    }

    [TestCase(RoutingStrategy.Hybrid)]
    [TestCase(RoutingStrategy.ApiOnly)]
    public async Task When_another_host_drained_the_budget_the_ledger_refuses_and_nothing_is_sent(RoutingStrategy strategy)
    {
        string folder = Directory.CreateTempSubdirectory("eaio-budget-").FullName;
        string database = Path.Combine(folder, "eaio.db");
        BudgetLimits limits = new(10m);

        // This host's snapshot stays as it was first read, like one read just before another host spent the budget.
        SqliteBudgetLedger ledger = new(database, limits) { SnapshotMaxAge = TimeSpan.FromHours(1) };
        try
        {
            await using RouterHarness h = await RouterHarness.StartAsync(o => o.Strategy = strategy, services: s => s.AddSingleton<IBudgetLedger>(ledger));
            ChatOptions options = RouterHarness.Options(p => { p.Privacy = PrivacyLevel.Public; p.Domain = RequestDomain.General; p.Complexity = 0.9; });
            Assert.That(h.Router.Explain(s_question, options).Routes[0].Tier, Is.EqualTo(ProviderTier.External));
            await new SqliteBudgetLedger(database, limits).ReserveAsync(null, 9.9999m);

            if (strategy == RoutingStrategy.Hybrid)
            {
                RouteDecision decision = (await h.Chat.GetResponseAsync(s_question, options)).GetRouteDecision()!;
                Assert.That(decision.Provider, Is.EqualTo(EaioProviders.Ollama));
                Assert.That(decision.Attempts[0].ErrorType, Is.EqualTo(nameof(BudgetExceededException)));
            }
            else
            {
                NoRouteAvailableException failure = Assert.ThrowsAsync<NoRouteAvailableException>(async () => await h.Chat.GetResponseAsync(s_question, options))!;
                Assert.That(failure.Attempts.Select(a => a.ErrorType), Has.All.EqualTo(nameof(BudgetExceededException)));
                Assert.That(failure.Attempts[0].Error, Does.Contain("$0.0001 left").And.Contain("resets at"));
                Assert.That(failure.Message, Does.Contain("raise LLM_MONTHLY_BUDGET").And.Not.Contain("ollama serve"), "the advice is about the budget");
            }

            Assert.That(h.ExternalChatRequests, Is.Zero, "nothing was sent without a hold");
            Assert.That((await ledger.GetStatusAsync(null)).SpentUsd, Is.Zero);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public async Task A_pinned_route_that_may_not_run_is_refused_with_advice_about_the_pin()
    {
        await using RouterHarness h = await RouterHarness.StartAsync();
        ChatOptions options = RouterHarness.Options(p => { p.Privacy = PrivacyLevel.Private; p.Provider = EaioProviders.OpenAI; p.Model = "gpt-4o"; });

        NoRouteAvailableException failure = Assert.ThrowsAsync<NoRouteAvailableException>(async () => await h.Chat.GetResponseAsync(s_question, options))!;

        Assert.That(failure.Message, Does.Contain("pinned to openai/gpt-4o").And.Not.Contain("ollama serve"));
        Assert.That(h.ExternalChatRequests, Is.Zero);
    }

    [Test]
    public async Task The_budget_alert_is_raised_once_as_an_event_and_a_metric()
    {
        using MetricCollector<long> alerts = new(null, EaioMetrics.MeterName, "eaio.budget.alerts");
        using Microsoft.Extensions.Logging.Testing.FakeLoggerProvider logs = new();
        await using RouterHarness h = await RouterHarness.StartAsync(
            o =>
            {
                o.MonthlyBudgetUsd = 1m;
                o.CostAlertThreshold = 0.5;
            },
            services: s => s.AddLogging(b => b.AddProvider(logs)));
        List<BudgetStatus> raised = [];
        h.Router.BudgetAlertRaised += (_, e) => raised.Add(e.Status);
        ChatOptions options = RouterHarness.Options(p => { p.Privacy = PrivacyLevel.Public; p.Domain = RequestDomain.General; p.Complexity = 0.1; });

        // gpt-4o-mini at $0.15 per million input tokens: 2,000,000 reported input tokens cost $0.30 a call.
        for (int i = 0; i < 3; i++)
        {
            h.OpenAI.Enqueue(LoopbackReply.Text("ok", 2_000_000, 0));
        }

        List<string> models = [];
        for (int i = 0; i < 3; i++)
        {
            models.Add((await h.Chat.GetResponseAsync(s_question, options)).GetRouteDecision()!.Model);
        }

        Assert.That(models, Is.All.EqualTo("gpt-4o-mini"));
        Assert.That(raised, Has.Count.EqualTo(1));
        Assert.That(raised[0].SpentUsd, Is.EqualTo(0.6m), "raised by the second call, which crossed 50 %");
        Assert.That(alerts.GetMeasurementSnapshot().Sum(m => m.Value), Is.EqualTo(1));
        Assert.That(logs.Collector.GetSnapshot().Where(r => r.Message.StartsWith("Budget alert", StringComparison.Ordinal)).Select(r => r.Level),
            Is.EqualTo(new[] { Microsoft.Extensions.Logging.LogLevel.Warning }), "one warning in the log");
        Assert.That((await h.Router.Budget.GetStatusAsync(null)).AlertRaised, Is.True);
    }

    [Test]
    public async Task A_provider_over_its_token_rate_is_skipped_for_the_next_route()
    {
        await using RouterHarness h = await RouterHarness.StartAsync(o => o.TokensPerMinute = 1500);
        ChatOptions options = RouterHarness.Options(p => { p.Privacy = PrivacyLevel.Public; p.Domain = RequestDomain.General; p.Complexity = 0.9; });
        options.MaxOutputTokens = 1000;

        RouteDecision first = (await h.Chat.GetResponseAsync(s_question, options)).GetRouteDecision()!;
        RouteDecision second = (await h.Chat.GetResponseAsync(s_question, options)).GetRouteDecision()!;
        options.MaxOutputTokens = 2000;
        RouteDecision tooBig = (await h.Chat.GetResponseAsync(s_question, options)).GetRouteDecision()!;

        Assert.That(first.Provider, Is.EqualTo(EaioProviders.OpenAI));
        Assert.That(second.Provider, Is.Not.EqualTo(EaioProviders.OpenAI));
        Assert.That(second.Attempts[0].Error, Does.Contain("token rate limit").And.Contain("PROVIDER_TOKENS_PER_MINUTE=1500"));
        Assert.That(tooBig.Attempts.Where(a => a.Provider == EaioProviders.OpenAI).Single().Error, Does.Contain("more than PROVIDER_TOKENS_PER_MINUTE=1500 allows"));
        Assert.That(h.OpenAI.ChatRequestCount, Is.EqualTo(1));
        Assert.That((await h.Router.Budget.GetStatusAsync(null)).ReservedUsd, Is.Zero, "refused calls hold nothing");
    }

    [Test]
    public async Task External_calls_are_sent_with_the_output_limit_the_budget_held_for()
    {
        await using RouterHarness h = await RouterHarness.StartAsync(o => o.DefaultMaxOutputTokens = 321);

        await h.Chat.GetResponseAsync(s_question, RouterHarness.Options(p => { p.Privacy = PrivacyLevel.Public; p.Domain = RequestDomain.General; p.Complexity = 0.9; }));

        using System.Text.Json.JsonDocument body = System.Text.Json.JsonDocument.Parse(h.OpenAI.Requests.Single().Body);
        Assert.That(body.RootElement.GetProperty("max_completion_tokens").GetInt32(), Is.EqualTo(321));
    }

    [Test]
    public async Task Audit_records_carry_the_settled_cost_and_tokens()
    {
        await using RouterHarness h = await RouterHarness.StartAsync(o => o.AuditHmacKey = "a-test-key-of-enough-length");
        h.OpenAI.Enqueue(LoopbackReply.Text("Read the dials left to right.", 1000, 200, cachedTokens: 400));

        await h.Chat.GetResponseAsync(s_question, RouterHarness.Options(p => { p.Privacy = PrivacyLevel.Public; p.Domain = RequestDomain.General; p.Complexity = 0.9; }));

        IAuditLog audit = (IAuditLog)h.Services.GetService(typeof(IAuditLog))!;
        AuditRecord record = await audit.ReadAllAsync().SingleAsync();
        Assert.That((record.Entry.CostUsd, record.Entry.InputTokens, record.Entry.OutputTokens), Is.EqualTo((0.004m, 1000L, 200L)));
    }

    private static async Task AssertSpentAsync(RouterHarness h, decimal expected)
    {
        BudgetStatus status = await h.Router.Budget.GetStatusAsync(null);
        Assert.That((status.SpentUsd, status.ReservedUsd), Is.EqualTo((expected, 0m)));
    }
}
