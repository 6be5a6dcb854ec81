using System.Text;
using Microsoft.Extensions.AI;
using NUnit.Framework;

namespace Eaio.Routing.Tests.Privacy;

/// <summary>What the pseudonymiser does with raw provider objects and with contents it cannot mask.</summary>
public sealed class PseudonymizerPayloadTests
{
    private static async Task<PseudonymizedMessages> Pseudonymize(params ChatMessage[] messages)
    {
        InMemoryPseudonymVault vault = new();
        return (await new Pseudonymizer(vault).PseudonymizeAsync(await vault.OpenScopeAsync(null), messages, new EmailTestDetector()));
    }

    [Test]
    public async Task Sdk_history_leaves_without_raw_objects_so_the_guard_lets_it_through()
    {
        // An assistant turn as an SDK returns it: the message and each content carry the provider's raw objects.
        object raw = new();
        byte[] png = [0x89, 0x50, 0x4E, 0x47];
        ChatMessage assistant = new(ChatRole.Assistant, [new TextContent("Wrote to alice@example.com") { RawRepresentation = raw }]) { RawRepresentation = raw };
        ChatMessage user = new(ChatRole.User,
        [
            new TextReasoningContent("thinking") { RawRepresentation = raw },
            new DataContent(png, "image/png") { Name = "alice@example.com (meter).png", RawRepresentation = raw },
            new UriContent("https://img.example.com/a.png", "image/png") { RawRepresentation = raw },
        ]);

        PseudonymizedMessages result = await Pseudonymize(assistant, user);

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(result.Messages.SelectMany(m => m.Contents).Select(c => c.RawRepresentation), Is.All.Null);
            Assert.That(result.Messages[0].Text, Is.EqualTo("Wrote to EMAIL_1"));
            Assert.That(((DataContent)result.Messages[1].Contents[1]).Name, Is.EqualTo("EMAIL_1 (meter).png"), "an image's name is masked like text");
            Assert.That(((DataContent)result.Messages[1].Contents[1]).Data.ToArray(), Is.EqualTo(png));
            Assert.That(((UriContent)result.Messages[1].Contents[2]).Uri, Is.EqualTo(new Uri("https://img.example.com/a.png")));
            Assert.That(user.Contents.Select(c => c.RawRepresentation), Is.All.SameAs(raw), "the caller's contents are not changed");
            Assert.DoesNotThrow(() => new EgressGuard([new EmailTestDetector()]).ThrowIfSensitive("openai", result.Messages, null));
        });
    }

    [Test]
    public async Task A_non_text_content_inside_a_tool_result_makes_sanitising_fail()
    {
        // Left in, it would leave as base64 that no detector reads; the router turns the failure into a local fallback.
        DataContent file = new(Encoding.UTF8.GetBytes("alice@example.com"), "text/plain");
        ChatMessage inList = new(ChatRole.Tool, [new FunctionResultContent("c1", new List<AIContent> { new TextContent("Contacts:"), file })]);
        ChatMessage alone = new(ChatRole.Tool, [new FunctionResultContent("c1", file)]);

        Assert.That(Assert.ThrowsAsync<NotSupportedException>(async () => await Pseudonymize(inList))!.Message, Does.Contain("DataContent"));
        Assert.ThrowsAsync<NotSupportedException>(async () => await Pseudonymize(alone));
        Assert.That((await Pseudonymize(new ChatMessage(ChatRole.Tool, [new FunctionResultContent("c1", new List<AIContent> { new TextContent("Mail alice@example.com") })]))).EntityCounts[EntityTypes.Email], Is.EqualTo(1));
    }
}
