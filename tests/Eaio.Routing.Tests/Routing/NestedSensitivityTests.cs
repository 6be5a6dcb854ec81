using System.Text;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>
/// Sensitivity the profiler must find below the top level: tags inside tool-result lists, readings in an earlier turn's
/// reasoning; and payloads the router must keep local (a caller's raw-representation factory, a file inside a tool result).
/// </summary>
[CancelAfter(30_000)]
public sealed class NestedSensitivityTests
{
    private const string Readings = "2016-01-01 00:00,412.5\n2016-01-01 01:00,398.2\n2016-01-01 02:00,401.0\n2016-01-01 03:00,655.9";

    private static readonly ChatOptions s_public = RouterHarness.Options(p => p.Privacy = PrivacyLevel.Public);

    [Test]
    public async Task A_critical_tag_inside_a_tool_result_list_makes_the_request_critical()
    {
        await using RouterHarness h = await RouterHarness.StartAsync();

        DataSensitivity Of(object result) => h.Router.Explain(Conversation(result), s_public).Profile.Sensitivity;

        Assert.That(Of(new List<AIContent> { new TextContent("Readings:"), new TextContent("Total 42").WithSensitivity(DataSensitivity.Critical) }), Is.EqualTo(DataSensitivity.Critical));
        Assert.That(Of(new List<AIContent> { new TextContent("Total 42") { AdditionalProperties = new() { [EaioChatOptionsExtensions.SensitivityKey] = EaioDataClassifications.Critical } } }), Is.EqualTo(DataSensitivity.Critical));
        Assert.That(Of(new List<object> { new TaggedResult(DataSensitivity.Critical) }), Is.EqualTo(DataSensitivity.Critical));
        Assert.That(Of(new List<object> { new TaggedResult(DataSensitivity.Sensitive) }), Is.EqualTo(DataSensitivity.Sensitive));
        Assert.That(Of(new List<AIContent> { new TextContent("Total 42") }), Is.EqualTo(DataSensitivity.Public));
    }

    [Test]
    public async Task Readings_in_an_earlier_turns_reasoning_make_the_request_critical()
    {
        await using RouterHarness h = await RouterHarness.StartAsync();
        ChatMessage[] conversation =
        [
            new(ChatRole.User, "Why did consumption jump?"),
            new(ChatRole.Assistant, [new TextReasoningContent("The meter shows:\n" + Readings), new TextContent("A chiller started.")]),
            new(ChatRole.User, "And what should we do?"),
        ];

        Assert.That(h.Router.Explain(conversation, s_public).Profile.Sensitivity, Is.EqualTo(DataSensitivity.Critical));
    }

    [Test]
    public async Task A_callers_raw_representation_factory_keeps_the_request_local()
    {
        await using RouterHarness h = await RouterHarness.StartAsync();
        ChatOptions options = RouterHarness.Options(p => p.Privacy = PrivacyLevel.Public);
        options.RawRepresentationFactory = _ => null;

        RoutePlan plan = h.Router.Explain([new(ChatRole.User, "What is a good EUI for offices?")], options);
        ChatResponse response = await h.Chat.GetResponseAsync("What is a good EUI for offices?", options);

        Assert.That(plan.Routes.Select(r => r.Tier), Is.All.EqualTo(ProviderTier.Local));
        Assert.That(plan.Profile.Notes, Has.Some.Contains("RawRepresentationFactory"));
        Assert.That(response.GetRouteDecision()!.Provider, Is.EqualTo(EaioProviders.Ollama));
        Assert.That(h.ExternalChatRequests, Is.Zero);
    }

    [Test]
    public async Task A_text_file_inside_a_tool_result_falls_back_to_local()
    {
        await using RouterHarness h = await RouterHarness.StartAsync(services: s => s.AddSingleton<ISensitiveDataDetector>(new Privacy.EmailTestDetector()));
        DataContent file = new(Encoding.UTF8.GetBytes("alice@example.com"), "text/plain");

        ChatResponse response = await h.Chat.GetResponseAsync(Conversation(new List<AIContent> { new TextContent("Contacts:"), file }), s_public);

        Assert.That(response.GetRouteDecision()!.Provider, Is.EqualTo(EaioProviders.Ollama));
        Assert.That(h.ExternalChatRequests, Is.Zero);
    }

    [Test]
    public async Task An_image_still_leaves_for_a_public_request()
    {
        // Images are sent unscanned by policy; the raw object an SDK attached is dropped, not a reason to block.
        await using RouterHarness h = await RouterHarness.StartAsync(services: s => s.AddSingleton<ISensitiveDataDetector>(new Privacy.EmailTestDetector()));
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        ChatMessage question = new(ChatRole.User, [new TextContent("What does this meter show?"), new DataContent(png, "image/png") { RawRepresentation = new object() }]);

        ChatResponse response = await h.Chat.GetResponseAsync([question], RouterHarness.Options(p => { p.Privacy = PrivacyLevel.Public; p.Provider = EaioProviders.OpenAI; }));

        Assert.That(response.GetRouteDecision()!.Provider, Is.EqualTo(EaioProviders.OpenAI));
        Assert.That(h.OpenAI.Requests.Single().Body, Does.Contain("image_url"));
    }

    private static ChatMessage[] Conversation(object result) =>
    [
        new(ChatRole.User, "What is the total?"),
        new(ChatRole.Assistant, [new FunctionCallContent("c1", "total")]),
        new(ChatRole.Tool, [new FunctionResultContent("c1", result)]),
    ];

    private sealed record TaggedResult(DataSensitivity Sensitivity) : ISensitivityTagged;
}
