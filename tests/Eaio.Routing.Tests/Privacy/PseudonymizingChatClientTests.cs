using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text.Json;
using Microsoft.Extensions.AI;
using NSubstitute;
using NUnit.Framework;
using OpenAI;
using OpenAI.Chat;
using ChatMessage = Microsoft.Extensions.AI.ChatMessage;
using ChatRole = Microsoft.Extensions.AI.ChatRole;

namespace Eaio.Routing.Tests.Privacy;

/// <summary><see cref="PseudonymizingChatClient"/> alone in front of the real OpenAI SDK client and a loopback server.</summary>
public sealed class PseudonymizingChatClientTests
{
    private const string Email = "jane.doe@panther-energy.eu";
    private const string Phone = "+44 20 7946 0958";
    private const string Building = "Panther_office_Hannah";
    private const string Readings = "2016-03-01 00:00:00,412.7\n2016-03-01 01:00:00,398.1\n2016-03-01 02:00:00,377.9\n2016-03-01 03:00:00,369.4";

    private static readonly string s_question = $"Ask {Email} or call {Phone} about the boiler of {Building}.";

    private static (IChatClient Client, InMemoryPseudonymVault Vault) Pipeline(LoopbackOpenAIServer server, IPseudonymVault? vault = null)
    {
        InMemoryPseudonymVault memory = new();
        IChatClient client = OpenAI(server).AsBuilder().UsePseudonymization(vault ?? memory).Build();
        return (client, memory);
    }

    private static IChatClient OpenAI(LoopbackOpenAIServer server) =>
        new ChatClient("gpt-4o-mini", new ApiKeyCredential("sk-loopback"), new OpenAIClientOptions
        {
            Endpoint = server.BaseUri,
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
        }).AsIChatClient();

    private static string SentText(LoopbackOpenAIServer server, int request = 0)
    {
        using JsonDocument body = JsonDocument.Parse(server.Requests.Where(r => r.Body.Length > 0).ElementAt(request).Body);
        return body.RootElement.GetProperty("messages").ToString();
    }

    [Test]
    public async Task Values_are_masked_on_the_wire_and_the_answer_is_restored()
    {
        await using LoopbackOpenAIServer server = await LoopbackOpenAIServer.StartAsync();
        server.Enqueue(LoopbackReply.Text("I will write to EMAIL_1 about BUILDING_1.", 20, 10));
        (IChatClient client, InMemoryPseudonymVault vault) = Pipeline(server);
        List<ChatMessage> messages = [new(ChatRole.User, s_question) { AuthorName = "Jane" }];
        ChatOptions options = new() { Instructions = $"Sign as {Email}." };

        ChatResponse response = await client.GetResponseAsync(messages, options);

        string sent = SentText(server);
        Assert.Multiple(() =>
        {
            Assert.That(sent, Does.Not.Contain(Email).And.Not.Contain("7946").And.Not.Contain(Building).And.Not.Contain("Jane"));
            Assert.That(sent, Does.Contain("EMAIL_1").And.Contain("PHONE_1").And.Contain("BUILDING_1"));
            Assert.That(response.Text, Is.EqualTo($"I will write to {Email} about {Building}."));
            Assert.That(messages[0].Text, Is.EqualTo(s_question), "the caller's messages are not changed");
            Assert.That(messages[0].AuthorName, Is.EqualTo("Jane"));
            Assert.That(options.Instructions, Is.EqualTo($"Sign as {Email}."), "the caller's options are not changed");
            Assert.That(options.AdditionalProperties, Is.Null, "the call's context went on a copy");
            Assert.That(vault.ScopeCount, Is.Zero, "a request-only scope ends with the call");
        });
    }

    [Test]
    public async Task A_streamed_answer_is_restored_across_chunk_boundaries()
    {
        await using LoopbackOpenAIServer server = await LoopbackOpenAIServer.StartAsync();

        // Streamed in thirds: "Write t", "o EMAIL", "_1 now." — the placeholder is split between chunks.
        server.Enqueue(LoopbackReply.Text("Write to EMAIL_1 now.", 20, 10));
        (IChatClient client, InMemoryPseudonymVault vault) = Pipeline(server);

        List<ChatResponseUpdate> updates = [];
        await foreach (ChatResponseUpdate update in client.GetStreamingResponseAsync(s_question))
        {
            updates.Add(update);
            Assert.That(update.Text, Does.Not.Contain("EMAIL"), "no raw or half placeholder is passed on");
        }

        Assert.Multiple(() =>
        {
            Assert.That(updates.ToChatResponse().Text, Is.EqualTo($"Write to {Email} now."));
            Assert.That(SentText(server), Does.Not.Contain(Email));
            Assert.That(vault.ScopeCount, Is.Zero);
        });
    }

