using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>
/// What leaves besides message text, through the whole router to loopback servers: a conversation that carried readings,
/// tool declarations, tool-call ids, the guard's second line, and placeholders that must not be detected again.
/// </summary>
[CancelAfter(60_000)]
public sealed class PrivacyPipelineTests
{
    private const string Readings = "2016-03-01 00:00:00,412.7\n2016-03-01 01:00:00,398.1\n2016-03-01 02:00:00,377.9\n2016-03-01 03:00:00,369.4";

    private static ChatOptions Public(string? conversation = null, string? tenant = null)
    {
        ChatOptions options = RouterHarness.Options(p =>
        {
            p.Privacy = PrivacyLevel.Public;
            p.Complexity = 0.95;
            p.Domain = RequestDomain.EnergyOptimization;
            p.TenantId = tenant;
        });
        options.ConversationId = conversation;
        return options;
    }

    [Test]
    public async Task A_conversation_that_carried_readings_stays_local_on_its_later_public_turns()
    {
        await using RouterHarness h = await RouterHarness.StartAsync();

        ChatResponse first = await h.Chat.GetResponseAsync("Summarise these readings:\n" + Readings, Public("conv-1", "tenant-a"));
        ChatResponse second = await h.Chat.GetResponseAsync("Thanks. Now, in general, what is a good night-time base load?", Public("conv-1", "tenant-a"));
        ChatResponse otherConversation = await h.Chat.GetResponseAsync("In general, what is a good night-time base load?", Public("conv-2", "tenant-a"));
        ChatResponse otherTenant = await h.Chat.GetResponseAsync("In general, what is a good night-time base load?", Public("conv-1", "tenant-b"));

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(first.GetRouteDecision()!.Tier, Is.EqualTo(ProviderTier.Local));
            Assert.That(second.GetRouteDecision()!.Tier, Is.EqualTo(ProviderTier.Local), "the next turn may restate the readings");
            Assert.That((await h.Router.ExplainAsync([new ChatMessage(ChatRole.User, "Anything")], Public("conv-1", "tenant-a"))).Profile.Notes,
                Has.Some.Contains("earlier turn of this conversation carried CRITICAL data"));
            Assert.That(otherConversation.GetRouteDecision()!.Tier, Is.EqualTo(ProviderTier.External));
            Assert.That(otherTenant.GetRouteDecision()!.Tier, Is.EqualTo(ProviderTier.External), "conversations are per tenant");
            Assert.That(h.ExternalChatRequests, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task Readings_split_between_the_instructions_and_a_message_stay_local()
    {
        await using RouterHarness h = await RouterHarness.StartAsync();
        ChatOptions options = Public();
        options.Instructions = "Context from the meter: 2016-03-01 00:00:00,412.7; 2016-03-01 01:00:00,398.1.";

        ChatResponse response = await h.Chat.GetResponseAsync("And the last one: 2016-03-01 02:00:00,377.9. Is that a trend?", options);

        Assert.That(response.GetRouteDecision()!.Tier, Is.EqualTo(ProviderTier.Local));
        Assert.That(h.ExternalChatRequests, Is.Zero);
    }

    [Test]
    public async Task Tool_descriptions_and_schemas_are_masked_instead_of_keeping_the_request_local()
    {
        await using RouterHarness h = await RouterHarness.StartAsync(services: s =>
            s.AddSingleton<ISensitiveDataDetector>(new BuildingRegistryDetector(BuildingRegistry.LoadBdg2Metadata(RepositoryPaths.Data("bdg2", "metadata.csv")))));
        using JsonDocument schema = JsonDocument.Parse("""
            {"type":"object","properties":{"building":{"type":"string","enum":["Panther_office_Hannah","Panther_lodging_Dean"],"description":"One of our buildings, e.g. Panther_office_Hannah"}},"required":["building"]}
            """);
        ChatOptions options = Public();
        options.Tools = [AIFunctionFactory.CreateDeclaration("get_eui", "Energy use intensity of Panther_office_Hannah or Panther_lodging_Dean.", schema.RootElement.Clone())];

        ChatResponse response = await h.Chat.GetResponseAsync("Which building uses more energy per square metre?", options);

        string body = h.ExternalRequests.Single().Body;
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(response.GetRouteDecision()!.Tier, Is.EqualTo(ProviderTier.External));
            Assert.That(body, Does.Not.Contain("Panther_office_Hannah").And.Not.Contain("Panther_lodging_Dean"));
            Assert.That(body, Does.Contain("get_eui").And.Contain("BUILDING_1").And.Contain("\"required\""), "names and schema keys stay");
        });
    }

