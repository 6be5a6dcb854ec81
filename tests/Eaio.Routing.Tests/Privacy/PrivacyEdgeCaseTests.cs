using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using NSubstitute;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>The ways a value could slip past the privacy steps that a review of the pipeline found, each pinned.</summary>
[CancelAfter(30_000)]
public sealed class PrivacyEdgeCaseTests
{
    private const string Email = "ada.operator@example.org";
    private static readonly ChatOptions s_public = RouterHarness.Options(p => p.Privacy = PrivacyLevel.Public);

    [Test]
    public async Task The_system_prompt_is_pseudonymised_and_counts_for_sensitivity()
    {
        await using RouterHarness h = await RouterHarness.StartAsync();
        ChatOptions options = RouterHarness.Options(p => p.Privacy = PrivacyLevel.Public);
        options.Instructions = $"You assist the operator {Email}.";

        await h.Chat.GetResponseAsync("Which lamps use the least power?", options);
        ChatOptions readings = RouterHarness.Options(p => p.Privacy = PrivacyLevel.Public);
        readings.Instructions = "Context:\n2016-01-01 00:00,412.5\n2016-01-01 01:00,398.2\n2016-01-01 02:00,401.0";

        string sent = h.OpenAI.Requests.Single().Body;
        Assert.That(sent, Does.Not.Contain(Email).And.Contain("EMAIL_1"));
        Assert.That(options.Instructions, Does.Contain(Email), "the caller's options are not changed");
        Assert.That(h.Router.Explain([new(ChatRole.User, "why?")], readings).Profile.Sensitivity, Is.EqualTo(DataSensitivity.Critical));
    }

    [Test]
    public async Task A_value_split_across_two_contents_is_blocked_and_the_request_stays_local()
    {
        await using RouterHarness h = await RouterHarness.StartAsync();
        ChatMessage split = new(ChatRole.User, [new TextContent("Mail ada.operator@"), new TextContent("example.org the report")]);

        ChatResponse response = await h.Chat.GetResponseAsync([split], s_public);

        Assert.That(h.ExternalChatRequests, Is.Zero);
        Assert.That(response.GetRouteDecision()!.Attempts[0].ErrorType, Is.EqualTo(nameof(PrivacyViolationException)));
        Assert.That(response.GetRouteDecision()!.Provider, Is.EqualTo(EaioProviders.Ollama));
    }

    [Test]
    public async Task A_block_is_counted_in_the_privacy_blocks_metric_and_logged_as_a_blocked_attempt()
    {
        using Microsoft.Extensions.Diagnostics.Metrics.Testing.MetricCollector<long> blocks = new(null, EaioMetrics.MeterName, "eaio.privacy.blocks");
        InMemoryRequestLog log = new();
        await using RouterHarness h = await RouterHarness.StartAsync(services: s => s.AddSingleton<IRequestLog>(log));
        ChatMessage split = new(ChatRole.User, [new TextContent("Mail ada.operator@"), new TextContent("example.org the report")]);

        await h.Chat.GetResponseAsync([split], s_public);

        Assert.That(blocks.GetMeasurementSnapshot().Select(m => (m.Value, m.Tags[EaioMetrics.ProviderTag])), Is.EqualTo(new[] { (1L, (object?)EaioProviders.OpenAI) }));
        await log.FlushAsync();
        List<RequestLogEntry> entries = await log.ReadAsync(DateTimeOffset.MinValue, DateTimeOffset.MaxValue).ToListAsync();
        Assert.That(entries.Select(e => (e.Provider, e.Outcome)), Is.EqualTo(new[] { (EaioProviders.OpenAI, RequestOutcome.Blocked), (EaioProviders.Ollama, RequestOutcome.Succeeded) }));
    }

    [Test]
    public async Task Text_attachments_and_author_names_do_not_leave()
    {
        await using RouterHarness h = await RouterHarness.StartAsync(services: s => s.AddSingleton<ISensitiveDataDetector>(new PersonNameDetector(["Ada Lovelace"])));
        ChatMessage attachment = new(ChatRole.User, [new TextContent("Summarise this file"), new DataContent("data:text/csv;base64,dGltZXN0YW1wLGtXaA==")]);
        ChatMessage named = new(ChatRole.User, "Which lamps use the least power?") { AuthorName = "Ada Lovelace" };

        ChatResponse fromFile = await h.Chat.GetResponseAsync([attachment], s_public);
        await h.Chat.GetResponseAsync([named], s_public);

        Assert.That(fromFile.GetRouteDecision()!.Attempts[0].Error, Does.Contain("unsanitised text/csv attachment"));
        Assert.That(h.OpenAI.Requests, Has.Count.EqualTo(1), "only the named message went out");
        Assert.That(h.OpenAI.Requests[0].Body, Does.Not.Contain("Lovelace"));
    }

    [Test]
    public async Task Readings_in_a_structured_tool_result_keep_the_request_local()
    {
        await using RouterHarness h = await RouterHarness.StartAsync();
        object rows = new[] { "2016-01-01 00:00,412.5", "2016-01-01 01:00,398.2", "2016-01-01 02:00,401.0", "2016-01-01 03:00,655.9" };
        ChatMessage[] conversation =
        [
            new(ChatRole.User, "Why did consumption jump?"),
            new(ChatRole.Assistant, [new FunctionCallContent("c1", "readings", new Dictionary<string, object?> { ["building"] = "b7" })]),
            new(ChatRole.Tool, [new FunctionResultContent("c1", rows)]),
        ];

        Assert.That(h.Router.Explain(conversation, s_public).Profile.Sensitivity, Is.EqualTo(DataSensitivity.Critical));
    }

