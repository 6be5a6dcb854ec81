using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>
/// Usage that makes no sense is not trusted and does not fail a served call, and a stream without usage still tells the
/// caller what it cost on its last update (issue 16).
/// </summary>
public sealed class UsageSanityTests
{
    private static readonly ChatMessage[] s_question = [new(ChatRole.User, "Which meter reads the chiller plant?")];

    private static ChatOptions Public() => RouterHarness.Options(p => { p.Privacy = PrivacyLevel.Public; p.Provider = EaioProviders.OpenAI; p.Model = "gpt-4o-mini"; });

    [Test]
    public async Task A_negative_output_count_is_charged_as_the_worst_case_flagged_and_the_answer_stands()
    {
        await using RouterHarness h = await RouterHarness.StartAsync();
        h.OpenAI.Enqueue(LoopbackReply.Text("Meter 3.", 40, -5));

        ChatResponse answer = await h.Chat.GetResponseAsync(s_question, Public());

        CallCost cost = answer.GetRouteDecision()!.Cost!.Value;
        Assert.That(answer.Text, Is.EqualTo("Meter 3."));
        Assert.That((cost.InputTokens, cost.OutputTokens, cost.IsEstimated), Is.EqualTo((40L, 1024L, true)), "the output limit it was sent with, not -5");
        BudgetStatus status = await h.Router.Budget.GetStatusAsync(null);
        Assert.That((status.SpentUsd, status.ReservedUsd), Is.EqualTo((cost.Usd, 0m)));
    }

    [Test]
    public void Local_usage_that_makes_no_sense_counts_nothing_and_is_flagged()
    {
        CallCost cost = BudgetGovernor.Free(new UsageDetails { InputTokenCount = -3, OutputTokenCount = 7, CachedInputTokenCount = 9 });

        Assert.That(cost, Is.EqualTo(new CallCost(0m, 0, 0, 7, IsEstimated: true)));
    }

    [Test]
    public async Task A_stream_without_usage_carries_its_estimated_cost_on_its_last_update()
    {
        EaioHybridChatOptions options = new() { RequestsPerMinute = int.MaxValue };
        using HybridRouterChatClient router = TestRouter.Create(options, new Dictionary<string, IChatClient> { [EaioProviders.OpenAI] = new NoUsageStream() });

        List<ChatResponseUpdate> updates = [];
        await foreach (ChatResponseUpdate update in router.GetStreamingResponseAsync(s_question, Public()))
        {
            updates.Add(update);
        }

        RouteDecision last = updates[^1].GetRouteDecision()!;
        Assert.That(updates[^1].FinishReason, Is.EqualTo(ChatFinishReason.Stop));
        Assert.That(last.Cost, Is.Not.Null, "as a non-streamed call's response does");
        Assert.That((last.Cost!.Value.OutputTokens, last.Cost.Value.IsEstimated), Is.EqualTo((1024L, true)), "no usage: the worst case, flagged");
        Assert.That(string.Concat(updates.Select(u => u.Text)), Is.EqualTo("Meter 3 reads it."));
        BudgetStatus status = await router.Budget.GetStatusAsync(null);
        Assert.That((status.SpentUsd, status.ReservedUsd), Is.EqualTo((last.Cost.Value.Usd, 0m)));
    }

    /// <summary>A provider that streams an answer with a finish reason and never reports usage.</summary>
    private sealed class NoUsageStream : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
            IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            yield return new ChatResponseUpdate(ChatRole.Assistant, "Meter 3 ");
            yield return new ChatResponseUpdate(ChatRole.Assistant, "reads it.") { FinishReason = ChatFinishReason.Stop };
        }

        public object? GetService(Type serviceType, object? serviceKey = null) =>
            serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata("openai", null, "gpt-4o-mini") : null;

        public void Dispose()
        {
        }
    }
}
