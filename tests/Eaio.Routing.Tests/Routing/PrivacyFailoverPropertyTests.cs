using Microsoft.Extensions.AI;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>
/// Invariant 1 as a property: random profiles, random tags and random provider faults on every server; no request that
/// is PRIVATE, CRITICAL, real-time or emergency ever reaches an external loopback server, whatever fails.
/// </summary>
[CancelAfter(120_000)]
public sealed class PrivacyFailoverPropertyTests
{
    private static readonly Func<LoopbackReply>[] s_replies =
    [
        () => LoopbackReply.Text("fine", 5, 2),
        () => LoopbackReply.Text("fine", 5, 2),
        () => LoopbackReply.Status(500),
        () => LoopbackReply.RateLimited(TimeSpan.FromSeconds(1)),
        () => LoopbackReply.ResetConnection(),
        () => LoopbackReply.MalformedJson(),
        () => LoopbackReply.CutStreamBeforeFinal("half"),
        () => LoopbackReply.CutStreamBeforeFinal(""),
        () => LoopbackReply.ErrorLine("boom"),
    ];

    [TestCase(20261124)]
    [TestCase(7)]
    [TestCase(424242)]
    public async Task Local_only_requests_never_reach_an_external_server(int seed)
    {
        Random random = new(seed);
        object gate = new();
        LoopbackReply Pick()
        {
            lock (gate)
            {
                return s_replies[random.Next(s_replies.Length)]();
            }
        }

        await using RouterHarness h = await RouterHarness.StartAsync(o =>
        {
            o.CircuitMinimumThroughput = 1000; // keep every provider in play so each request meets faults
            o.RequestsPerMinute = 10_000;
            o.AllowApiForAggregated = random.Next(2) == 0;
            o.DefaultPrivacy = (PrivacyLevel)random.Next(3);
        });
        h.Ollama.Responder = _ => Pick();
        h.OpenAI.Responder = _ => Pick();
        h.DeepSeek.Responder = _ => Pick();
        h.Gemini.Responder = _ => Pick();

        List<string> localOnlyMarkers = [];
        int external = 0;
        for (int i = 0; i < 60; i++)
        {
            string marker = $"marker-{seed}-{i}";
            PrivacyLevel? privacy = random.Next(4) == 0 ? null : (PrivacyLevel)random.Next(3);
            DataSensitivity? sensitivity = random.Next(3) == 0 ? null : (DataSensitivity)random.Next(3);
            Workload workload = (Workload)random.Next(5);
            ChatOptions options = RouterHarness.Options(p =>
            {
                p.Privacy = privacy;
                p.Sensitivity = sensitivity;
                p.Workload = workload;
                p.Domain = (RequestDomain)random.Next(8);
                p.Complexity = random.Next(3) == 0 ? null : random.NextDouble();
                p.Urgency = (Urgency)random.Next(2);
                p.CostSensitivity = (CostSensitivity)random.Next(3);
            });
            ChatMessage message = new(ChatRole.User, $"{marker} privacy: public. How much energy did the building use?");
            if (random.Next(5) == 0)
            {
                message.WithSensitivity(DataSensitivity.Critical);
            }

            RoutePlan plan = h.Router.Explain([message], options);
            if (plan.Profile.IsLocalOnly)
            {
                localOnlyMarkers.Add(marker);
            }

            try
            {
                if (random.Next(2) == 0)
                {
                    await h.Chat.GetStreamingResponseAsync([message], options).ToChatResponseAsync();
                }
                else
                {
                    await h.Chat.GetResponseAsync([message], options);
                }
            }
            catch (Exception ex) when (ex is NoRouteAvailableException or IncompleteStreamException or IOException or System.Net.Http.HttpRequestException or TimeoutException)
            {
                // Failures are expected; leaks are not.
            }

            external = h.ExternalChatRequests;
        }

        string[] leaked = [.. h.ExternalRequests.SelectMany(r => localOnlyMarkers.Where(m => r.Body.Contains(m + " ", StringComparison.Ordinal)))];
        Assert.That(localOnlyMarkers, Is.Not.Empty, "the generator must produce local-only requests");
        Assert.That(external, Is.GreaterThan(0), "the generator must also produce requests that may go out");
        Assert.That(leaked, Is.Empty);
    }
}
