using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using NSubstitute;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

[CancelAfter(30_000)]
public sealed partial class EgressGuardTests
{
    private const string Email = "hannah.operator@example.org";

    [GeneratedRegex(@"[\w.+-]+@[\w-]+\.[\w.]+")]
    private static partial Regex EmailPattern();

    /// <summary>A stand-in detector for these tests; the real ones come with the detection work.</summary>
    private sealed class EmailDetector : ISensitiveDataDetector
    {
        public void Detect(ReadOnlySpan<char> text, ICollection<SensitiveSpan> spans)
        {
            foreach (ValueMatch match in EmailPattern().EnumerateMatches(text))
            {
                spans.Add(new SensitiveSpan(match.Index, match.Length, EntityTypes.Email, 0.99));
            }
        }
    }

    private sealed class BrokenDetector : ISensitiveDataDetector
    {
        public void Detect(ReadOnlySpan<char> text, ICollection<SensitiveSpan> spans) => throw new InvalidOperationException("model not loaded");
    }

    /// <summary>Fails on texts that mention a word, as a detector with a bug in one code path would.</summary>
    internal sealed class FailsOnWordDetector(string word) : ISensitiveDataDetector
    {
        public void Detect(ReadOnlySpan<char> text, ICollection<SensitiveSpan> spans)
        {
            if (text.Contains(word, StringComparison.Ordinal))
            {
                throw new InvalidOperationException("detector bug");
            }
        }
    }

