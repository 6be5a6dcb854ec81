using System.Diagnostics;
using Microsoft.Extensions.AI;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>A non-streamed call to a hung provider fails over after API_TIMEOUT_SEC, not API_TOTAL_TIMEOUT_SEC (issue 16).</summary>
public sealed class NonStreamedTimeLimitTests
{
    [Test]
    public async Task A_hung_provider_is_left_for_the_next_route_after_the_first_update_limit()
    {
        await using RouterHarness h = await RouterHarness.StartAsync(o =>
        {
            o.ApiTimeout = TimeSpan.FromMilliseconds(400);
            o.ApiTotalTimeout = TimeSpan.FromSeconds(30);
            o.BudgetReservationLifetime = TimeSpan.FromSeconds(60);
        });
        h.OpenAI.Enqueue(LoopbackReply.Delay(TimeSpan.FromSeconds(20), LoopbackReply.Text("late", 10, 1)));
        ChatOptions options = RouterHarness.Options(p => { p.Privacy = PrivacyLevel.Public; p.Domain = RequestDomain.General; p.Complexity = 0.9; });
        Assert.That((await h.Router.ExplainAsync([new(ChatRole.User, "q")], options)).Routes[0].Provider, Is.EqualTo(EaioProviders.OpenAI));

        Stopwatch clock = Stopwatch.StartNew();
        ChatResponse answer = await h.Chat.GetResponseAsync("Summarise HVAC best practice.", options);

        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)), "failed over at API_TIMEOUT_SEC (0.4 s), well before API_TOTAL_TIMEOUT_SEC (30 s)");
        RouteDecision decision = answer.GetRouteDecision()!;
        Assert.That(decision.Provider, Is.Not.EqualTo(EaioProviders.OpenAI));
        Assert.That(decision.Attempts[0].Error, Does.Contain("API_TIMEOUT_SEC"));
    }
}
