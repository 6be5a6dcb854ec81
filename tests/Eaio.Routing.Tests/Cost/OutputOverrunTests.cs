using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>A provider that ignores the output limit it was sent: charged its bill, cut when streaming, and excluded when it keeps doing it.</summary>
public sealed class OutputOverrunTests
{
    private static readonly ChatMessage[] s_question = [new(ChatRole.User, "Summarise the meter readings.")];

    private static ChatOptions PinnedToOpenAI(int maxOutputTokens)
    {
        ChatOptions options = RouterHarness.Options(p => { p.Privacy = PrivacyLevel.Public; p.Provider = EaioProviders.OpenAI; p.Model = "gpt-4o-mini"; });
        options.MaxOutputTokens = maxOutputTokens;
        return options;
    }

    private static ChatOptions Unpinned() => RouterHarness.Options(p => { p.Privacy = PrivacyLevel.Public; p.Domain = RequestDomain.General; p.Complexity = 0.9; });

    [Test]
    public async Task Usage_reported_at_ten_times_the_limit_is_charged_as_billed_metered_and_counted_against_the_provider_until_it_is_excluded_and_reset()
    {
        using MetricCollector<long> overHold = new(null, EaioMetrics.MeterName, "eaio.budget.over_hold");
        await using RouterHarness h = await RouterHarness.StartAsync(o => o.OutputOverrunsBeforeExclusion = 2);
        Assert.That(h.Router.Explain(s_question, Unpinned()).Exclusions.Select(e => e.Provider), Does.Not.Contain(EaioProviders.OpenAI));

        for (int call = 1; call <= 2; call++)
        {
            // Sent with a limit of 50, billed for 500 output tokens: 1,000 x $0.15 + 500 x $0.60 per million.
            h.OpenAI.Enqueue(LoopbackReply.Text("A long answer.", 1000, 500));
            ChatResponse response = await h.Chat.GetResponseAsync(s_question, PinnedToOpenAI(50));
            Assert.That(response.GetRouteDecision()!.Cost, Is.EqualTo(new CallCost(0.00045m, 1000, 0, 500, IsEstimated: false)), "the bill is what is charged");
        }

        Assert.That((await h.Router.Budget.GetStatusAsync(null)).SpentUsd, Is.EqualTo(0.0009m));
        Assert.That(overHold.GetMeasurementSnapshot().Select(m => (m.Value, m.Tags["gen_ai.provider.name"], m.Tags["eaio.output_overrun"])),
            Is.EqualTo(new[] { (1L, (object?)"openai", (object?)true), (1L, "openai", true) }));
        OutputLimitOverruns overruns = h.Router.GetRoute(EaioProviders.OpenAI)!.GetService<BudgetChatClient>()!.OutputLimitOverruns;
        Assert.That((overruns.Count, overruns.IsExcluded), Is.EqualTo((2, true)));

        RouteExclusion excluded = h.Router.Explain(s_question, Unpinned()).Exclusions.Single(e => e.Provider == EaioProviders.OpenAI);
        Assert.That(excluded.Reason, Does.Contain("OUTPUT_OVERRUNS_BEFORE_EXCLUSION=2").And.Contain("ResetOutputLimitOverruns(\"openai\")"));
        h.OpenAI.Enqueue(LoopbackReply.Text("should not be asked", 10, 1));
        ChatResponse elsewhere = await h.Chat.GetResponseAsync(s_question, Unpinned());
        Assert.That(elsewhere.GetRouteDecision()!.Provider, Is.Not.EqualTo(EaioProviders.OpenAI));

        Assert.That(h.Router.ResetOutputLimitOverruns(EaioProviders.OpenAI), Is.True);
        Assert.That(h.Router.Explain(s_question, Unpinned()).Exclusions.Select(e => e.Provider), Does.Not.Contain(EaioProviders.OpenAI));
    }

    [Test]
    public async Task A_stream_that_runs_past_its_limit_is_cut_soon_after_it_ends_as_the_limit_would_and_is_charged_what_it_streamed()
    {
        await using RouterHarness h = await RouterHarness.StartAsync();

        // 2,000 chunks of " word" (one o200k token each) and a usage report that never comes: sent with a limit of 50.
        h.OpenAI.Enqueue(LoopbackReply.TextInPieces([.. Enumerable.Repeat(" word", 2000)], 20, 2000));
        List<ChatResponseUpdate> updates = await h.Chat.GetStreamingResponseAsync(s_question, PinnedToOpenAI(50)).ToListAsync();
        ChatResponse response = updates.ToChatResponse();

        // Cut once the count passes 50 + 16 (a fifth of 50 is less than 16).
        int streamed = TokenEstimator.CountTokens(response.Text, "gpt-4o-mini");
        Assert.That(streamed, Is.EqualTo(67));
        Assert.That(response.FinishReason, Is.EqualTo(ChatFinishReason.Length));
        int input = TokenEstimator.EstimateInputTokens(s_question, null, "gpt-4o-mini");
        CallCost expected = new(PriceCatalog.Default.Find(EaioProviders.OpenAI, "gpt-4o-mini")!.CostUsd(input, 0, streamed), input, 0, streamed, IsEstimated: true);
        Assert.That(response.GetRouteDecision()!.Cost, Is.EqualTo(expected));
        BudgetStatus status = await h.Router.Budget.GetStatusAsync(null);
        Assert.That((status.SpentUsd, status.ReservedUsd), Is.EqualTo((expected.Usd, 0m)));
        Assert.That(h.Router.GetRoute(EaioProviders.OpenAI)!.GetService<BudgetChatClient>()!.OutputLimitOverruns.Count, Is.EqualTo(1));

        IAuditLog audit = h.Services.GetRequiredService<IAuditLog>();
        AuditEntry record = (await audit.ReadAllAsync().SingleAsync()).Entry;
        Assert.That((record.Outcome, record.OutputTokens, record.CostUsd), Is.EqualTo(("ok", (long?)streamed, expected.Usd)));
    }

    [Test]
    public async Task A_stream_within_its_limit_by_another_tokenizer_is_not_cut()
    {
        await using RouterHarness h = await RouterHarness.StartAsync();

        // 60 tokens by the router's count on a limit of 50: within the allowance for providers that count differently.
        h.OpenAI.Enqueue(LoopbackReply.TextInPieces([.. Enumerable.Repeat(" word", 60)], 20, 50));
        List<ChatResponseUpdate> updates = await h.Chat.GetStreamingResponseAsync(s_question, PinnedToOpenAI(50)).ToListAsync();

        Assert.That(TokenEstimator.CountTokens(updates.ToChatResponse().Text, "gpt-4o-mini"), Is.EqualTo(60));
        Assert.That(updates.ToChatResponse().FinishReason, Is.EqualTo(ChatFinishReason.Stop));
        Assert.That(h.Router.GetRoute(EaioProviders.OpenAI)!.GetService<BudgetChatClient>()!.OutputLimitOverruns.Count, Is.Zero);
    }
}