    [Test]
    public async Task Tool_call_arguments_are_restored()
    {
        await using LoopbackOpenAIServer server = await LoopbackOpenAIServer.StartAsync();
        server.Enqueue(LoopbackReply.ToolCall("notify", """{"to":"EMAIL_1","building":"BUILDING_1"}""", 20, 10));
        (IChatClient client, _) = Pipeline(server);
        ChatOptions options = new() { Tools = [AIFunctionFactory.Create((string to, string building) => "ok", "notify", $"Notifies someone, for example {Email}.")] };

        ChatResponse response = await client.GetResponseAsync(s_question, options);

        FunctionCallContent call = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Single();
        using JsonDocument body = JsonDocument.Parse(server.Requests.Single(r => r.Body.Length > 0).Body);
        Assert.Multiple(() =>
        {
            Assert.That(call.Arguments!["to"]?.ToString(), Is.EqualTo(Email));
            Assert.That(call.Arguments!["building"]?.ToString(), Is.EqualTo(Building));
            Assert.That(body.RootElement.GetProperty("tools").ToString(), Does.Not.Contain(Email), "tool descriptions are masked too");
        });
    }

    [Test]
    public async Task Critical_readings_are_refused_before_anything_reaches_the_server_and_mark_the_conversation()
    {
        await using LoopbackOpenAIServer server = await LoopbackOpenAIServer.StartAsync();
        InMemoryPseudonymVault vault = new();
        IChatClient client = OpenAI(server).AsBuilder().UsePseudonymization(vault, SensitiveDataScanner.CreateDefault().Detectors).Build();
        ChatOptions options = new() { ConversationId = "conv-readings" };

        PrivacyViolationException? refused = Assert.ThrowsAsync<PrivacyViolationException>(async () =>
            await client.GetResponseAsync("Summarise these readings:\n" + Readings, options));

        Assert.Multiple(async () =>
        {
            Assert.That(refused!.Finding, Does.Contain("CRITICAL"));
            Assert.That(server.ChatRequestCount, Is.Zero);
            Assert.That(await new CriticalConversationMarks(vault).IsMarkedAsync(null, "conv-readings"), Is.True);
            Assert.That(
                async () => await client.GetResponseAsync("And in general?", options),
                Throws.InstanceOf<PrivacyViolationException>(),
                "a marked conversation stays local");
            Assert.That(server.ChatRequestCount, Is.Zero);
        });
    }

    [TestCase("The boiler was serviced in May.", false)]
    [TestCase("I will write to EMAIL_1 today.", true)]
    public async Task An_answer_is_copied_only_when_it_has_something_to_restore(string answer, bool restored)
    {
        ChatResponse response = new(new ChatMessage(ChatRole.Assistant, answer));
        IChatClient inner = Substitute.For<IChatClient>();
        inner.GetResponseAsync(Arg.Any<IEnumerable<ChatMessage>>(), Arg.Any<ChatOptions?>(), Arg.Any<CancellationToken>()).Returns(Task.FromResult(response));
        IChatClient client = inner.AsBuilder().UsePseudonymization(new InMemoryPseudonymVault()).Build();

        ChatResponse result = await client.GetResponseAsync($"Ask {Email} about the boiler.");

        Assert.That(result, restored ? Is.Not.SameAs(response) : Is.SameAs(response));
        Assert.That(result.Text, Is.EqualTo(answer.Replace("EMAIL_1", Email, StringComparison.Ordinal)));
        Assert.That(response.Text, Is.EqualTo(answer), "the provider's answer is not changed");
    }

    [Test]
    public async Task Log_probabilities_asked_for_a_call_with_values_to_mask_are_refused_before_anything_is_sent()
    {
        await using LoopbackOpenAIServer server = await LoopbackOpenAIServer.StartAsync();
        (IChatClient client, _) = Pipeline(server);

        NotSupportedException? refused = Assert.ThrowsAsync<NotSupportedException>(async () =>
            await client.GetResponseAsync(s_question, new ChatOptions().WithLogProbabilities(1)));

        Assert.That(refused!.Message, Does.Contain("placeholders"));
        Assert.That(server.ChatRequestCount, Is.Zero);

        // With nothing to mask they are asked for as usual.
        await client.GetResponseAsync("What is a kWh?", new ChatOptions().WithLogProbabilities(1));
        Assert.That(server.ChatRequestCount, Is.EqualTo(1));
    }

