using System.Text.Json;
using Microsoft.Extensions.AI;
using NUnit.Framework;

namespace Eaio.Routing.Tests.Privacy;

public sealed class PlaceholderRestorerTests
{
    internal static async Task<(InMemoryPseudonymVault Vault, string Scope)> SampleVault()
    {
        InMemoryPseudonymVault vault = new();
        string scope = await vault.OpenScopeAsync("conv");
        _ = await vault.GetOrAddPlaceholderAsync(scope, EntityTypes.Person, "Ada");
        for (int i = 2; i <= 9; i++)
        {
            _ = await vault.GetOrAddPlaceholderAsync(scope, EntityTypes.Person, $"Person {i}");
        }

        Assert.That(await vault.GetOrAddPlaceholderAsync(scope, EntityTypes.Person, "Zoë 🙂 Zed"), Is.EqualTo("PERSON_10"));
        _ = await vault.GetOrAddPlaceholderAsync(scope, EntityTypes.Email, "ada@x.org");
        _ = await vault.GetOrAddPlaceholderAsync(scope, EntityTypes.Building, "Panther_office_Hannah");
        _ = await vault.GetOrAddPlaceholderAsync(scope, EntityTypes.IpAddress, "10.0.0.1");
        return (vault, scope);
    }

    [Test]
    public async Task Restores_whole_words_only_and_leaves_unknown_placeholders()
    {
        (InMemoryPseudonymVault vault, string scope) = await SampleVault();
        PlaceholderRestorer restorer = await vault.RestorerAsync(scope);

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(restorer.Restore("PERSON_1 and PERSON_10, PERSON_1."), Is.EqualTo("Ada and Zoë 🙂 Zed, Ada."));
            Assert.That(restorer.Restore("EMAIL_99 PERSON_100 xPERSON_1 PERSON_1x PERSON_01 person_1x"),
                Is.EqualTo("EMAIL_99 PERSON_100 xPERSON_1 PERSON_1x PERSON_01 person_1x"));
            Assert.That(restorer.Restore("(BUILDING_1)/IP_ADDRESS_1😀EMAIL_1"), Is.EqualTo("(Panther_office_Hannah)/10.0.0.1😀ada@x.org"));
        });

        const string Plain = "nothing here_at all";
        Assert.That(restorer.Restore(Plain), Is.SameAs(Plain));
    }

    [Test]
    public async Task Other_scopes_do_not_restore()
    {
        (InMemoryPseudonymVault vault, _) = await SampleVault();
        Assert.That((await vault.RestorerAsync(await vault.OpenScopeAsync(null))).Restore("PERSON_1"), Is.EqualTo("PERSON_1"));
    }

    [Test]
    public async Task Restores_responses_and_tool_call_arguments_recursively_without_changing_them()
    {
        (InMemoryPseudonymVault vault, string scope) = await SampleVault();
        PlaceholderRestorer restorer = await vault.RestorerAsync(scope);
        using JsonDocument json = JsonDocument.Parse("""{"to":["EMAIL_1"],"site":{"b":"BUILDING_1","n":2}}""");
        Dictionary<string, object?> arguments = new()
        {
            ["who"] = "PERSON_10",
            ["json"] = json.RootElement.Clone(),
            ["list"] = new List<object?> { "IP_ADDRESS_1", 7, new Dictionary<string, object?> { ["deep"] = "PERSON_1" } },
        };
        ChatResponse response = new([
            new ChatMessage(ChatRole.Assistant, [new TextContent("Hi PERSON_1"), new FunctionCallContent("c1", "notify", arguments)]),
        ])
        {
            ResponseId = "r1",
            FinishReason = ChatFinishReason.ToolCalls,
            Usage = new UsageDetails { InputTokenCount = 3 },
        };

        ChatResponse restored = restorer.Restore(response);

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(restored.Text, Is.EqualTo("Hi Ada"));
            Assert.That(restored.ResponseId, Is.EqualTo("r1"));
            Assert.That(restored.FinishReason, Is.EqualTo(ChatFinishReason.ToolCalls));
            Assert.That(restored.Usage, Is.SameAs(response.Usage));
            Assert.That(response.Text, Is.EqualTo("Hi PERSON_1"), "the original response is unchanged");

            var call = (FunctionCallContent)restored.Messages[0].Contents[1];
            Assert.That(call.Arguments!["who"], Is.EqualTo("Zoë 🙂 Zed"));
            Assert.That(((JsonElement)call.Arguments["json"]!).GetProperty("to")[0].GetString(), Is.EqualTo("ada@x.org"));
            Assert.That(((JsonElement)call.Arguments["json"]!).GetProperty("site").GetProperty("b").GetString(), Is.EqualTo("Panther_office_Hannah"));
            var list = (IList<object?>)call.Arguments["list"]!;
            Assert.That(list[0], Is.EqualTo("10.0.0.1"));
            Assert.That(list[1], Is.EqualTo(7));
            Assert.That(((IDictionary<string, object?>)list[2]!)["deep"], Is.EqualTo("Ada"));
            Assert.That(arguments["who"], Is.EqualTo("PERSON_10"));
        });
    }

    [Test]
    public async Task Round_trip_through_pseudonymiser_and_restorer_gives_back_the_prompt_text()
    {
        InMemoryPseudonymVault vault = new();
        string scope = await vault.OpenScopeAsync(null);
        const string Text = "ada@x.org wrote to EMAIL_1, PERSON_1 and bob@y.org; ada@x.org again. EMAIL_2!";
        List<SensitiveSpan> spans = [];
        new EmailTestDetector().Detect(Text, spans);

        PseudonymizedText sanitized = (await new Pseudonymizer(vault).PseudonymizeAsync(scope, Text, spans));

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(sanitized.Text, Does.Not.Contain("@"));
            Assert.That((await vault.RestorerAsync(scope)).Restore(sanitized.Text), Is.EqualTo(Text));
        });
    }
}
