using System.Text.Json;
using Microsoft.Extensions.AI;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>
/// Each of the router's middleware used on its own, in front of the real OpenAI SDK client talking to a loopback
/// OpenAI-compatible server: what a host gets from <c>UseBudget</c>, <c>UseTokenRateLimit</c>, <c>UseAudit</c> and
/// <c>UseRequestLog</c> without the router.
/// </summary>
public sealed class MiddlewareAloneTests
{
    private static readonly ChatMessage[] s_question = [new(ChatRole.User, "Which meter reads the chiller plant?")];

    private static InMemoryBudgetLedger Ledger(decimal usd = 10m) => new(new BudgetLimits(usd));

    [Test]
    public async Task UseBudget_sends_the_output_limit_it_holds_for_and_settles_to_the_reported_usage()
    {
        await using LoopbackOpenAIServer server = await LoopbackOpenAIServer.StartAsync(defaultReply: LoopbackReply.Text("Meter 3.", 1000, 200));
        InMemoryBudgetLedger ledger = Ledger();
        using IChatClient client = new ChatClientBuilder(server.CreateSdkChatClient("gpt-4o-mini")).UseBudget(ledger, configure: b => b.DefaultMaxOutputTokens = 333).Build();

        ChatResponse response = await client.GetResponseAsync(s_question);

        using JsonDocument sent = JsonDocument.Parse(server.Requests.Single().Body);
        Assert.That(sent.RootElement.GetProperty("max_completion_tokens").GetInt32(), Is.EqualTo(333), "the limit held for is the limit sent");
        CallCost cost = (CallCost)response.AdditionalProperties![BudgetChatClient.CostPropertyKey]!;
        decimal expected = (1000 * 0.15m + 200 * 0.60m) / 1_000_000m;
        Assert.That(cost.Usd, Is.EqualTo(expected));
        Assert.That(cost.IsEstimated, Is.False);
        BudgetStatus status = await ledger.GetStatusAsync(null);
        Assert.That(status.SpentUsd, Is.EqualTo(expected));
        Assert.That(status.ReservedUsd, Is.Zero, "the hold ends with the settlement");
        Assert.That(sent.RootElement.ToString(), Does.Not.Contain("eaio."), "the middleware's context never reaches the wire");
    }

    [Test]
    public async Task UseBudget_refuses_a_call_whose_worst_case_the_budget_cannot_cover_before_it_is_sent()
    {
        await using LoopbackOpenAIServer server = await LoopbackOpenAIServer.StartAsync();
        using IChatClient client = new ChatClientBuilder(server.CreateSdkChatClient("gpt-4o")).UseBudget(Ledger(0.000001m)).Build();

        Assert.ThrowsAsync<BudgetExceededException>(() => client.GetResponseAsync(s_question));
        Assert.That(server.ChatRequestCount, Is.Zero);
    }

    [Test]
    public async Task UseBudget_releases_the_hold_of_a_call_the_provider_refused()
    {
        await using LoopbackOpenAIServer server = await LoopbackOpenAIServer.StartAsync(defaultReply: LoopbackReply.Status(500));
        InMemoryBudgetLedger ledger = Ledger();
        using IChatClient client = new ChatClientBuilder(server.CreateSdkChatClient("gpt-4o-mini")).UseBudget(ledger).Build();

        Assert.CatchAsync(() => client.GetResponseAsync(s_question));

        BudgetStatus status = await ledger.GetStatusAsync(null);
        Assert.That((status.SpentUsd, status.ReservedUsd), Is.EqualTo((0m, 0m)));
    }