    private static (EgressGuardChatClient Guard, IChatClient Inner) Guard(params ISensitiveDataDetector[] detectors)
    {
        IChatClient inner = Substitute.For<IChatClient>();
        inner.GetResponseAsync(Arg.Any<IEnumerable<ChatMessage>>(), Arg.Any<ChatOptions?>(), Arg.Any<CancellationToken>())
            .Returns(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok")));
        return (new EgressGuardChatClient(inner, "openai", detectors), inner);
    }

    [Test]
    public async Task A_clean_payload_passes()
    {
        (EgressGuardChatClient guard, IChatClient inner) = Guard(new EmailDetector());
        ChatResponse response = await guard.GetResponseAsync("What is a good EUI for offices?");
        Assert.That(response.Text, Is.EqualTo("ok"));
        await inner.Received(1).GetResponseAsync(Arg.Any<IEnumerable<ChatMessage>>(), Arg.Any<ChatOptions?>(), Arg.Any<CancellationToken>());
    }

    [Test]
    public void A_detector_hit_blocks_the_call_and_the_message_holds_no_value()
    {
        (EgressGuardChatClient guard, IChatClient inner) = Guard(new EmailDetector());

        PrivacyViolationException? error = Assert.ThrowsAsync<PrivacyViolationException>(() => guard.GetResponseAsync($"Mail the report to {Email}"));

        Assert.That(error!.Message, Does.Contain("1 EMAIL").And.Contain("openai").And.Not.Contain(Email));
        _ = inner.DidNotReceive().GetResponseAsync(Arg.Any<IEnumerable<ChatMessage>>(), Arg.Any<ChatOptions?>(), Arg.Any<CancellationToken>());
    }

    [Test]
    public void Hits_in_tool_call_arguments_and_results_block_too()
    {
        (EgressGuardChatClient guard, _) = Guard(new EmailDetector());
        ChatMessage call = new(ChatRole.Assistant, [new FunctionCallContent("c1", "notify", new Dictionary<string, object?> { ["to"] = Email })]);
        ChatMessage result = new(ChatRole.Tool, [new FunctionResultContent("c2", new { owner = Email })]);

        Assert.ThrowsAsync<PrivacyViolationException>(() => guard.GetResponseAsync([call]));
        Assert.ThrowsAsync<PrivacyViolationException>(() => guard.GetResponseAsync([result]));
    }

    [Test]
    public void Critical_tags_and_unreadable_tags_block()
    {
        (EgressGuardChatClient guard, _) = Guard();
        ChatMessage tagged = new ChatMessage(ChatRole.User, "readings").WithSensitivity(DataSensitivity.Critical);
        ChatMessage odd = new(ChatRole.User, [new TextContent("x")]);
        (odd.Contents[0].AdditionalProperties ??= [])[EaioChatOptionsExtensions.SensitivityKey] = "secret-ish";

        Assert.ThrowsAsync<PrivacyViolationException>(() => guard.GetResponseAsync([tagged]));
        Assert.ThrowsAsync<PrivacyViolationException>(() => guard.GetResponseAsync([odd]));
        Assert.ThrowsAsync<PrivacyViolationException>(() => guard.GetResponseAsync("hi", new ChatOptions().WithEaio(p => p.Privacy = PrivacyLevel.Private)));
    }

    [Test]
    public async Task A_detector_that_throws_blocks_the_call_streaming_too()
    {
        (EgressGuardChatClient guard, _) = Guard(new BrokenDetector());

        PrivacyViolationException? error = Assert.ThrowsAsync<PrivacyViolationException>(async () =>
        {
            await foreach (ChatResponseUpdate _ in guard.GetStreamingResponseAsync("hello"))
            {
            }
        });
        Assert.That(error!.Message, Does.Contain("detector failure (BrokenDetector"));
        await Task.CompletedTask;
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task After_a_block_the_router_falls_back_to_local_only(bool streaming)
    {
        // A detector that fails only on the sanitised payload: profiling and pseudonymisation pass, the egress guard's
        // last look fails, and a payload the guard cannot clear must not leave.
        await using RouterHarness h = await RouterHarness.StartAsync(services: s =>
        {
            s.AddSingleton<ISensitiveDataDetector>(new EmailDetector());
            s.AddSingleton<ISensitiveDataDetector>(new FailsOnWordDetector("EMAIL_1"));
        });
        ChatMessage[] question = [new(ChatRole.User, $"Draft a note to {Email} about tariffs")];
        ChatOptions options = RouterHarness.Options(p => { p.Privacy = PrivacyLevel.Public; p.CostSensitivity = CostSensitivity.Low; });
        h.Ollama.Enqueue(LoopbackReply.Status(500), LoopbackReply.Text("Local answer.", 5, 2));

        // PUBLIC: OpenAI first, then local, then the other externals. OpenAI is blocked; local fails once, so the
        // second request shows the other external routes skipped rather than tried.
        NoRouteAvailableException? error = Assert.ThrowsAsync<NoRouteAvailableException>(() => Send(h, question, options, streaming));
        ChatResponse second = await Send(h, question, options, streaming);

        Assert.That(h.ExternalChatRequests, Is.Zero, "nothing reached any external server");
        Assert.That(error!.Attempts[0].ErrorType, Is.EqualTo(nameof(PrivacyViolationException)));
        Assert.That(error.Attempts.Skip(2).Select(a => a.Error), Has.All.StartWith("skipped: an earlier external route was blocked"));
        Assert.That(error.Message, Does.Not.Contain(Email));
        Assert.That(second.GetRouteDecision()!.Provider, Is.EqualTo(EaioProviders.Ollama));
        Assert.That(second.Text, Is.EqualTo("Local answer."));
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task Detected_values_leave_as_placeholders_and_come_back_restored(bool streaming)
    {
        await using RouterHarness h = await RouterHarness.StartAsync(services: s => s.AddSingleton<ISensitiveDataDetector>(new EmailDetector()));
        h.OpenAI.Responder = r => LoopbackReply.Text($"I will write to {Placeholder(r.Body)} today.", 20, 8);
        ChatMessage[] question = [new(ChatRole.User, $"Draft a note to {Email} about tariffs"), new(ChatRole.User, $"Copy {Email} again")];

        ChatResponse response = await Send(h, question, RouterHarness.Options(p => p.Privacy = PrivacyLevel.Public), streaming);

        string sent = h.OpenAI.Requests.Single().Body;
        Assert.That(sent, Does.Not.Contain(Email));
        Assert.That(sent, Does.Contain("EMAIL_1"));
        Assert.That(response.GetRouteDecision()!.Provider, Is.EqualTo(EaioProviders.OpenAI));
        Assert.That(response.Text, Is.EqualTo($"I will write to {Email} today."));
        Assert.That(question[0].Text, Does.Contain(Email), "the caller's messages are not changed");
    }

    [Test]
    public async Task Readings_found_by_the_built_in_detectors_keep_a_public_request_local()
    {
        await using RouterHarness h = await RouterHarness.StartAsync();
        ChatMessage[] question =
        [
            new(ChatRole.User, "Why did consumption jump?\n2016-01-01 00:00,412.5\n2016-01-01 01:00,398.2\n2016-01-01 02:00,401.0\n2016-01-01 03:00,655.9"),
        ];

        RoutePlan plan = h.Router.Explain(question, RouterHarness.Options(p => p.Privacy = PrivacyLevel.Public));
        ChatResponse response = await h.Chat.GetResponseAsync(question, RouterHarness.Options(p => p.Privacy = PrivacyLevel.Public));

        Assert.That(plan.Profile.Sensitivity, Is.EqualTo(DataSensitivity.Critical));
        Assert.That(response.GetRouteDecision()!.Provider, Is.EqualTo(EaioProviders.Ollama));
        Assert.That(h.ExternalChatRequests, Is.Zero);
    }

    [Test]
    public async Task A_host_can_map_an_entity_type_to_critical_and_choose_redaction()
    {
        await using RouterHarness critical = await RouterHarness.StartAsync(o => o.EntitySensitivity[EntityTypes.Email] = DataSensitivity.Critical);
        RoutePlan plan = critical.Router.Explain([new(ChatRole.User, $"Write to {Email}")], RouterHarness.Options(p => p.Privacy = PrivacyLevel.Public));
        Assert.That(plan.Profile.Sensitivity, Is.EqualTo(DataSensitivity.Critical));
        Assert.That(plan.Routes.Select(r => r.Tier), Is.All.EqualTo(ProviderTier.Local));

        await using RouterHarness redacting = await RouterHarness.StartAsync(o => o.Pseudonymization.EntityPolicies[EntityTypes.Email] = EntityPolicy.Redact);
        await redacting.Chat.GetResponseAsync($"Write to {Email}", RouterHarness.Options(p => p.Privacy = PrivacyLevel.Public));
        string sent = redacting.OpenAI.Requests.Single().Body;
        Assert.That(sent, Does.Not.Contain(Email).And.Contain("[REDACTED_EMAIL]"));
    }

    private static string Placeholder(string body) => Regex.Match(body, "EMAIL_[0-9]+").Value;

    private static async Task<ChatResponse> Send(RouterHarness h, ChatMessage[] question, ChatOptions options, bool streaming) =>
        streaming
            ? await h.Chat.GetStreamingResponseAsync(question, options).ToChatResponseAsync()
            : await h.Chat.GetResponseAsync(question, options);
}
