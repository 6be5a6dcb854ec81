using System.Diagnostics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>What the router records for every attempt: request log rows, metrics and its span.</summary>
[CancelAfter(30_000)]
public sealed class RouterMonitoringTests
{
    private static readonly ChatMessage[] s_question = [new(ChatRole.User, "How do I read an electricity meter?")];

    [Test]
    public async Task A_local_answer_is_logged_with_its_profile_tokens_and_response_id()
    {
        InMemoryRequestLog log = new();
        await using RouterHarness h = await RouterHarness.StartAsync(services: s => s.AddSingleton<IRequestLog>(log));

        ChatResponse response = await h.Chat.GetResponseAsync(s_question, RouterHarness.Options(p => { p.Privacy = PrivacyLevel.Private; p.Complexity = 0.3; p.Category = "meter-summary"; }));

        RequestLogEntry entry = log.Entries.Single();
        Assert.Multiple(() =>
        {
            Assert.That((entry.Provider, entry.Model, entry.Tier), Is.EqualTo((EaioProviders.Ollama, response.GetRouteDecision()!.Model, ProviderTier.Local)));
            Assert.That((entry.Privacy, entry.Complexity, entry.Outcome), Is.EqualTo((PrivacyLevel.Private, 0.3, RequestOutcome.Succeeded)));
            Assert.That(entry.Category, Is.EqualTo("meter-summary"), "the category acceptance is reported by");
            Assert.That((entry.InputTokens, entry.OutputTokens, entry.CostUsd), Is.EqualTo((12L, 3L, 0m)));
            Assert.That(entry.ResponseId, Is.Not.Null.And.EqualTo(response.ResponseId));
            Assert.That(entry.LatencyMs, Is.GreaterThan(0));
            Assert.That((entry.Streamed, entry.TimeToFirstTokenMs, entry.Fallbacks), Is.EqualTo((false, (double?)null, 0)));
            Assert.That(entry.RateLimitUtilization, Is.EqualTo(0.01), "1 of PROVIDER_REQUESTS_PER_MINUTE=100 used");
        });
    }

    [Test]
    public async Task A_failover_from_a_local_first_route_logs_both_attempts_under_one_request_id()
    {
        InMemoryRequestLog log = new();
        await using RouterHarness h = await RouterHarness.StartAsync(services: s => s.AddSingleton<IRequestLog>(log));
        h.Ollama.DefaultReply = LoopbackReply.Status(500);
        ChatOptions options = RouterHarness.Options(p => { p.Privacy = PrivacyLevel.Public; p.CostSensitivity = CostSensitivity.High; });
        Assert.That((await h.Router.ExplainAsync(s_question, options)).Routes[0].Provider, Is.EqualTo(EaioProviders.Ollama), "the local route is tried first");

        await h.Chat.GetResponseAsync(s_question, options);

        Assert.That(log.Entries.Select(e => (e.Tier, e.Outcome)), Is.EqualTo(new[] { (ProviderTier.Local, RequestOutcome.Unavailable), (ProviderTier.External, RequestOutcome.Succeeded) }));
        Assert.That(log.Entries.Select(e => e.RequestId).Distinct().Count(), Is.EqualTo(1));
    }

    [Test]
    public async Task A_failover_logs_the_failed_attempt_and_the_serving_one_under_one_request_id([Values] bool streaming)
    {
        InMemoryRequestLog log = new();
        await using RouterHarness h = await RouterHarness.StartAsync(services: s => s.AddSingleton<IRequestLog>(log));
        h.OpenAI.DefaultReply = LoopbackReply.Status(500);
        ChatOptions options = RouterHarness.Options(p => p.Privacy = PrivacyLevel.Public);

        ChatResponse response = streaming
            ? await h.Chat.GetStreamingResponseAsync(s_question, options).ToChatResponseAsync()
            : await h.Chat.GetResponseAsync(s_question, options);

        Assert.That(log.Entries.Select(e => (e.Provider, e.Outcome, e.Fallbacks)), Is.EqualTo(new[]
        {
            (EaioProviders.OpenAI, RequestOutcome.Failed, 0),
            (EaioProviders.Ollama, RequestOutcome.Succeeded, 1),
        }));
        Assert.That(log.Entries.Select(e => e.RequestId).Distinct().Count(), Is.EqualTo(1));
        Assert.That(log.Entries[0].ErrorType, Is.Not.Null);
        Assert.That(log.Entries[1].ResponseId, Is.EqualTo(response.ResponseId).And.Not.Null);
        Assert.That(log.Entries[1].Streamed, Is.EqualTo(streaming));
        Assert.That(log.Entries[1].TimeToFirstTokenMs.HasValue, Is.EqualTo(streaming), "time to first token is a streamed call's");

        // Feedback on the id the caller got lands on the serving attempt.
        Assert.That(await log.RecordFeedbackAsync(response.ResponseId!, 0.9), Is.True);
        Assert.That(log.Entries[1].QualityScore, Is.EqualTo(0.9));
    }