    [Test]
    public async Task UseBudget_settles_a_stream_on_its_usage_update_and_charges_a_stream_cut_short_what_it_used()
    {
        await using LoopbackOpenAIServer server = await LoopbackOpenAIServer.StartAsync();
        InMemoryBudgetLedger ledger = Ledger();
        using IChatClient client = new ChatClientBuilder(server.CreateSdkChatClient("gpt-4o-mini")).UseUsageNormalization().UseBudget(ledger).Build();

        server.Enqueue(LoopbackReply.Text("Meter 3 reads the plant.", 500, 100));
        List<ChatResponseUpdate> updates = [];
        await foreach (ChatResponseUpdate update in client.GetStreamingResponseAsync(s_question))
        {
            updates.Add(update);
        }

        CallCost settled = (CallCost)updates.Single(u => u.AdditionalProperties?.ContainsKey(BudgetChatClient.CostPropertyKey) == true).AdditionalProperties![BudgetChatClient.CostPropertyKey]!;
        Assert.That((settled.InputTokens, settled.OutputTokens, settled.IsEstimated), Is.EqualTo((500L, 100L, false)));

        server.Enqueue(LoopbackReply.CutStreamBeforeFinal("Meter three reads", abort: true));
        Assert.CatchAsync(async () =>
        {
            await foreach (ChatResponseUpdate update in client.GetStreamingResponseAsync(s_question))
            {
                _ = update;
            }
        });

        BudgetStatus status = await ledger.GetStatusAsync(null);
        Assert.That(status.ReservedUsd, Is.Zero);
        Assert.That(status.SpentUsd, Is.GreaterThan(settled.Usd), "the cut stream is charged its input and the output it produced");
    }

    [Test]
    public async Task UseTokenRateLimit_refuses_what_the_minute_cannot_cover_before_it_is_sent_and_names_the_setting()
    {
        await using LoopbackOpenAIServer server = await LoopbackOpenAIServer.StartAsync();
        using IChatClient client = new ChatClientBuilder(server.CreateSdkChatClient("gpt-4o-mini")).UseTokenRateLimit(1200).Build();
        ChatOptions options = new() { MaxOutputTokens = 500 };

        await client.GetResponseAsync(s_question, options);
        await client.GetResponseAsync(s_question, options);
        ProviderUnavailableException refused = Assert.ThrowsAsync<ProviderUnavailableException>(() => client.GetResponseAsync(s_question, options))!;

        Assert.That(server.ChatRequestCount, Is.EqualTo(2));
        Assert.That(refused.Message, Does.Contain("PROVIDER_TOKENS_PER_MINUTE=1200"));
        ProviderUnavailableException tooBig = Assert.ThrowsAsync<ProviderUnavailableException>(() => client.GetResponseAsync(s_question, new ChatOptions { MaxOutputTokens = 5000 }))!;
        Assert.That(tooBig.Message, Does.Contain("more than PROVIDER_TOKENS_PER_MINUTE=1200 allows in a minute"));
    }

    [Test]
    public async Task UseAudit_records_each_call_with_a_keyed_payload_hash_the_cost_and_the_outcome()
    {
        await using LoopbackOpenAIServer server = await LoopbackOpenAIServer.StartAsync(defaultReply: LoopbackReply.Text("Meter 3.", 40, 5));
        InMemoryAuditLog audit = new();
        byte[] key = new byte[32];
        using IChatClient client = new ChatClientBuilder(server.CreateSdkChatClient("gpt-4o-mini"))
            .UseAudit(audit, key)
            .UseBudget(Ledger())
            .Build();

        await client.GetResponseAsync(s_question, new ChatOptions { ConversationId = "conv-42" });
        server.Enqueue(LoopbackReply.Status(500));
        Assert.CatchAsync(() => client.GetResponseAsync(s_question));

        List<AuditRecord> records = [];
        await foreach (AuditRecord record in audit.ReadAllAsync())
        {
            records.Add(record);
        }

        Assert.That(records.Select(r => r.Entry.Outcome), Is.EqualTo(new[] { "ok", "failed: ClientResultException" }));
        AuditEntry ok = records[0].Entry;
        Assert.That(ok.Provider, Is.EqualTo("openai"));
        Assert.That(ok.Model, Is.EqualTo("gpt-4o-mini"));
        Assert.That((ok.InputTokens, ok.OutputTokens), Is.EqualTo(((long?)40, (long?)5)));
        Assert.That(ok.CostUsd, Is.GreaterThan(0m));
        Assert.That(ok.ConversationId, Is.Not.EqualTo("conv-42").And.Length.EqualTo(64), "identifiers are kept as keyed hashes");
        Assert.That(ok.PayloadHmac, Is.EqualTo(new AuditPayloadHasher(key).Hash(s_question)));
        Assert.That((await audit.VerifyAsync()).IsValid, Is.True);
    }

