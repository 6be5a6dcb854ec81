using Microsoft.Extensions.AI;

namespace Eaio.Routing;

/// <summary>The bottom of a route's pipeline: a provider client the pipeline uses but does not own, so disposing the
/// pipeline leaves it to whoever registered it.</summary>
internal sealed class BorrowedChatClient(IChatClient innerClient) : IChatClient
{
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        innerClient.GetResponseAsync(messages, options, cancellationToken);

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        innerClient.GetStreamingResponseAsync(messages, options, cancellationToken);

    public object? GetService(Type serviceType, object? serviceKey = null) => innerClient.GetService(serviceType, serviceKey);

    public void Dispose()
    {
        // The provider's client is its registration's to dispose.
    }
}
