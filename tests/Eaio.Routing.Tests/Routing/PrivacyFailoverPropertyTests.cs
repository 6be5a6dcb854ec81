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
        List<string> readingStamps = [];
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

            // Half the requests also carry one building's readings, untagged, in a shape the detectors must see through:
            // structured tool results, a series split over turns, or split between the instructions and a message.
            (List<ChatMessage> messages, string? readingsStamp) = WithReadings(random, message, options);
            RoutePlan plan = h.Router.Explain(messages, options);
            if (plan.Profile.IsLocalOnly)
            {
                localOnlyMarkers.Add(marker);
            }

            if (readingsStamp is not null)
            {
                Assert.That(plan.Profile.IsLocalOnly, Is.True, $"request {i} carries readings: {plan.Profile}");
                readingStamps.Add(readingsStamp);
            }

            try
            {
                if (random.Next(2) == 0)
                {
                    await h.Chat.GetStreamingResponseAsync(messages, options).ToChatResponseAsync();
                }
                else
                {
                    await h.Chat.GetResponseAsync(messages, options);
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
        Assert.That(readingStamps, Is.Not.Empty, "the generator must produce requests with readings");
        Assert.That(h.ExternalRequests.Where(r => readingStamps.Any(stamp => r.Body.Contains(stamp, StringComparison.Ordinal))), Is.Empty, "no reading left the machine");
    }

    private static (List<ChatMessage> Messages, string? Stamp) WithReadings(Random random, ChatMessage message, ChatOptions options)
    {
        int shape = random.Next(8);
        if (shape >= 4)
        {
            return ([message], null);
        }

        DateTime start = new DateTime(2016, 1, 1).AddHours(random.Next(0, 24 * 365));
        (string Stamp, double Value)[] series = [.. Enumerable.Range(0, random.Next(3, 7))
            .Select(k => (start.AddMinutes(15 * k).ToString("yyyy-MM-dd'T'HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture), Math.Round(random.NextDouble() * 500, 1)))];
        string Text(IEnumerable<(string Stamp, double Value)> part) =>
            string.Join("\n", part.Select(r => $"{r.Stamp},{r.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)}"));

        switch (shape)
        {
            case 0:
                // A JsonElement array of objects, as AIFunctionFactory returns a tool's records.
                System.Text.Json.JsonElement records = System.Text.Json.JsonSerializer.SerializeToElement(series.Select(r => new { timestamp = r.Stamp, kwh = r.Value }));
                return ([message, new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("c1", "get_meter")]), new ChatMessage(ChatRole.Tool, [new FunctionResultContent("c1", records)])], series[0].Stamp);
            case 1:
                // A dictionary keyed by timestamp.
                Dictionary<string, double> byTime = series.ToDictionary(r => r.Stamp, r => r.Value);
                return ([message, new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("c1", "get_meter")]), new ChatMessage(ChatRole.Tool, [new FunctionResultContent("c1", byTime)])], series[0].Stamp);
            case 2:
                // A series split over two user turns, with an answer between them.
                int half = series.Length / 2;
                return ([new ChatMessage(ChatRole.User, message.Text + " First part:\n" + Text(series.Take(half))), new ChatMessage(ChatRole.Assistant, "Noted."), new ChatMessage(ChatRole.User, "Rest:\n" + Text(series.Skip(half)))], series[0].Stamp);
            default:
                // Split between the instructions and the message.
                options.Instructions = "Meter context:\n" + Text(series.Take(1));
                return ([new ChatMessage(ChatRole.User, message.Text + "\n" + Text(series.Skip(1)))], series[0].Stamp);
        }
    }
}
