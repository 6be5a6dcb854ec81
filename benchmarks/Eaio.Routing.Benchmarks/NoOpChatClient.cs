using Microsoft.Extensions.AI;

namespace Eaio.Routing.Benchmarks;

/// <summary>A provider that answers at once with a prepared response: what is left is the cost of whatever wraps it.</summary>
internal sealed class NoOpChatClient : IChatClient
{
    private static readonly ChatClientMetadata s_metadata = new("noop", null, "noop-model");
    private readonly ChatResponse _response = new(new ChatMessage(ChatRole.Assistant, "ok"))
    {
        FinishReason = ChatFinishReason.Stop,
        Usage = new UsageDetails { InputTokenCount = 10, OutputTokenCount = 1, TotalTokenCount = 11 },
    };

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(_response);

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType == typeof(ChatClientMetadata) ? s_metadata : null;

    public void Dispose()
    {
    }
}
