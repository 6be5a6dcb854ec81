using System.Diagnostics;
using Microsoft.Extensions.AI;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>
/// Every fault a provider can show, injected at the first external route of a plan (OpenAI gpt-4o, then DeepSeek), through
/// the whole router, the real OpenAI SDK and loopback servers, streamed and not. Each case checks the outcome (an answer
/// from the next route, the first route's own answer, or a clear error naming the provider), the time it took, the ledger
/// (each call charged exactly once, or released, and nothing left held), the audit record of every attempt (the same cost
/// as the ledger), and, for the same fault on every server, that a PRIVATE request never leaves the machine.
/// </summary>
public sealed class FaultInjectionTests
{
    private const int OutputLimit = 50;

    private static readonly TimeSpan s_firstUpdateLimit = TimeSpan.FromMilliseconds(400);
    private static readonly TimeSpan s_totalLimit = TimeSpan.FromMilliseconds(800);

    private static readonly ChatMessage[] s_question = [new(ChatRole.User, "Which air handler of the east wing runs outside occupied hours?")];

    /// <summary>What the caller sees.</summary>
    public enum Outcome
    {
        /// <summary>The next route's answer: the first route failed before any output.</summary>
        FailsOver,

        /// <summary>The first route's answer.</summary>
        AnsweredByFirst,

        /// <summary>An error after part of the answer was streamed: nothing can be sent again.</summary>
        FailsAfterOutput,
    }

    /// <summary>What the first route is charged.</summary>
    public enum Charge
    {
        /// <summary>Nothing: refused or failed before the provider could bill anything.</summary>
        Nothing,

        /// <summary>The input, estimated: the provider had the request and never answered.</summary>
        InputEstimate,

        /// <summary>The usage the provider reported, at the model's prices.</summary>
        Reported,

        /// <summary>The worst case, flagged as estimated: the answer came without a usable usage report.</summary>
        WorstCase,

        /// <summary>The input and the output streamed so far, estimated.</summary>
        InputAndPartialOutput,
    }

    private static IEnumerable<TestCaseData> Faults()
    {
        foreach (bool streaming in new[] { false, true })
        {
            yield return Case("429", streaming, () => LoopbackReply.Status(429), Outcome.FailsOver, Charge.Nothing);
            yield return Case("429 with Retry-After", streaming, () => LoopbackReply.RateLimited(TimeSpan.FromSeconds(30)), Outcome.FailsOver, Charge.Nothing);
            yield return Case("500", streaming, () => LoopbackReply.Status(500), Outcome.FailsOver, Charge.Nothing);
            yield return Case("503", streaming, () => LoopbackReply.Status(503), Outcome.FailsOver, Charge.Nothing);
            yield return Case("503 with Retry-After", streaming, () => LoopbackReply.Status(503, null, TimeSpan.FromSeconds(30)), Outcome.FailsOver, Charge.Nothing);
            yield return Case("connection reset", streaming, LoopbackReply.ResetConnection, Outcome.FailsOver, Charge.Nothing);
            yield return Case("hang", streaming, () => LoopbackReply.Delay(TimeSpan.FromSeconds(10), LoopbackReply.Text("late", 11, 3)), Outcome.FailsOver, Charge.InputEstimate);
            yield return Case("slow first byte", streaming, () => LoopbackReply.Delay(TimeSpan.FromMilliseconds(150), LoopbackReply.Text("Slow but whole.", 11, 3)), Outcome.AnsweredByFirst, Charge.Reported);
            yield return Case("cut before output", streaming, () => LoopbackReply.CutStreamBeforeFinal("", abort: true), Outcome.FailsOver, Charge.Nothing);
            yield return Case("malformed JSON", streaming, LoopbackReply.MalformedJson, Outcome.FailsOver, Charge.Nothing);
            yield return Case("missing usage", streaming, () => LoopbackReply.TextWithoutUsage("No usage here."), Outcome.AnsweredByFirst, Charge.WorstCase);
            yield return Case("negative usage", streaming, () => LoopbackReply.Text("Odd usage.", 11, -5), Outcome.AnsweredByFirst, Charge.WorstCase);
            yield return Case("usage at 10x the output limit", streaming, () => LoopbackReply.Text("Long bill.", 11, 10 * OutputLimit), Outcome.AnsweredByFirst, Charge.Reported);
        }

        // Only a stream can fail after output; a non-streamed answer is whole or nothing (cut before output above).
        yield return Case("cut after output", true, () => LoopbackReply.CutStreamBeforeFinal("The east wing's AHU-3 runs until", abort: true), Outcome.FailsAfterOutput, Charge.InputAndPartialOutput);
        yield return Case("stall after output", true, () => LoopbackReply.DelayAfterFirstChunk(TimeSpan.FromSeconds(10), "The east wing's AHU-3 runs until 22:00.", 11, 9), Outcome.FailsAfterOutput, Charge.InputAndPartialOutput);
    }

