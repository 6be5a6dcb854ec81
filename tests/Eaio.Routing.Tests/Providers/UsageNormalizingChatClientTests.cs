using Microsoft.Extensions.AI;
using NSubstitute;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

public sealed class UsageNormalizingChatClientTests
{
    private static async IAsyncEnumerable<ChatResponseUpdate> Updates(params ChatResponseUpdate[] updates)
    {
        foreach (ChatResponseUpdate update in updates)
        {
            await Task.Yield();
            yield return update;
        }
    }

    private static ChatResponseUpdate Usage(long input, long output, ChatFinishReason? finish = null, string text = "") =>
        new(ChatRole.Assistant, [new TextContent(text), new UsageContent(new UsageDetails { InputTokenCount = input, OutputTokenCount = output, TotalTokenCount = input + output })])
        {
            FinishReason = finish,
        };

    [Test]
    public async Task Only_the_last_of_several_cumulative_usage_reports_is_passed_on_at_the_end()
    {
        IChatClient inner = Substitute.For<IChatClient>();
        inner.GetStreamingResponseAsync(Arg.Any<IEnumerable<ChatMessage>>(), Arg.Any<ChatOptions?>(), Arg.Any<CancellationToken>())
            .Returns(Updates(Usage(9, 1, text: "Load "), Usage(9, 2, ChatFinishReason.Stop, "factor")));
        using UsageNormalizingChatClient client = new(inner);

        List<ChatResponseUpdate> updates = [];
        await foreach (ChatResponseUpdate update in client.GetStreamingResponseAsync("q"))
        {
            updates.Add(update);
        }

        ChatResponse response = updates.ToChatResponse();
        Assert.That(response.Text, Is.EqualTo("Load factor"));
        Assert.That(response.Usage!.InputTokenCount, Is.EqualTo(9));
        Assert.That(response.Usage.OutputTokenCount, Is.EqualTo(2));
        Assert.That(updates.Take(updates.Count - 1).SelectMany(u => u.Contents).OfType<UsageContent>(), Is.Empty);
        Assert.That(updates[^1].Contents.Single(), Is.InstanceOf<UsageContent>());
        Assert.That(response.FinishReason, Is.EqualTo(ChatFinishReason.Stop));
    }

    [Test]
    public async Task A_stream_without_usage_is_passed_through_unchanged()
    {
        ChatResponseUpdate only = new(ChatRole.Assistant, "hi") { FinishReason = ChatFinishReason.Stop };
        IChatClient inner = Substitute.For<IChatClient>();
        inner.GetStreamingResponseAsync(Arg.Any<IEnumerable<ChatMessage>>(), Arg.Any<ChatOptions?>(), Arg.Any<CancellationToken>()).Returns(Updates(only));
        using UsageNormalizingChatClient client = new(inner);

        List<ChatResponseUpdate> updates = [];
        await foreach (ChatResponseUpdate update in client.GetStreamingResponseAsync("q"))
        {
            updates.Add(update);
        }

        Assert.That(updates, Is.EqualTo(new[] { only }));
    }

    [Test]
    public void The_builder_extension_hands_the_client_it_creates_to_configure()
    {
        UsageNormalizingChatClient? created = null;
        using IChatClient client = new ChatClientBuilder(Substitute.For<IChatClient>()).UseUsageNormalization(c => created = c).Build();
        Assert.That(created, Is.SameAs(client));
    }

    [Test]
    public void The_builder_extension_checks_its_argument() =>
        Assert.Throws<ArgumentNullException>(() => UsageNormalizingChatClientBuilderExtensions.UseUsageNormalization(null!));
}