    [Test]
    public async Task A_stream_the_caller_stops_reading_is_cancelled_and_one_the_provider_cuts_is_failed()
    {
        InMemoryRequestLog log = new();
        await using RouterHarness h = await RouterHarness.StartAsync(services: s => s.AddSingleton<IRequestLog>(log));
        ChatOptions options = RouterHarness.Options(p => p.Privacy = PrivacyLevel.Private);

        await foreach (ChatResponseUpdate update in h.Chat.GetStreamingResponseAsync(s_question, options))
        {
            break;
        }

        h.Ollama.Enqueue(LoopbackReply.CutStreamBeforeFinal("A partial answer that stops", abort: true));
        Assert.CatchAsync(async () =>
        {
            await foreach (ChatResponseUpdate update in h.Chat.GetStreamingResponseAsync(s_question, options))
            {
            }
        });

        Assert.That(log.Entries.Select(e => e.Outcome), Is.EqualTo(new[] { RequestOutcome.Cancelled, RequestOutcome.Failed }), "stopping early is not the provider's fault");
        Assert.That(log.Entries[1].ErrorType, Is.EqualTo("stream failed after output"));
    }

    [Test]
    public async Task Metrics_carry_the_gen_ai_names_and_provider_model_and_privacy_tags()
    {
        using MetricCollector<double> duration = new(null, EaioTelemetry.MeterName, "gen_ai.client.operation.duration");
        using MetricCollector<long> tokens = new(null, EaioTelemetry.MeterName, "gen_ai.client.token.usage");
        using MetricCollector<long> requests = new(null, EaioTelemetry.MeterName, "eaio.requests");
        using MetricCollector<long> fallbacks = new(null, EaioTelemetry.MeterName, "eaio.fallbacks");
        using MetricCollector<double> ttft = new(null, EaioTelemetry.MeterName, "eaio.client.time_to_first_token");
        using MetricCollector<double> remaining = new(null, EaioTelemetry.MeterName, "eaio.budget.remaining");
        await using RouterHarness h = await RouterHarness.StartAsync(o => o.MonthlyBudgetUsd = 100m);
        h.OpenAI.Enqueue(LoopbackReply.Status(500));
        ChatOptions options = RouterHarness.Options(p => p.Privacy = PrivacyLevel.Public);

        await h.Chat.GetResponseAsync(s_question, options);                                   // openai fails, ollama serves
        await h.Chat.GetStreamingResponseAsync(s_question, options).ToChatResponseAsync();  // openai serves, streamed

        Assert.That(requests.GetMeasurementSnapshot().Select(m => ($"{m.Tags["gen_ai.provider.name"]}", $"{m.Tags["eaio.outcome"]}", $"{m.Tags["eaio.privacy.level"]}")), Is.EqualTo(new[]
        {
            (EaioProviders.OpenAI, "failed", "public"),
            (EaioProviders.Ollama, "succeeded", "public"),
            (EaioProviders.OpenAI, "succeeded", "public"),
        }));
        Assert.That(duration.GetMeasurementSnapshot(), Has.Count.EqualTo(3));
        Assert.That(duration.GetMeasurementSnapshot()[0].Tags["error.type"], Is.Not.Null);
        Assert.That(duration.GetMeasurementSnapshot()[1].ContainsTags("gen_ai.request.model"), Is.True);

        // Ollama replied 12 in / 3 out, OpenAI 11 in / 3 out.
        Assert.That(tokens.GetMeasurementSnapshot().Select(m => ($"{m.Tags["gen_ai.provider.name"]}", $"{m.Tags["gen_ai.token.type"]}", m.Value)), Is.EqualTo(new[]
        {
            (EaioProviders.Ollama, "input", 12L),
            (EaioProviders.Ollama, "output", 3L),
            (EaioProviders.OpenAI, "input", 11L),
            (EaioProviders.OpenAI, "output", 3L),
        }));
        Assert.That(fallbacks.GetMeasurementSnapshot().Single().Value, Is.EqualTo(1));
        Assert.That(fallbacks.GetMeasurementSnapshot().Single().Tags["gen_ai.provider.name"], Is.EqualTo(EaioProviders.Ollama));
        Assert.That(ttft.GetMeasurementSnapshot().Single().Tags["gen_ai.provider.name"], Is.EqualTo(EaioProviders.OpenAI));
        Assert.That(remaining.LastMeasurement!.Value, Is.LessThan(100).And.GreaterThan(99.99), "what is left after the settled OpenAI call");
    }

