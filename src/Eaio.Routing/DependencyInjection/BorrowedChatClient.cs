using Microsoft.Extensions.AI;

namespace Eaio.Routing;

/// <summary>
/// The bottom of a route's pipeline: a provider client the pipeline uses but does not own, so disposing the pipeline
/// leaves it to whoever registered it. It gets the options without the route's <see cref="RouteCallContext"/>, as the
/// caller's own middleware would pass them: the context is the route's business, not the provider's.
/// </summary>
internal sealed class BorrowedChatClient(IChatClient innerClient) : IChatClient
{
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        innerClient.GetResponseAsync(messages, WithoutContext(options), cancellationToken);

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        innerClient.GetStreamingResponseAsync(messages, WithoutContext(options), cancellationToken);

    public object? GetService(Type serviceType, object? serviceKey = null) => innerClient.GetService(serviceType, serviceKey);

    public void Dispose()
    {
        // The provider's client is its registration's to dispose.
    }

    private static ChatOptions? WithoutContext(ChatOptions? options)
    {
        if (options?.AdditionalProperties is not { } properties || !properties.TryGetValue(RouteCallContext.PropertyKey, out object? value))
        {
            return options;
        }

        // The layers above read the context before calling down, so the call's own copy loses it in place.
        ChatOptions copy = value is RouteCallContext { OwnsOptions: true } ? options : options.Clone();
        _ = copy.AdditionalProperties!.Remove(RouteCallContext.PropertyKey);
        if (copy.AdditionalProperties.Count == 0)
        {
            copy.AdditionalProperties = null;
        }

        return copy;
    }
}