    private static TestCaseData Case(string name, bool streaming, Func<LoopbackReply> fault, Outcome outcome, Charge charge) =>
        new TestCaseData(streaming, fault, outcome, charge).SetArgDisplayNames(name, streaming ? "streamed" : "not streamed");

    [TestCaseSource(nameof(Faults))]
    public async Task A_fault_at_the_first_route_ends_as_it_should_in_time_charged_once_and_audited(bool streaming, Func<LoopbackReply> fault, Outcome outcome, Charge charge)
    {
        await using RouterHarness h = await RouterHarness.StartAsync(o => { o.ApiTimeout = s_firstUpdateLimit; o.ApiTotalTimeout = s_totalLimit; });
        h.OpenAI.Enqueue(fault());
        ChatOptions options = RouterHarness.Options(p => { p.Privacy = PrivacyLevel.Public; p.Domain = RequestDomain.General; p.Complexity = 0.9; });
        options.MaxOutputTokens = OutputLimit;

        Stopwatch clock = Stopwatch.StartNew();
        string received = "";
        Exception? failure = null;
        RouteDecision? decision = null;
        try
        {
            if (streaming)
            {
                await foreach (ChatResponseUpdate update in h.Chat.GetStreamingResponseAsync(s_question, options))
                {
                    received += update.Text;
                    decision = update.GetRouteDecision() ?? decision;
                }
            }
            else
            {
                ChatResponse response = await h.Chat.GetResponseAsync(s_question, options);
                received = response.Text;
                decision = response.GetRouteDecision();
            }
        }
#pragma warning disable CA1031 // The failure is the outcome under test.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            failure = ex;
        }

        clock.Stop();

        // Time: one time limit at most, plus the next route's answer; never the provider's own 10 s.
        Assert.That(clock.Elapsed, Is.LessThan(s_totalLimit + TimeSpan.FromSeconds(2)), "bounded by the time limits");

        AuditEntry[] records = [.. (await ((IAuditLog)h.Services.GetService(typeof(IAuditLog))!).ReadAllAsync().ToListAsync()).Select(r => r.Entry)];
        AuditEntry first = records.First(r => r.Provider == EaioProviders.OpenAI);
        switch (outcome)
        {
            case Outcome.FailsOver:
                Assert.That(failure, Is.Null, $"answered by the next route, not {failure}");
                Assert.That(decision!.Provider, Is.Not.EqualTo(EaioProviders.OpenAI));
                Assert.That(received, Is.EqualTo(decision.Provider == EaioProviders.Ollama ? "Local answer." : "DeepSeek answer."));
                Assert.That(decision.Attempts.Select(a => a.Provider).First(), Is.EqualTo(EaioProviders.OpenAI), "the first route was tried");
                Assert.That(first.Outcome, Does.StartWith("failed: "));
                Assert.That(records.Count(r => r.Provider == EaioProviders.OpenAI), Is.EqualTo(1), "one record per attempt");
                Assert.That(h.OpenAI.ChatRequestCount, Is.EqualTo(1), "a failed route is not retried behind the caller's back");
                break;
            case Outcome.AnsweredByFirst:
                Assert.That(failure, Is.Null, $"answered, not {failure}");
                Assert.That(decision!.Provider, Is.EqualTo(EaioProviders.OpenAI));
                Assert.That(received, Is.Not.Empty);
                Assert.That((records.Length, first.Outcome), Is.EqualTo((1, "ok")));
                break;
            case Outcome.FailsAfterOutput:
                Assert.That(failure, Is.Not.Null, "a stream that broke after output cannot be sent again, so it fails");
                Assert.That(failure!.Message, Does.Contain(EaioProviders.OpenAI).IgnoreCase, "the error names the provider");
                Assert.That(received, Does.StartWith("The east wing"), "what arrived stays with the caller");
                Assert.That((records.Length, first.Outcome), Is.EqualTo((1, "failed after output")));
                Assert.That(h.DeepSeek.ChatRequestCount + h.Ollama.ChatRequestCount, Is.Zero, "nothing sent again");
                break;
        }

