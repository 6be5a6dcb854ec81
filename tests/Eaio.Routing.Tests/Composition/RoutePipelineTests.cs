using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>
/// The router's routes as middleware pipelines: the README's "compose it yourself" chain in front of a plain OpenAI
/// client, a host's middleware on one route, the start-up check of every external route's order, and no second send
/// of a call the provider already answered.
/// </summary>
public sealed partial class RoutePipelineTests
{
    private const string Email = "jane.doe@example.com";
    private const string Phone = "+44 20 7946 0958";

    private static readonly ChatMessage[] s_question = [new(ChatRole.User, "Which meter reads the chiller plant?")];

    [GeneratedRegex("EMAIL_[0-9]+|PHONE_[0-9]+", RegexOptions.None, 1000)]
    private static partial Regex Placeholders();

    [Test]
    public async Task Pseudonymization_guard_and_budget_alone_in_front_of_an_OpenAI_client_mask_restore_and_settle()
    {
        await using LoopbackOpenAIServer server = await LoopbackOpenAIServer.StartAsync();
        server.Responder = request => LoopbackReply.Text("Reply sent to " + string.Join(" and ", Placeholders().Matches(request.Body).Select(m => m.Value).Distinct()), 120, 30);
        InMemoryBudgetLedger ledger = new(new BudgetLimits(monthlyBudgetUsd: 50m));
        using IChatClient chat = new ChatClientBuilder(server.CreateSdkChatClient("gpt-4o-mini"))
            .UsePseudonymization()
            .UseEgressGuard()
            .UseBudget(ledger)
            .Build();

        ChatResponse answer = await chat.GetResponseAsync($"Draft a reply to {Email} (call {Phone}) about the chiller alarm.");

        string sent = server.Requests.Single().Body;
        Assert.That(sent, Does.Not.Contain(Email).And.Not.Contain("7946"), "nothing personal left the machine");
        Assert.That(sent, Does.Contain("EMAIL_1").And.Contain("PHONE_1"));
        Assert.That(answer.Text, Is.EqualTo($"Reply sent to {Email} and {Phone}"), "the answer is restored");
        BudgetStatus status = await ledger.GetStatusAsync(null);
        Assert.That(status.SpentUsd, Is.EqualTo((120 * 0.15m + 30 * 0.60m) / 1_000_000m), "settled to the reported usage");
        Assert.That(status.ReservedUsd, Is.Zero);
    }

    [Test]
    public async Task A_hosts_middleware_on_one_route_sees_that_routes_calls_as_the_caller_wrote_them_and_no_others()
    {
        List<string> seen = [];
        await using RouterHarness h = await RouterHarness.StartAsync(services: s => s.ConfigureEaioRoute(EaioProviders.OpenAI, route => route.Use(
            (messages, options, next, cancellationToken) =>
            {
                seen.Add(messages.Last().Text);
                return next(messages, options, cancellationToken);
            })));

        await h.Chat.GetResponseAsync([new ChatMessage(ChatRole.User, $"Summarise HVAC best practice for {Email}")], RouterHarness.Options(p => { p.Privacy = PrivacyLevel.Public; p.Domain = RequestDomain.General; }));
        await h.Chat.GetResponseAsync(s_question, RouterHarness.Options(p => p.Privacy = PrivacyLevel.Private));

        Assert.That(h.OpenAI.ChatRequestCount, Is.EqualTo(1));
        Assert.That(h.Ollama.ChatRequestCount, Is.EqualTo(1));
        Assert.That(seen, Is.EqualTo(new[] { $"Summarise HVAC best practice for {Email}" }), "outside masking, and only on its own route");
        Assert.That(h.OpenAI.Requests.Single().Body, Does.Not.Contain(Email), "the router's layers below it still mask");
    }