    [Test]
    public async Task Blocked_calls_and_pseudonymised_entities_are_counted_per_provider()
    {
        using MetricCollector<long> entities = new(null, EaioTelemetry.MeterName, "eaio.privacy.pseudonymized_entities");
        using MetricCollector<long> blocks = new(null, EaioTelemetry.MeterName, "eaio.privacy.blocks");
        await using RouterHarness h = await RouterHarness.StartAsync();

        ChatMessage[] withEmail = [new(ChatRole.User, "Write to facilities@example.com about the boiler schedule.")];
        ChatResponse response = await h.Chat.GetResponseAsync(withEmail, RouterHarness.Options(p => { p.Privacy = PrivacyLevel.Public; p.Complexity = 0.9; p.Domain = RequestDomain.Creative; }));

        Assert.That(response.GetRouteDecision()!.Tier, Is.EqualTo(ProviderTier.External));
        CollectedMeasurement<long>[] counted = [.. entities.GetMeasurementSnapshot()];
        Assert.That(blocks.GetMeasurementSnapshot(), Is.Empty);
        Assert.That(counted.Sum(m => m.Value), Is.EqualTo(1));
        Assert.That(counted[0].Tags["eaio.entity.type"], Is.Not.Null);
    }

    [Test]
    public async Task Each_request_is_one_chat_span_named_after_the_serving_model()
    {
        List<Activity> spans = [];
        using ActivityListener listener = new()
        {
            ShouldListenTo = s => s.Name == EaioTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(listener);
        await using RouterHarness h = await RouterHarness.StartAsync();

        ChatResponse response = await h.Chat.GetResponseAsync(s_question, RouterHarness.Options(p => p.Privacy = PrivacyLevel.Private));

        Activity span = spans.Single();
        Assert.That(span.DisplayName, Is.EqualTo("chat " + response.GetRouteDecision()!.Model));
        Assert.That(span.GetTagItem("gen_ai.provider.name"), Is.EqualTo(EaioProviders.Ollama));
        Assert.That(span.GetTagItem("eaio.privacy.level"), Is.EqualTo("private"));
        Assert.That(span.GetTagItem("gen_ai.usage.output_tokens"), Is.EqualTo(3L));
    }

    [Test]
    public async Task The_default_SQLite_request_log_holds_every_request_after_the_host_stops()
    {
        await using RouterHarness h = await RouterHarness.StartAsync();
        for (int i = 0; i < 3; i++)
        {
            await h.Chat.GetResponseAsync(s_question, RouterHarness.Options(p => p.Privacy = PrivacyLevel.Private));
        }

        await h.Services.DisposeAsync();

        await using SqliteRequestLog reopened = new(Path.Combine(h.DataDirectory, "eaio-requests.db"));
        List<RequestLogEntry> stored = await reopened.ReadAsync(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(1)).ToListAsync();
        Assert.That(stored, Has.Count.EqualTo(3));
        Assert.That(stored.All(e => e.Provider == EaioProviders.Ollama && e.Outcome == RequestOutcome.Succeeded), Is.True);
    }
}
