using Microsoft.Extensions.AI;

namespace Eaio.Routing;

/// <summary>
/// What scoring a response later needs, without the response: its id in the request log, its request's category and the
/// tier that answered. Small and made of plain values, so a host can keep one per answer it served (in memory, or in its
/// own store next to the message the user will rate) where keeping the whole response with its route decision would cost
/// a kilobyte or more each.
/// </summary>
/// <param name="ResponseId">The response's <see cref="ChatResponse.ResponseId"/>, the request log's key; <see langword="null"/> when the provider gave none.</param>
/// <param name="Category">The request's category (<see cref="ResolvedRequestProfile.Category"/>), what the adaptive policy learns under.</param>
/// <param name="Tier">The tier of the route that answered.</param>
public sealed record RoutingFeedbackTicket(string? ResponseId, string Category, ProviderTier Tier)
{
    /// <summary>Gets the ticket of a response the router returned.</summary>
    /// <param name="response">The response, with its <see cref="RouteDecision"/>.</param>
    /// <returns>The ticket.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="response"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The response did not come through the router (it has no route decision).</exception>
    public static RoutingFeedbackTicket Of(ChatResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        RouteDecision decision = response.GetRouteDecision()
            ?? throw new ArgumentException("The response carries no route decision: only a response returned by the hybrid router can be scored for routing.", nameof(response));
        return Of(response.ResponseId, decision);
    }

    /// <summary>Gets the ticket of a response from its id and route decision, for a host that kept those rather than the response.</summary>
    /// <param name="responseId">The response's id, or <see langword="null"/>.</param>
    /// <param name="decision">The response's route decision.</param>
    /// <returns>The ticket.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="decision"/> is <see langword="null"/>.</exception>
    public static RoutingFeedbackTicket Of(string? responseId, RouteDecision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        return new RoutingFeedbackTicket(responseId, decision.Plan.Profile.Category, decision.Tier);
    }
}