        // Money: nothing left held, and the ledger and the audit records say the same, once per attempt.
        BudgetStatus status = await h.Router.Budget.GetStatusAsync(null);
        Assert.That(status.ReservedUsd, Is.Zero, "every hold ended");
        Assert.That(status.SpentUsd, Is.EqualTo(records.Sum(r => r.CostUsd)), "charged exactly once, as audited");

        ModelPrice gpt4o = PriceCatalog.Default.Find(EaioProviders.OpenAI, "gpt-4o")!;
        decimal inputOnly = gpt4o.CostUsd(TokenEstimator.EstimateInputTokens(s_question, null, "gpt-4o"), 0, 0);
        switch (charge)
        {
            case Charge.Nothing:
                Assert.That(first.CostUsd, Is.Zero);
                break;
            case Charge.InputEstimate:
                Assert.That(first.CostUsd, Is.EqualTo(inputOnly));
                break;
            case Charge.Reported:
                long output = first.OutputTokens!.Value;
                Assert.That(first.CostUsd, Is.EqualTo(gpt4o.CostUsd(11, 0, output)));
                Assert.That(decision!.Cost!.Value.IsEstimated, Is.False);
                break;
            case Charge.WorstCase:
                Assert.That(decision!.Cost!.Value.IsEstimated, Is.True, "flagged as an estimate");
                Assert.That(first.CostUsd, Is.EqualTo(gpt4o.CostUsd(first.InputTokens!.Value, 0, OutputLimit)), "the whole output limit for the output it did not report");
                break;
            case Charge.InputAndPartialOutput:
                Assert.That(first.CostUsd, Is.GreaterThan(inputOnly), "the input and what was streamed");
                Assert.That(first.CostUsd, Is.LessThan(gpt4o.CostUsd(TokenEstimator.EstimateInputTokens(s_question, null, "gpt-4o"), 0, OutputLimit)), "not the worst case: the output is counted");
                break;
        }
    }

    private static IEnumerable<TestCaseData> FaultsEverywhere()
    {
        foreach (TestCaseData data in Faults())
        {
            yield return new TestCaseData(data.Arguments[0], data.Arguments[1]).SetArgDisplayNames(data.ArgDisplayNames!);
        }
    }

    [TestCaseSource(nameof(FaultsEverywhere))]
    public async Task The_same_fault_on_every_server_never_sends_a_PRIVATE_request_out(bool streaming, Func<LoopbackReply> fault)
    {
        await using RouterHarness h = await RouterHarness.StartAsync(o => { o.LocalTimeout = s_firstUpdateLimit; o.LocalTotalTimeout = s_totalLimit; o.ApiTimeout = s_firstUpdateLimit; o.ApiTotalTimeout = s_totalLimit; });
        foreach (LoopbackServer server in new LoopbackServer[] { h.Ollama, h.OpenAI, h.DeepSeek, h.Gemini })
        {
            for (int i = 0; i < 3; i++)
            {
                server.Enqueue(fault());
            }
        }

        ChatMessage[] question = [new(ChatRole.User, "Summarise the meter readings of building Panther_office_Hannah for the owner, jane.doe@example.com.")];
        ChatOptions options = RouterHarness.Options(p => { p.Privacy = PrivacyLevel.Private; p.Complexity = 0.9; });
        Stopwatch clock = Stopwatch.StartNew();
        try
        {
            if (streaming)
            {
                await foreach (ChatResponseUpdate update in h.Chat.GetStreamingResponseAsync(question, options))
                {
                    _ = update;
                }
            }
            else
            {
                _ = await h.Chat.GetResponseAsync(question, options);
            }
        }
#pragma warning disable CA1031 // Answered or failed: either is allowed; leaving is not.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Assert.That(ex.Message, Is.Not.Empty);
        }

        Assert.That(h.ExternalChatRequests, Is.Zero, "a PRIVATE request stays on this machine under every fault");
        Assert.That(h.Ollama.ChatRequestCount, Is.GreaterThan(0));
        Assert.That(clock.Elapsed, Is.LessThan(s_totalLimit + TimeSpan.FromSeconds(2)));
    }
}
