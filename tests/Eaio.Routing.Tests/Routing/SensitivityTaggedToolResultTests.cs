using Microsoft.Extensions.AI;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>A tool result that declares its sensitivity (<see cref="ISensitivityTagged"/> or a tagged <see cref="AIContent"/>) counts like a tag.</summary>
[CancelAfter(30_000)]
public sealed class SensitivityTaggedToolResultTests
{
    private static readonly ChatOptions s_public = RouterHarness.Options(p => p.Privacy = PrivacyLevel.Public);

    [TestCase(DataSensitivity.Public)]
    [TestCase(DataSensitivity.Sensitive)]
    [TestCase(DataSensitivity.Critical)]
    public async Task A_tagged_result_sets_the_sensitivity_the_detectors_cannot_see(DataSensitivity declared)
    {
        await using RouterHarness h = await RouterHarness.StartAsync();

        // "Total 42" holds nothing a detector flags, so only the declaration can make the request sensitive.
        DataSensitivity resolved = h.Router.Explain(Conversation(new TaggedResult(declared, "Total 42")), s_public).Profile.Sensitivity;

        Assert.That(resolved, Is.EqualTo(declared));
    }

    [Test]
    public async Task A_tagged_content_result_counts_like_a_tagged_message()
    {
        await using RouterHarness h = await RouterHarness.StartAsync();
        TextContent content = new TextContent("Total 42").WithSensitivity(DataSensitivity.Critical);

        Assert.That(h.Router.Explain(Conversation(content), s_public).Profile.Sensitivity, Is.EqualTo(DataSensitivity.Critical));
        Assert.That(h.Router.Explain(Conversation(new TextContent("Total 42")), s_public).Profile.Sensitivity, Is.EqualTo(DataSensitivity.Public));
    }

    [Test]
    public async Task An_undefined_declared_sensitivity_counts_as_critical()
    {
        await using RouterHarness h = await RouterHarness.StartAsync();

        RoutePlan plan = h.Router.Explain(Conversation(new TaggedResult((DataSensitivity)7, "Total 42")), s_public);

        Assert.That(plan.Profile.Sensitivity, Is.EqualTo(DataSensitivity.Critical));
    }

    private static ChatMessage[] Conversation(object result) =>
    [
        new(ChatRole.User, "What is the total?"),
        new(ChatRole.Assistant, [new FunctionCallContent("c1", "total")]),
        new(ChatRole.Tool, [new FunctionResultContent("c1", result)]),
    ];

    private sealed record TaggedResult(DataSensitivity Sensitivity, string Text) : ISensitivityTagged;
}