    [Test]
    public async Task UseRequestLog_files_each_call_under_its_response_id_with_tokens_latency_and_outcome()
    {
        await using LoopbackOpenAIServer server = await LoopbackOpenAIServer.StartAsync(defaultReply: LoopbackReply.Text("Meter 3.", 40, 5));
        InMemoryRequestLog log = new();
        using IChatClient client = new ChatClientBuilder(server.CreateSdkChatClient("gpt-4o-mini")).UseRequestLog(log).Build();

        ChatResponse response = await client.GetResponseAsync(s_question);
        server.Enqueue(LoopbackReply.Status(429));
        Assert.CatchAsync(() => client.GetResponseAsync(s_question));
        List<ChatResponseUpdate> updates = [];
        await foreach (ChatResponseUpdate update in client.GetStreamingResponseAsync(s_question))
        {
            updates.Add(update);
        }

        Assert.That(log.Entries, Has.Count.EqualTo(3));
        RequestLogEntry answered = log.Entries[0];
        Assert.That(answered.ResponseId, Is.EqualTo(response.ResponseId).And.Not.Null);
        Assert.That((answered.Provider, answered.Model, answered.Outcome), Is.EqualTo(("openai", "gpt-4o-mini", RequestOutcome.Succeeded)));
        Assert.That((answered.InputTokens, answered.OutputTokens), Is.EqualTo((40L, 5L)));
        Assert.That(log.Entries[1].Outcome, Is.EqualTo(RequestOutcome.Failed));
        Assert.That(log.Entries[2].Streamed, Is.True);
        Assert.That(log.Entries[2].TimeToFirstTokenMs, Is.Not.Null);
        Assert.That(updates.Select(u => u.ResponseId).Distinct().Single(), Is.EqualTo(log.Entries[2].ResponseId));
        Assert.That(await log.RecordFeedbackAsync(response.ResponseId!, 0.9), Is.True, "feedback finds the call by the id the caller got");
    }

    [Test]
    public void The_call_context_serialises_to_null_so_no_masked_value_can_reach_a_request_body()
    {
        ChatOptions? options = new ChatOptions { ModelId = "gpt-4o-mini" };
        using IChatClient inner = new ChatClientBuilder(new NoAnswerClient()).Build();
        RouteCallContext context = RouteCallContext.Ensure(ref options, inner);
        context.MaskedOriginals = ["jane.doe@example.com"];

        string json = JsonSerializer.Serialize(options!.AdditionalProperties);

        Assert.That(json, Is.EqualTo("{\"eaio.call\":null}"));
    }

    [Test]
    public async Task UseBudget_settles_each_stream_of_a_host_layer_that_calls_twice_with_the_same_options()
    {
        await using LoopbackOpenAIServer server = await LoopbackOpenAIServer.StartAsync(defaultReply: LoopbackReply.Text("Meter 3.", 1000, 100));
        InMemoryBudgetLedger ledger = Ledger();
        using IChatClient budgeted = new ChatClientBuilder(server.CreateSdkChatClient("gpt-4o-mini")).UseUsageNormalization().UseBudget(ledger).Build();
        ChatOptions? options = new();
        _ = RouteCallContext.Ensure(ref options, budgeted);

        for (int i = 0; i < 2; i++)
        {
            await foreach (ChatResponseUpdate update in budgeted.GetStreamingResponseAsync(s_question, options))
            {
                _ = update;
            }
        }

        BudgetStatus status = await ledger.GetStatusAsync(null);
        Assert.That((status.SpentUsd, status.ReservedUsd), Is.EqualTo((2 * (1000 * 0.15m + 100 * 0.60m) / 1_000_000m, 0m)), "the second stream is not taken for paid by the first one's cost");
    }