    [Test]
    public async Task An_external_route_without_the_guard_is_refused_at_start_up_with_what_to_add()
    {
        await using LoopbackOpenAIServer server = await LoopbackOpenAIServer.StartAsync();
        IChatClient provider = server.CreateSdkChatClient("gpt-4o-mini");

        string Refusal(Func<ChatClientBuilder, ChatClientBuilder> compose) =>
            Assert.Throws<EaioConfigurationException>(() => _ = new HybridRouterChatClient(
                new EaioHybridChatOptions(), new Dictionary<string, IChatClient> { [EaioProviders.OpenAI] = compose(new ChatClientBuilder(provider)).Build() }))!.Message;

        Assert.That(Refusal(b => b.UsePseudonymization().UseProviderResilience()), Does.Contain("'openai'").And.Contain("add UseEgressGuard()"));
        Assert.That(Refusal(b => b.UseEgressGuard().UseProviderResilience()), Does.Contain("add UsePseudonymization()"));
        Assert.That(Refusal(b => b.UseEgressGuard().UsePseudonymization().UseProviderResilience()), Does.Contain("call UsePseudonymization() before UseEgressGuard()"));
        Assert.That(Refusal(b => b.UsePseudonymization().UseEgressGuard().UseOpenTelemetry().UseProviderResilience()), Does.Contain("OpenTelemetryChatClient").And.Contain("between the egress guard and the provider's resilience"));
        Assert.That(Refusal(b => b.UsePseudonymization().UseEgressGuard()), Does.Contain("add UseProviderResilience()"));

        using HybridRouterChatClient router = new(
            new EaioHybridChatOptions(),
            new Dictionary<string, IChatClient> { [EaioProviders.OpenAI] = new ChatClientBuilder(provider).UsePseudonymization().UseEgressGuard().UseProviderResilience().Build() });
        Assert.That(router.GetRoute(EaioProviders.OpenAI), Is.Not.Null, "the invariant order starts");
    }

    [Test]
    public async Task A_router_built_by_hand_plans_with_the_ledger_and_detectors_its_routes_use()
    {
        await using LoopbackOpenAIServer server = await LoopbackOpenAIServer.StartAsync();
        InMemoryBudgetLedger ledger = new(new BudgetLimits(50m));
        IPseudonymVault vault = new InMemoryPseudonymVault();
        ISensitiveDataDetector[] detectors = [new EmailDetector()];
        using IChatClient route = new ChatClientBuilder(server.CreateSdkChatClient("gpt-4o-mini"))
            .UsePseudonymization(vault, detectors).UseBudget(ledger).UseEgressGuard(detectors: detectors).UseProviderResilience().Build();

        using HybridRouterChatClient router = new(new EaioHybridChatOptions(), new Dictionary<string, IChatClient> { [EaioProviders.OpenAI] = route });
        RoutePlan plan = await router.ExplainAsync([new(ChatRole.User, $"Mail {Email} the report")], RouterHarness.Options(p => p.Privacy = PrivacyLevel.Enhanced));

        Assert.That(router.Budget, Is.SameAs(ledger), "planning reads the budget the route spends");
        Assert.That(plan.Profile.Sensitivity, Is.EqualTo(DataSensitivity.Sensitive), "profiling runs the detectors the route masks with");
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task A_call_the_provider_answered_is_never_sent_again_when_recording_it_fails(bool streaming)
    {
        await using RouterHarness h = await RouterHarness.StartAsync(services: s => s.AddSingleton<IAuditLog>(new FailingAuditLog()));
        ChatOptions options = RouterHarness.Options(p => { p.Privacy = PrivacyLevel.Public; p.Domain = RequestDomain.General; p.Complexity = 0.9; });
        Assert.That((await h.Router.ExplainAsync(s_question, options)).Routes.Count, Is.GreaterThan(1), "there is a next route to fail over to");

        Exception? failure = streaming
            ? Assert.CatchAsync(async () => await h.Chat.GetStreamingResponseAsync(s_question, options).ToChatResponseAsync())
            : Assert.CatchAsync(() => h.Chat.GetResponseAsync(s_question, options));

        Assert.That(failure, Is.InstanceOf<IOException>().Or.InnerException.InstanceOf<IOException>(), "the caller sees the audit failure");
        Assert.That(h.ExternalChatRequests + h.Ollama.ChatRequestCount, Is.EqualTo(1), "answered once, sent once");
        BudgetStatus status = await h.Router.Budget.GetStatusAsync(null);
        Assert.That((status.SpentUsd > 0, status.ReservedUsd), Is.EqualTo((true, 0m)), "the answered call is charged, its hold ended");
    }
}