    [Test]
    public async Task Tool_call_ids_leave_opaque_and_the_tool_call_in_the_answer_gets_its_arguments_restored()
    {
        await using RouterHarness h = await RouterHarness.StartAsync();
        h.OpenAI.Responder = _ => LoopbackReply.ToolCall("notify", """{"to":"EMAIL_1"}""", 20, 5);
        ChatMessage[] history =
        [
            new(ChatRole.User, "Tell jane.doe@example.com that the chiller is back."),
            new(ChatRole.Assistant, [new FunctionCallContent("call_jane.doe@example.com_1", "lookup", new Dictionary<string, object?> { ["who"] = "jane.doe@example.com" })]),
            new(ChatRole.Tool, [new FunctionResultContent("call_jane.doe@example.com_1", "found")]),
        ];

        ChatResponse response = await h.Chat.GetResponseAsync(history, Public("conv-tools"));

        string body = h.ExternalRequests.Single().Body;
        FunctionCallContent call = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Single();
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(body, Does.Not.Contain("jane.doe"));
            Assert.That(body, Does.Contain("CALL_1"), "the call and its result share one opaque id");
            Assert.That(call.Arguments!["to"]?.ToString(), Is.EqualTo("jane.doe@example.com"));
        });
    }

    [Test]
    public async Task The_guard_blocks_a_masked_value_left_anywhere_in_the_payload_even_when_no_detector_finds_it()
    {
        EgressGuard guard = new([]);
        ChatMessage[] payload = [new(ChatRole.User, "See the file Panther_office_Hannah.csv for BUILDING_1.")];

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(() => guard.ThrowIfSensitive("openai", payload, null, ["Panther_office_Hannah"]),
                Throws.InstanceOf<PrivacyViolationException>().With.Message.Contains("left unmasked"));
            Assert.That(() => guard.ThrowIfSensitive("openai", payload, null, ["Bobcat_education_Dylan"]), Throws.Nothing);
            Assert.That(() => guard.ThrowIfSensitive("openai", payload, null, null), Throws.Nothing);
        });
    }

    [TestCase("Server=db.local;Database=energy;User Id=eaio;Password=SECRET_1;")]
    [TestCase("Write to EMAIL_2 about BUILDING_1 at ADDRESS_1; the card [REDACTED_PAYMENT_CARD] was refused.")]
    public void A_placeholder_is_never_detected_again(string masked)
    {
        EgressGuard guard = new(SensitiveDataScanner.CreateDefault().Detectors);
        Assert.That(() => guard.ThrowIfSensitive("openai", [new ChatMessage(ChatRole.User, masked)], null), Throws.Nothing);
    }

    [Test]
    public void The_same_connection_string_with_its_password_is_blocked()
    {
        EgressGuard guard = new(SensitiveDataScanner.CreateDefault().Detectors);
        Assert.That(() => guard.ThrowIfSensitive("openai", [new ChatMessage(ChatRole.User, "Server=db.local;User Id=eaio;Password=hunter2-Quartz;")], null),
            Throws.InstanceOf<PrivacyViolationException>());
    }

    [Test]
    public async Task Critical_data_that_only_masking_finds_blocks_the_external_route()
    {
        // A host detector that sees nothing while the request is profiled and finds readings when it is masked: masking
        // must not send CRITICAL data out, masked or not.
        await using RouterHarness h = await RouterHarness.StartAsync(services: s => s.AddSingleton<ISensitiveDataDetector>(new SecondCallDetector()));

        ChatResponse response = await h.Chat.GetResponseAsync("What is a good base load for an office?", Public());

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(response.GetRouteDecision()!.Tier, Is.EqualTo(ProviderTier.Local));
            Assert.That(response.GetRouteDecision()!.Attempts[0].Error, Does.Contain("READINGS"));
            Assert.That(h.ExternalChatRequests, Is.Zero);
        });
    }

    [Test]
    public async Task Values_hidden_with_zero_width_or_full_width_characters_are_found_and_masked_whole()
    {
        InMemoryPseudonymVault vault = new();
        string scope = await vault.OpenScopeAsync(null);
        SensitiveDataScanner scanner = SensitiveDataScanner.CreateDefault();
        string text = "Mail ja\u200Bne.doe@exam\u200Cple.com or call +1\u00A0415\u00A0555\u00A00134, card ４１１１ １１１１ １１１１ １１１１.";

        SensitiveDataScanResult result = scanner.Scan(text);
        string masked = (await new Pseudonymizer(vault).PseudonymizeAsync(scope, text, result.Spans)).Text;

        Assert.That(masked, Is.EqualTo("Mail EMAIL_1 or call PHONE_1, card PAYMENT_CARD_1."));
    }

    [Test]
    public async Task Readings_returned_by_a_tool_as_objects_or_a_dictionary_keyed_by_time_keep_the_request_local()
    {
        await using RouterHarness h = await RouterHarness.StartAsync();
        DateTime start = new(2016, 3, 1, 0, 0, 0, DateTimeKind.Utc);
        MeterReading[] records = [.. Enumerable.Range(0, 4).Select(i => new MeterReading(start.AddHours(i), 400.5 - i))];
        Dictionary<DateTime, double> byTime = records.ToDictionary(r => r.Timestamp, r => r.Kwh);

        foreach (object result in new object[] { records, byTime })
        {
            ChatMessage[] messages =
            [
                new(ChatRole.User, "How did the chiller do last night?"),
                new(ChatRole.Assistant, [new FunctionCallContent("c1", "get_meter")]),
                new(ChatRole.Tool, [new FunctionResultContent("c1", result)]),
            ];

            RoutePlan plan = h.Router.Explain(messages, Public());
            Assert.That(plan.Profile.IsLocalOnly, Is.True, result.GetType().Name);
        }
    }

    [Test]
    public async Task A_value_masked_in_an_earlier_turn_blocks_a_later_turn_that_carries_it_where_no_detector_finds_it()
    {
        // The host's detector finds the door code only after "code:"; the second turn writes it without the label.
        await using RouterHarness h = await RouterHarness.StartAsync(services: s => s.AddSingleton<ISensitiveDataDetector>(
            new PatternDetector(EntityTypes.Secret, new System.Text.RegularExpressions.Regex(@"(?<=code: )\w+"))));

        ChatResponse first = await h.Chat.GetResponseAsync("The plant room door code: Zebra42x. Who should get it?", Public("conv-door"));
        ChatResponse second = await h.Chat.GetResponseAsync("Is Zebra42x still valid after the lock change?", Public("conv-door"));
        ChatResponse elsewhere = await h.Chat.GetResponseAsync("Is Zebra42x still valid after the lock change?", Public("conv-other"));

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(first.GetRouteDecision()!.Tier, Is.EqualTo(ProviderTier.External));
            Assert.That(second.GetRouteDecision()!.Tier, Is.EqualTo(ProviderTier.Local), "the conversation's vault holds the value");
            Assert.That(second.GetRouteDecision()!.Attempts[0].Error, Does.Contain("left unmasked"));
            Assert.That(elsewhere.GetRouteDecision()!.Tier, Is.EqualTo(ProviderTier.External), "another conversation never saw it");
            Assert.That(h.ExternalRequests.Count(r => r.Body.Contains("Zebra42x", StringComparison.Ordinal)), Is.EqualTo(1), "only the other conversation's request");
        });
    }

    private sealed record MeterReading(DateTime Timestamp, double Kwh);

    private sealed class SecondCallDetector : ISensitiveDataDetector
    {
        private int _calls;

        public void Detect(ReadOnlySpan<char> text, ICollection<SensitiveSpan> spans)
        {
            if (text.Contains("base load", StringComparison.Ordinal) && Interlocked.Increment(ref _calls) > 1)
            {
                spans.Add(new SensitiveSpan(0, 4, EntityTypes.Readings, 1));
            }
        }
    }
}