    [Test]
    public async Task UseBudget_releases_the_hold_of_a_stream_whose_client_throws_when_it_is_started()
    {
        InMemoryBudgetLedger ledger = new(new BudgetLimits(10m));
        using IChatClient budgeted = new ChatClientBuilder(new NoAnswerClient()).UseBudget(ledger).Build();

        Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await foreach (ChatResponseUpdate update in budgeted.GetStreamingResponseAsync(s_question, new ChatOptions { ModelId = "gpt-4o-mini" }))
            {
                _ = update;
            }
        });

        BudgetStatus status = await ledger.GetStatusAsync(null);
        Assert.That((status.SpentUsd, status.ReservedUsd), Is.EqualTo((0m, 0m)));
    }

    [Test]
    public void A_store_that_fails_on_a_failure_path_never_replaces_the_calls_own_failure()
    {
        IChatClient blocked = new ChatClientBuilder(new BlockingClient()).UseAudit(new FailingAuditLog(), new byte[32]).Build();
        IChatClient refused = new ChatClientBuilder(new BlockingClient()).UseBudget(new UnreleasableLedger()).Build();

        Assert.ThrowsAsync<PrivacyViolationException>(() => blocked.GetResponseAsync(s_question), "the router fails over on a block, not on an audit outage");
        Assert.ThrowsAsync<PrivacyViolationException>(() => refused.GetResponseAsync(s_question, new ChatOptions { ModelId = "gpt-4o-mini" }));
    }

    private sealed class BlockingClient : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromException<ChatResponse>(new PrivacyViolationException("openai", "found 1 EMAIL"));

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) =>
            serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata("openai", null, "gpt-4o-mini") : null;

        public void Dispose()
        {
        }
    }

    /// <summary>A ledger that holds but whose release fails, as a database that went away mid-call.</summary>
    private sealed class UnreleasableLedger : IBudgetLedger
    {
        private readonly InMemoryBudgetLedger _inner = new(new BudgetLimits(10m));

        public ValueTask<BudgetReservation> ReserveAsync(string? tenantId, decimal amountUsd, CancellationToken cancellationToken = default) => _inner.ReserveAsync(tenantId, amountUsd, cancellationToken);

        public ValueTask<BudgetSettlement> SettleAsync(BudgetReservation reservation, decimal actualUsd, CancellationToken cancellationToken = default) => _inner.SettleAsync(reservation, actualUsd, cancellationToken);

        public ValueTask ReleaseAsync(BudgetReservation reservation, CancellationToken cancellationToken = default) => ValueTask.FromException(new IOException("ledger unavailable"));

        public ValueTask<BudgetStatus> GetStatusAsync(string? tenantId, CancellationToken cancellationToken = default) => _inner.GetStatusAsync(tenantId, cancellationToken);

        public ValueTask<BudgetSnapshot> GetSnapshotAsync(string? tenantId, CancellationToken cancellationToken = default) => _inner.GetSnapshotAsync(tenantId, cancellationToken);
    }

    /// <summary>A client that refuses every call synchronously, before returning a task or a stream.</summary>
    private sealed class NoAnswerClient : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("cannot convert the request");

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("cannot convert the request");

        public object? GetService(Type serviceType, object? serviceKey = null) =>
            serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata("openai", null, "gpt-4o-mini") : null;

        public void Dispose()
        {
        }
    }
}
