using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

public sealed class StreamingToolCallRestoreTests
{
    [Test]
    public async Task Held_text_comes_before_every_streamed_tool_call_and_restored_calls_keep_their_properties()
    {
        using HybridRouterChatClient router = TestRouter.Create(
            new EaioHybridChatOptions { RequestsPerMinute = int.MaxValue },
            new Dictionary<string, IChatClient> { [EaioProviders.OpenAI] = new ScriptedClient() });
        ChatOptions options = new ChatOptions().WithEaio(p => { p.Privacy = PrivacyLevel.Public; p.Complexity = 0.1; p.Domain = RequestDomain.General; });

        List<AIContent> contents = [];
        await foreach (ChatResponseUpdate update in router.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Which tool?")], options))
        {
            contents.AddRange(update.Contents.Where(c => c is TextContent or FunctionCallContent));
        }

        int firstCall = contents.FindIndex(c => c is FunctionCallContent);
        Assert.That(string.Concat(contents.Take(firstCall).Cast<TextContent>().Select(t => t.Text)), Is.EqualTo("Calling TOOL_"), "text held as a possible placeholder is released before the call");
        Assert.That(contents.Skip(firstCall).Select(c => c.GetType().Name), Is.EqualTo(new[] { "FunctionCallContent", "FunctionCallContent" }), "and nothing after the calls");
        FunctionCallContent withArguments = (FunctionCallContent)contents[^1];
        Assert.That(withArguments.InformationalOnly, Is.True);
        Assert.That(withArguments.AdditionalProperties?["trace"], Is.EqualTo("t-1"));
        Assert.That(withArguments.Arguments?["building"], Is.EqualTo("north wing"));
    }

    private sealed class ScriptedClient : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
            IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            yield return new ChatResponseUpdate(ChatRole.Assistant, "Calling TOOL_");
            yield return new ChatResponseUpdate(ChatRole.Assistant, [new FunctionCallContent("c1", "status")]);
            yield return new ChatResponseUpdate(
                ChatRole.Assistant,
                [new FunctionCallContent("c2", "readings", new Dictionary<string, object?> { ["building"] = "north wing" })
                {
                    InformationalOnly = true,
                    AdditionalProperties = new() { ["trace"] = "t-1" },
                }])
            {
                FinishReason = ChatFinishReason.ToolCalls,
            };
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