    [Test]
    public async Task A_conversation_keeps_its_placeholders_across_turns_in_a_SQLite_vault()
    {
        SqlitePseudonymVault vault = new(Path.Combine(TestDataDirectory.Path, "middleware-" + Guid.NewGuid().ToString("N"), "vault.db"), new byte[32]);
        await using LoopbackOpenAIServer server = await LoopbackOpenAIServer.StartAsync();
        server.Enqueue(LoopbackReply.Text("Noted, EMAIL_1.", 20, 10), LoopbackReply.Text("Still EMAIL_1.", 20, 10));
        (IChatClient client, _) = Pipeline(server, vault);
        ChatOptions options = new() { ConversationId = "conv-2" };
        _ = options.WithEaio(p => p.TenantId = "tenant-a");

        ChatResponse first = await client.GetResponseAsync($"My address is {Email}.", options);
        ChatResponse second = await client.GetResponseAsync([new(ChatRole.User, $"My address is {Email}."), new(ChatRole.Assistant, first.Text), new(ChatRole.User, $"Again: {Email}")], options);

        PseudonymScopeSnapshot scope = await vault.GetSnapshotAsync(CriticalConversationMarks.ScopeOf("tenant-a", "conv-2"));
        Assert.Multiple(() =>
        {
            Assert.That(first.Text, Is.EqualTo($"Noted, {Email}."));
            Assert.That(second.Text, Is.EqualTo($"Still {Email}."));
            Assert.That(SentText(server, 1), Does.Not.Contain(Email));
            Assert.That(SentText(server, 1).Split("EMAIL_1").Length - 1, Is.EqualTo(3), "the same placeholder in every turn");
            Assert.That(scope.TryGetOriginal("EMAIL_1", out string? original) ? original : null, Is.EqualTo(Email), "the conversation's scope is kept, per tenant");
        });
    }

    [Test]
    public async Task A_call_outside_a_conversation_keeps_its_scope_itself_and_never_calls_the_vault()
    {
        // A request-only scope is read by its own call alone: a SQLite or PostgreSQL vault would pay round trips for it.
        await using LoopbackOpenAIServer server = await LoopbackOpenAIServer.StartAsync();
        server.Enqueue(LoopbackReply.Text("Writing to EMAIL_1 now.", 20, 10), LoopbackReply.Text("Writing to EMAIL_1 now.", 20, 10));
        CountingVault vault = new();
        (IChatClient client, _) = Pipeline(server, vault);

        ChatResponse alone = await client.GetResponseAsync(s_question);
        int callsWithoutConversation = vault.Calls;
        ChatResponse inConversation = await client.GetResponseAsync(s_question, new ChatOptions { ConversationId = "conv-9" });

        Assert.Multiple(() =>
        {
            Assert.That(alone.Text, Is.EqualTo($"Writing to {Email} now."), "restored from the call's own scope");
            Assert.That(SentText(server), Does.Not.Contain(Email).And.Contain("EMAIL_1"));
            Assert.That(callsWithoutConversation, Is.Zero);
            Assert.That(inConversation.Text, Is.EqualTo($"Writing to {Email} now."));
            Assert.That(vault.Calls, Is.GreaterThan(0), "a conversation's scope is the vault's");
        });
    }

    /// <summary>A real in-memory vault that counts the calls made to it.</summary>
    private sealed class CountingVault : IPseudonymVault
    {
        private readonly InMemoryPseudonymVault _inner = new();

        public int Calls { get; private set; }

        public ValueTask<string> OpenScopeAsync(string? conversationId, CancellationToken cancellationToken = default)
        {
            Calls++;
            return _inner.OpenScopeAsync(conversationId, cancellationToken);
        }

        public ValueTask<IReadOnlyList<string>> PseudonymizeAsync(string scopeId, IReadOnlyList<PseudonymRequest> requests, CancellationToken cancellationToken = default)
        {
            Calls++;
            return _inner.PseudonymizeAsync(scopeId, requests, cancellationToken);
        }

        public ValueTask<PseudonymScopeSnapshot> GetSnapshotAsync(string scopeId, CancellationToken cancellationToken = default)
        {
            Calls++;
            return _inner.GetSnapshotAsync(scopeId, cancellationToken);
        }

        public ValueTask RemoveScopeAsync(string scopeId, CancellationToken cancellationToken = default)
        {
            Calls++;
            return _inner.RemoveScopeAsync(scopeId, cancellationToken);
        }
    }

    [Test]
    public async Task The_call_context_carries_what_was_masked_and_the_layer_is_found_in_the_pipeline()
    {
        await using LoopbackOpenAIServer server = await LoopbackOpenAIServer.StartAsync();
        server.Enqueue(LoopbackReply.Text("ok", 20, 10));
        RouteCallContext context = new("openai", ProviderTier.External);
        ChatOptions options = new() { AdditionalProperties = new() { [RouteCallContext.PropertyKey] = context } };
        (IChatClient client, _) = Pipeline(server);

        _ = await client.GetResponseAsync(s_question, options);

        Assert.Multiple(() =>
        {
            Assert.That(context.EntityCounts, Does.ContainKey(EntityTypes.Email));
            Assert.That(context.MaskedOriginals, Does.Contain(Email).And.Contain(Building));
            Assert.That(context.SentMessages!.Single().Text, Does.Not.Contain(Email));
            Assert.That(PseudonymizingChatClient.Find(client), Is.Not.Null);
            Assert.That(client.GetService<PseudonymizingChatClient>(), Is.SameAs(PseudonymizingChatClient.Find(client)));
        });
    }
}
