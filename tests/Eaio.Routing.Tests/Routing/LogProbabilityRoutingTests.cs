using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using OpenAI.Chat;
using ChatMessage = Microsoft.Extensions.AI.ChatMessage;
using ChatRole = Microsoft.Extensions.AI.ChatRole;

namespace Eaio.Routing.Tests;

/// <summary>
/// <see cref="EaioChatOptionsExtensions.WithLogProbabilities"/> through the router and the real OpenAI SDK: planned only
/// onto models that return them, on the wire as <c>logprobs</c>/<c>top_logprobs</c>, back in the provider's raw objects;
/// refused, with nothing sent, where they would describe masked text.
/// </summary>
[CancelAfter(30_000)]
public sealed class LogProbabilityRoutingTests
{
    private const string Question = "What is a kWh?";

    [TestCase(false)]
    [TestCase(true)]
    public async Task A_public_question_asking_for_them_goes_to_a_model_that_returns_them_and_gets_them_back(bool streaming)
    {
        await using RouterHarness h = await RouterHarness.StartAsync();
        h.OpenAI.Enqueue(LoopbackReply.Text("A unit of energy.", 5, 4));
        h.DeepSeek.Enqueue(LoopbackReply.Text("A unit of energy.", 5, 4));
        ChatOptions options = RouterHarness.Options(p => p.Privacy = PrivacyLevel.Public).WithLogProbabilities(2);

        List<ChatTokenLogProbabilityDetails> tokens = [];
        ChatResponse response;
        if (streaming)
        {
            List<ChatResponseUpdate> updates = [];
            await foreach (ChatResponseUpdate update in h.Chat.GetStreamingResponseAsync(Question, options))
            {
                updates.Add(update);
                if (update.RawRepresentation is StreamingChatCompletionUpdate raw)
                {
                    tokens.AddRange(raw.ContentTokenLogProbabilities);
                }
            }

            response = updates.ToChatResponse();
        }
        else
        {
            response = await h.Chat.GetResponseAsync(Question, options);
            tokens.AddRange(((ChatCompletion)response.RawRepresentation!).ContentTokenLogProbabilities);
        }

        // Without them the short public question is planned locally; Gemini's models return none.
        Assert.That(h.Ollama.ChatRequestCount + h.Gemini.ChatRequestCount, Is.Zero);
        Assert.That(response.GetRouteDecision()!.Provider, Is.AnyOf(EaioProviders.OpenAI, EaioProviders.DeepSeek));
        Assert.That(response.Text, Is.EqualTo("A unit of energy."));
        using JsonDocument body = JsonDocument.Parse(h.ExternalRequests.Single(r => r.Body.Length > 0).Body);
        Assert.That(body.RootElement.GetProperty("logprobs").GetBoolean(), Is.True);
        Assert.That(body.RootElement.GetProperty("top_logprobs").GetInt32(), Is.EqualTo(2));
        Assert.That(tokens.Select(t => t.Token), Is.EqualTo(LoopbackReply.Split("A unit of energy.")));
        Assert.That(tokens.Select(t => t.LogProbability), Is.EqualTo(Enumerable.Range(0, tokens.Count).Select(LoopbackOpenAIServer.TokenLogprob)));
        Assert.That(tokens.All(t => t.TopLogProbabilities.Count == 2), Is.True);
        Assert.That(options.RawRepresentationFactory, Is.Null, "the caller's options are not changed");
    }

    [Test]
    public async Task A_task_whose_usual_model_returns_none_gets_one_of_the_providers_models_that_does()
    {
        await using RouterHarness h = await RouterHarness.StartAsync();
        ChatOptions options = RouterHarness.Options(p => { p.Privacy = PrivacyLevel.Public; p.Provider = EaioProviders.DeepSeek; p.Complexity = 0.95; }).WithLogProbabilities();

        ChatResponse response = await h.Chat.GetResponseAsync(Question, options);

        // deepseek-reasoner serves complex requests and returns no log-probabilities.
        Assert.That(response.GetRouteDecision()!.Model, Is.EqualTo("deepseek-chat"));
        using JsonDocument body = JsonDocument.Parse(h.DeepSeek.Requests.Single(r => r.Body.Length > 0).Body);
        Assert.That(body.RootElement.GetProperty("model").GetString(), Is.EqualTo("deepseek-chat"));
        Assert.That(body.RootElement.GetProperty("logprobs").GetBoolean(), Is.True);
        Assert.That(body.RootElement.TryGetProperty("top_logprobs", out _), Is.False, "0 alternatives sends none");
    }