    [Test]
    public async Task Building_and_conversation_ids_are_kept_as_keyed_hashes_in_the_audit_log()
    {
        InMemoryAuditLog audit = new();
        await using RouterHarness h = await RouterHarness.StartAsync(services: s => s.AddSingleton<IAuditLog>(audit));
        ChatOptions options = RouterHarness.Options(p => { p.Privacy = PrivacyLevel.Public; p.BuildingId = "Panther_office_Hannah"; });
        options.ConversationId = "conversation-42";

        await h.Chat.GetResponseAsync("Which lamps use the least power?", options);

        using StringWriter export = new();
        await audit.ExportJsonLinesAsync(export);
        Assert.That(export.ToString(), Does.Not.Contain("Panther_office_Hannah").And.Not.Contain("conversation-42"));
        AuditEntry entry = (await audit.ReadAllAsync().ToListAsync()).Single().Entry;
        Assert.That(entry.BuildingId, Has.Length.EqualTo(64));
    }

    [Test]
    public async Task Streamed_text_held_before_a_tool_call_is_released_before_it_and_arguments_are_restored()
    {
        IChatClient provider = Substitute.For<IChatClient>();
        string? placeholder = null;
        provider.GetStreamingResponseAsync(Arg.Any<IEnumerable<ChatMessage>>(), Arg.Any<ChatOptions?>(), Arg.Any<CancellationToken>())
            .Returns(call =>
            {
                placeholder = System.Text.RegularExpressions.Regex.Match(call.Arg<IEnumerable<ChatMessage>>().First().Text, "EMAIL_[0-9]+").Value;
                return Stream(placeholder);
            });
        using HybridRouterChatClient router = TestRouter.Create(
            new EaioHybridChatOptions(),
            new Dictionary<string, IChatClient> { [EaioProviders.OpenAI] = provider },
            detectors: [new EmailDetector()]);

        List<ChatResponseUpdate> updates = [];
        await foreach (ChatResponseUpdate update in router.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, $"Notify {Email}")], s_public))
        {
            updates.Add(update);
        }

        Assert.That(placeholder, Is.EqualTo("EMAIL_1"));
        List<AIContent> contents = [.. updates.SelectMany(u => u.Contents)];
        int call = contents.FindIndex(c => c is FunctionCallContent);
        Assert.That(string.Concat(contents.Take(call).OfType<TextContent>().Select(t => t.Text)), Is.EqualTo($"Writing to {Email}"));
        Assert.That(((FunctionCallContent)contents[call]).Arguments!["to"], Is.EqualTo(Email));
        Assert.That(string.Concat(contents.Skip(call + 1).OfType<TextContent>().Select(t => t.Text)), Is.EqualTo(" Done."));
    }

    [Test]
    public async Task A_conversation_keeps_its_placeholders_across_turns_and_a_request_without_one_does_not()
    {
        await using RouterHarness h = await RouterHarness.StartAsync();
        h.OpenAI.DefaultReply = LoopbackReply.Text("As agreed, EMAIL_1 gets the report.", 10, 8);
        ChatOptions Turn(string? conversation)
        {
            ChatOptions options = RouterHarness.Options(p => { p.Privacy = PrivacyLevel.Public; p.TenantId = "tenant-a"; });
            options.ConversationId = conversation;
            return options;
        }

        await h.Chat.GetResponseAsync($"Send the report to {Email}", Turn("conv-1"));
        ChatResponse secondTurn = await h.Chat.GetResponseAsync("Who gets it again?", Turn("conv-1"));
        ChatResponse otherConversation = await h.Chat.GetResponseAsync("Who gets it again?", Turn("conv-2"));
        ChatResponse noConversation = await h.Chat.GetResponseAsync("Who gets it again?", Turn(null));

        Assert.That(secondTurn.Text, Is.EqualTo($"As agreed, {Email} gets the report."), "turn 2 restores what turn 1 masked");
        Assert.That(otherConversation.Text, Does.Not.Contain(Email), "another conversation cannot restore it");
        Assert.That(noConversation.Text, Does.Not.Contain(Email), "a request without a conversation has a scope of its own");
    }

    [Test]
    public async Task Restoring_a_stream_does_not_buffer_it()
    {
        await using RouterHarness h = await RouterHarness.StartAsync();
        h.OpenAI.Enqueue(LoopbackReply.DelayAfterFirstChunk(TimeSpan.FromSeconds(3), "The quick brown fox", 5, 4));

        await using IAsyncEnumerator<ChatResponseUpdate> updates = h.Chat.GetStreamingResponseAsync($"Tell {Email} a story", s_public).GetAsyncEnumerator();
        bool first = await updates.MoveNextAsync();
        string firstText = updates.Current.Text;
        Task<bool> next = updates.MoveNextAsync().AsTask();
        bool stalled = !next.IsCompleted;
        bool more = await next;

        Assert.That(first, Is.True);
        Assert.That(firstText, Is.EqualTo("The qu"), "the first chunk is passed on while the provider still stalls");
        Assert.That(stalled, Is.True);
        Assert.That(more, Is.True);
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> Stream(string placeholder, [EnumeratorCancellation] CancellationToken _ = default)
    {
        await Task.Yield();
        yield return new ChatResponseUpdate(ChatRole.Assistant, "Writing to ");
        yield return new ChatResponseUpdate(ChatRole.Assistant, placeholder); // held: EMAIL_1 could still become EMAIL_10
        yield return new ChatResponseUpdate(ChatRole.Assistant, [new FunctionCallContent("c1", "notify", new Dictionary<string, object?> { ["to"] = placeholder })]);
        yield return new ChatResponseUpdate(ChatRole.Assistant, " Done.") { FinishReason = ChatFinishReason.Stop };
    }
}
