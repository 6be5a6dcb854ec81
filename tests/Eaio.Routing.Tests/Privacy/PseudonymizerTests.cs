using System.Text.Json;
using Microsoft.Extensions.AI;
using NUnit.Framework;

namespace Eaio.Routing.Tests.Privacy;

public sealed class PseudonymizerTests
{
    private static List<SensitiveSpan> Detect(string text, params string[] names)
    {
        List<SensitiveSpan> spans = [];
        new EmailTestDetector(names).Detect(text, spans);
        return spans;
    }

    [Test]
    public async Task Replaces_spans_with_stable_placeholders_and_counts_them()
    {
        InMemoryPseudonymVault vault = new();
        string scope = await vault.OpenScopeAsync("conv");
        Pseudonymizer pseudonymizer = new(vault);
        const string Text = "Mail ada@x.org or bob@y.org; Ada Lovelace again: ada@x.org.";

        PseudonymizedText result = (await pseudonymizer.PseudonymizeAsync(scope, Text, Detect(Text, "Ada Lovelace")));

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(result.Text, Is.EqualTo("Mail EMAIL_1 or EMAIL_2; PERSON_1 again: EMAIL_1."));
            Assert.That(result.EntityCounts[EntityTypes.Email], Is.EqualTo(3));
            Assert.That(result.EntityCounts[EntityTypes.Person], Is.EqualTo(1));
            Assert.That((await vault.RestorerAsync(scope)).Restore(result.Text), Is.EqualTo(Text));
        });
    }

    [Test]
    public async Task Text_without_spans_or_underscores_is_returned_as_is()
    {
        InMemoryPseudonymVault vault = new();
        const string Text = "Nothing to see here.";
        PseudonymizedText result = (await new Pseudonymizer(vault).PseudonymizeAsync(await vault.OpenScopeAsync(null), Text, []));
        Assert.That(result.Text, Is.SameAs(Text));
    }

    [Test]
    public async Task Overlapping_spans_are_merged_into_one_typed_after_the_longest()
    {
        InMemoryPseudonymVault vault = new();
        string scope = await vault.OpenScopeAsync(null);
        const string Text = "Call Ada Lovelace now";

        // "Ada" (confident) lies inside "Ada Lovelace" (longer), which partially overlaps "Lovelace now" (as long, less sure).
        SensitiveSpan[] spans =
        [
            new(5, 3, EntityTypes.Person, 0.99),
            new(5, 12, EntityTypes.Building, 0.5),
            new(9, 12, EntityTypes.Site, 0.4),
        ];
        PseudonymizedText result = (await new Pseudonymizer(vault).PseudonymizeAsync(scope, Text, spans));

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(result.Text, Is.EqualTo("Call BUILDING_1"), "the union is replaced, so no part of a flagged value leaks");
            Assert.That(result.EntityCounts, Has.Count.EqualTo(1));
            string? original = await vault.OriginalAsync(scope, "BUILDING_1");
            Assert.That(original, Is.Not.Null);
            Assert.That(original, Is.EqualTo("Ada Lovelace now"));
        });
    }

    [Test]
    public async Task Equal_length_overlap_goes_to_the_more_confident_span()
    {
        InMemoryPseudonymVault vault = new();
        string scope = await vault.OpenScopeAsync(null);
        SensitiveSpan[] spans = [new(0, 4, EntityTypes.Site, 0.3), new(0, 4, EntityTypes.Person, 0.7)];
        Assert.That((await new Pseudonymizer(vault).PseudonymizeAsync(scope, "Anna left", spans)).Text, Is.EqualTo("PERSON_1 left"));
    }

    [Test]
    public async Task Span_outside_the_text_throws_rather_than_guess()
    {
        InMemoryPseudonymVault vault = new();
        Pseudonymizer pseudonymizer = new(vault);
        string scope = await vault.OpenScopeAsync(null);
        Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () =>
            await pseudonymizer.PseudonymizeAsync(scope, "short", [new SensitiveSpan(3, 10, EntityTypes.Email, 1)]));
    }

    [Test]
    public async Task Policies_generalise_coordinates_and_redact()
    {
        InMemoryPseudonymVault vault = new();
        string scope = await vault.OpenScopeAsync(null);
        PseudonymizerOptions options = new();
        options.EntityPolicies[EntityTypes.Coordinates] = EntityPolicy.Generalize;
        options.EntityPolicies[EntityTypes.Secret] = EntityPolicy.Redact;
        options.EntityPolicies["phone"] = EntityPolicy.Generalize;
        const string Text = "Site at 51.50735, -0.12776 key sk-abc123 tel 0201234";
        SensitiveSpan[] spans =
        [
            new(8, 18, EntityTypes.Coordinates, 0.9),
            new(31, 9, EntityTypes.Secret, 0.9),
            new(45, 7, EntityTypes.Phone, 0.9),
        ];

        PseudonymizedText result = (await new Pseudonymizer(vault, options).PseudonymizeAsync(scope, Text, spans));

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(result.Text, Is.EqualTo("Site at 51.5, -0.1 key [REDACTED_SECRET] tel [REDACTED_PHONE]"),
                "a type without a generaliser is redacted, never sent as is");
            Assert.That(result.EntityCounts.Values.Sum(), Is.EqualTo(3));
            Assert.That((await vault.RestorerAsync(scope)).Restore(result.Text), Is.EqualTo(result.Text));
        });
    }

    [Test]
    public async Task Coordinates_with_hemisphere_letters_keep_their_format()
    {
        InMemoryPseudonymVault vault = new();
        PseudonymizerOptions options = new() { DefaultPolicy = EntityPolicy.Generalize };
        const string Text = "48.85837° N, 2.294481° E";
        PseudonymizedText result = (await new Pseudonymizer(vault, options).PseudonymizeAsync(await vault.OpenScopeAsync(null), Text, [new SensitiveSpan(0, Text.Length, EntityTypes.Coordinates, 1)]));
        Assert.That(result.Text, Is.EqualTo("48.9° N, 2.3° E"));
    }

    [Test]
    public async Task Placeholder_text_the_user_wrote_cannot_fool_the_restorer()
    {
        InMemoryPseudonymVault vault = new();
        string scope = await vault.OpenScopeAsync("conv");
        Pseudonymizer pseudonymizer = new(vault);

        // Turn 1: the user literally writes EMAIL_1 next to a real address.
        const string Turn1 = "Template field EMAIL_1 should hold ada@x.org.";
        PseudonymizedText first = (await pseudonymizer.PseudonymizeAsync(scope, Turn1, Detect(Turn1)));
        Assert.That(first.Text, Is.EqualTo("Template field EMAIL_1 should hold EMAIL_2."));
        Assert.That((await vault.RestorerAsync(scope)).Restore("EMAIL_1 is filled with EMAIL_2"), Is.EqualTo("EMAIL_1 is filled with ada@x.org"));

        // Turn 2: the user writes EMAIL_2, which is already the placeholder of ada@x.org.
        const string Turn2 = "What about EMAIL_2 and ada@x.org?";
        PseudonymizedText second = (await pseudonymizer.PseudonymizeAsync(scope, Turn2, Detect(Turn2)));
        Assert.That(second.Text, Is.EqualTo("What about EMAIL_3 and EMAIL_2?"));
        Assert.That((await vault.RestorerAsync(scope)).Restore(second.Text), Is.EqualTo(Turn2), "restored from the scope as read after this turn was masked");
    }

    [Test]
    public async Task Texts_with_values_and_placeholder_shaped_words_anywhere_come_back_whole()
    {
        // Values and words the user wrote in a placeholder's shape, in random order: every such word is reserved where it
        // stands (before the first value, between two, after the last), so the masked text restores to the original. (A
        // Markdown-escaped one, EMAIL\_1, comes back unescaped: the restorer reads escapes as models write them.)
        Random random = new(1208);
        string[] pieces = ["ada@x.org", "bob@y.org", "EMAIL_1", "EMAIL_2", "BUILDING_7", "snake_case", "plain words", " ", ", ", "\n"];
        for (int n = 0; n < 500; n++)
        {
            InMemoryPseudonymVault vault = new();
            string scope = await vault.OpenScopeAsync("conv");
            Pseudonymizer pseudonymizer = new(vault);
            string text = string.Join(" ", Enumerable.Range(0, random.Next(1, 12)).Select(_ => pieces[random.Next(pieces.Length)]));

            PseudonymizedText result = await pseudonymizer.PseudonymizeAsync(scope, text, Detect(text));

            Assert.That(result.Text, Does.Not.Contain("@"), text);
            Assert.That((await vault.RestorerAsync(scope)).Restore(result.Text), Is.EqualTo(text), text);
        }
    }

    [Test]
    public async Task Placeholder_is_kept_apart_from_adjacent_word_characters()
    {
        InMemoryPseudonymVault vault = new();
        string scope = await vault.OpenScopeAsync("conv");
        _ = await vault.GetOrAddPlaceholderAsync(scope, EntityTypes.Person, "Ada");
        for (int i = 0; i < 9; i++)
        {
            _ = await vault.GetOrAddPlaceholderAsync(scope, EntityTypes.Person, $"p{i}");
        }

        // PERSON_10 is issued; "Ada" followed by "0" must not read as PERSON_10 on the way back.
        PseudonymizedText result = (await new Pseudonymizer(vault).PseudonymizeAsync(scope, "xAda0", [new SensitiveSpan(1, 3, EntityTypes.Person, 1)]));
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(result.Text, Is.EqualTo("x PERSON_1 0"));
            Assert.That((await vault.RestorerAsync(scope)).Restore(result.Text), Is.EqualTo("x Ada 0"));
        });
    }

    [Test]
    public async Task Messages_are_copied_and_every_text_argument_and_result_is_sanitised()
    {
        InMemoryPseudonymVault vault = new();
        string scope = await vault.OpenScopeAsync("conv");
        EmailTestDetector detector = new("Ada Lovelace");
        using JsonDocument json = JsonDocument.Parse("""{"to":["ada@x.org"],"cc":{"name":"Ada Lovelace"},"n":3}""");
        Dictionary<string, object?> arguments = new()
        {
            ["recipient"] = "ada@x.org",
            ["payload"] = json.RootElement.Clone(),
            ["nested"] = new Dictionary<string, object?> { ["list"] = new List<object?> { "bob@y.org", 4 } },
        };
        ChatMessage user = new(ChatRole.User, "Write to Ada Lovelace at ada@x.org") { RawRepresentation = "raw" };
        ChatMessage assistant = new(ChatRole.Assistant, [new FunctionCallContent("c1", "send", arguments)]);
        ChatMessage tool = new(ChatRole.Tool, [new FunctionResultContent("c1", new { Sent = "bob@y.org", Ok = true })]);
        ChatMessage[] messages = [user, assistant, tool];

        PseudonymizedMessages result = (await new Pseudonymizer(vault).PseudonymizeAsync(scope, messages, detector));

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(result.Messages, Has.Count.EqualTo(3));
            Assert.That(result.Messages[0].Text, Is.EqualTo("Write to PERSON_1 at EMAIL_1"));
            Assert.That(result.Messages[0].RawRepresentation, Is.Null, "the raw object still holds the original");
            Assert.That(user.Text, Is.EqualTo("Write to Ada Lovelace at ada@x.org"), "the caller's message is unchanged");
            Assert.That(((FunctionCallContent)assistant.Contents[0]).Arguments!["recipient"], Is.EqualTo("ada@x.org"));

            var call = (FunctionCallContent)result.Messages[1].Contents[0];
            Assert.That(call.CallId, Is.EqualTo("CALL_1"), "tool-call ids leave as opaque ids of the scope");
            Assert.That(((FunctionResultContent)result.Messages[2].Contents[0]).CallId, Is.EqualTo("CALL_1"), "a result keeps its call's id");
            Assert.That((await vault.RestorerAsync(scope)).RestoreCallId("CALL_1"), Is.EqualTo("c1"));
            Assert.That(call.Arguments!["recipient"], Is.EqualTo("EMAIL_1"));
            Assert.That(((JsonElement)call.Arguments["payload"]!).GetRawText(),
                Is.EqualTo("""{"to":["EMAIL_1"],"cc":{"name":"PERSON_1"},"n":3}"""));
            var nested = (IDictionary<string, object?>)call.Arguments["nested"]!;
            Assert.That((IEnumerable<object?>)nested["list"]!, Is.EqualTo(new object?[] { "EMAIL_2", 4 }));

            var toolResult = (FunctionResultContent)result.Messages[2].Contents[0];
            Assert.That(((JsonElement)toolResult.Result!).GetRawText(), Does.Contain("EMAIL_2").And.Not.Contain("bob@y.org"));
            Assert.That(result.EntityCounts[EntityTypes.Email], Is.EqualTo(5));
            Assert.That(result.EntityCounts[EntityTypes.Person], Is.EqualTo(2));
        });
    }

    [Test]
    public async Task Tool_results_that_are_content_stay_content_and_json_nodes_are_sanitised()
    {
        InMemoryPseudonymVault vault = new();
        string scope = await vault.OpenScopeAsync("conv");
        Dictionary<string, object?> arguments = new() { ["node"] = System.Text.Json.Nodes.JsonNode.Parse("""{"mail":"ada@x.org"}""") };
        ChatMessage[] messages =
        [
            new(ChatRole.Assistant, [new FunctionCallContent("c1", "lookup", arguments)]),
            new(ChatRole.Tool, [new FunctionResultContent("c1", new TextContent("owner: ada@x.org"))]),
        ];

        PseudonymizedMessages result = (await new Pseudonymizer(vault).PseudonymizeAsync(scope, messages, new EmailTestDetector()));

        await Assert.MultipleAsync(async () =>
        {
            var node = (System.Text.Json.Nodes.JsonNode)((FunctionCallContent)result.Messages[0].Contents[0]).Arguments!["node"]!;
            Assert.That(node.ToJsonString(), Is.EqualTo("""{"mail":"EMAIL_1"}"""));
            object? toolResult = ((FunctionResultContent)result.Messages[1].Contents[0]).Result;
            Assert.That(toolResult, Is.TypeOf<TextContent>());
            Assert.That(((TextContent)toolResult!).Text, Is.EqualTo("owner: EMAIL_1"));
        });
    }

    [Test]
    public async Task The_same_value_keeps_its_placeholder_across_turns_of_a_conversation()
    {
        InMemoryPseudonymVault vault = new();
        Pseudonymizer pseudonymizer = new(vault);
        EmailTestDetector detector = new();

        PseudonymizedMessages turn1 = (await pseudonymizer.PseudonymizeAsync(await vault.OpenScopeAsync("conv-9"),
            [new ChatMessage(ChatRole.User, "bob@y.org and ada@x.org")], detector));
        PseudonymizedMessages turn2 = (await pseudonymizer.PseudonymizeAsync(await vault.OpenScopeAsync("conv-9"),
            [new ChatMessage(ChatRole.User, "bob@y.org and ada@x.org"), new ChatMessage(ChatRole.User, "now ada@x.org and cy@z.org")], detector));

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(turn1.Messages[0].Text, Is.EqualTo("EMAIL_1 and EMAIL_2"));
            Assert.That(turn2.Messages[0].Text, Is.EqualTo("EMAIL_1 and EMAIL_2"));
            Assert.That(turn2.Messages[1].Text, Is.EqualTo("now EMAIL_2 and EMAIL_3"));
        });
    }
}