    [Test]
    public async Task A_request_whose_values_would_be_masked_gets_no_route_and_sends_nothing()
    {
        await using RouterHarness h = await RouterHarness.StartAsync(o => o.AllowApiForAggregated = true);
        ChatOptions options = RouterHarness.Options(p => p.Privacy = PrivacyLevel.Public).WithLogProbabilities(1);

        NoRouteAvailableException? refused = Assert.ThrowsAsync<NoRouteAvailableException>(() =>
            h.Chat.GetResponseAsync("Write to jane.doe@panther-energy.eu about the kWh price.", options));

        Assert.That(refused!.Plan!.Exclusions.Where(e => e.Tier == ProviderTier.External).Select(e => e.Reason), Has.All.Contain("placeholders"));
        Assert.That(refused.Plan.Exclusions.Single(e => e.Tier == ProviderTier.Local).Reason, Does.Contain("LogProbabilities"));
        Assert.That(refused.Message, Does.Contain("without them"));
        Assert.That(refused.LogProbabilitiesUnavailable, Is.True);
        Assert.That(h.ExternalChatRequests + h.Ollama.ChatRequestCount, Is.Zero);
    }

    [Test]
    public async Task A_budget_too_low_for_external_routes_is_what_the_refusal_says_not_the_log_probabilities()
    {
        await using RouterHarness h = await RouterHarness.StartAsync(o => o.MonthlyBudgetUsd = 100m);
        IBudgetLedger ledger = h.Services.GetRequiredService<IBudgetLedger>();
        await ledger.SettleAsync(await ledger.ReserveAsync(null, 95m), 95m);

        NoRouteAvailableException? refused = Assert.ThrowsAsync<NoRouteAvailableException>(() =>
            h.Chat.GetResponseAsync(Question, RouterHarness.Options(p => p.Privacy = PrivacyLevel.Public).WithLogProbabilities()));

        // Budget comes back: this is not a request that can never have them.
        Assert.That(refused!.Plan!.LogProbabilitiesUnavailable, Is.False);
        Assert.That(refused.LogProbabilitiesUnavailable, Is.False);
        Assert.That(refused.Message, Does.Contain("budget below 10 %").And.Not.Contain("without them"));
    }

    [Test]
    public async Task A_request_that_may_not_leave_is_unavailable_for_log_probabilities_whatever_the_moment()
    {
        await using RouterHarness h = await RouterHarness.StartAsync();
        HybridRouterChatClient router = h.Router;
        RoutePlan plan = router.Explain([new ChatMessage(ChatRole.User, Question)], RouterHarness.Options(p => p.Privacy = PrivacyLevel.Private).WithLogProbabilities());

        Assert.That(plan.IsEmpty, Is.True);
        Assert.That(plan.LogProbabilitiesUnavailable, Is.True);
        Assert.That(plan.Advice, Does.Contain("without them"));
        Assert.That(router.Explain([new ChatMessage(ChatRole.User, Question)], RouterHarness.Options(p => p.Privacy = PrivacyLevel.Private)).IsEmpty, Is.False, "without them it has a route");
    }

    [Test]
    public void Alternatives_are_checked_against_what_openai_allows()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ChatOptions().WithLogProbabilities(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ChatOptions().WithLogProbabilities(EaioChatOptionsExtensions.MaxTopLogProbabilities + 1));
        Assert.That(new ChatOptions().WithLogProbabilities(EaioChatOptionsExtensions.MaxTopLogProbabilities).GetLogProbabilities(), Is.EqualTo(20));
        Assert.That(new ChatOptions().GetLogProbabilities(), Is.Null);
    }
}
