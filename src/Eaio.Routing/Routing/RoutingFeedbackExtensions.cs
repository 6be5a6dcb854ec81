using Microsoft.Extensions.AI;

namespace Eaio.Routing;

/// <summary>Scores a response of the hybrid router from wherever the host holds its <see cref="IChatClient"/>.</summary>
public static class RoutingFeedbackExtensions
{
    /// <summary>Records a user's score of a response the router returned (see <see cref="HybridRouterChatClient.RecordFeedbackAsync(Microsoft.Extensions.AI.ChatResponse, double, CancellationToken)"/>).</summary>
    /// <param name="client">The chat client the host uses: the router, or any middleware around it.</param>
    /// <param name="response">The response to score.</param>
    /// <param name="score">The score, from 0 (useless) to 1 (perfect); for accepted or rejected, 1 or 0.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns><see langword="true"/> when the response was found in the request log.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException"><paramref name="client"/> has no <see cref="HybridRouterChatClient"/> in its pipeline.</exception>
    /// <exception cref="ArgumentException">The response did not come through the router.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="score"/> is not from 0 to 1.</exception>
    public static Task<bool> RecordFeedbackAsync(this IChatClient client, ChatResponse response, double score, CancellationToken cancellationToken = default) =>
        RouterOf(client).RecordFeedbackAsync(response, score, cancellationToken);

    /// <summary>Records a user's score of a response by its ticket (see <see cref="HybridRouterChatClient.RecordFeedbackAsync(RoutingFeedbackTicket, double, CancellationToken)"/>).</summary>
    /// <param name="client">The chat client the host uses: the router, or any middleware around it.</param>
    /// <param name="ticket">The response's ticket (<see cref="RoutingFeedbackTicket.Of(ChatResponse)"/>).</param>
    /// <param name="score">The score, from 0 (useless) to 1 (perfect); for accepted or rejected, 1 or 0.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns><see langword="true"/> when the response was found in the request log.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException"><paramref name="client"/> has no <see cref="HybridRouterChatClient"/> in its pipeline.</exception>
    /// <exception cref="ArgumentException">The ticket's category is empty or too long.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="score"/> is not from 0 to 1.</exception>
    public static Task<bool> RecordFeedbackAsync(this IChatClient client, RoutingFeedbackTicket ticket, double score, CancellationToken cancellationToken = default) =>
        RouterOf(client).RecordFeedbackAsync(ticket, score, cancellationToken);

    private static HybridRouterChatClient RouterOf(IChatClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        return client.GetService<HybridRouterChatClient>()
            ?? throw new InvalidOperationException("The chat client has no HybridRouterChatClient in its pipeline: feedback is recorded by the router (register it with AddEaioHybridChat).");
    }
}
