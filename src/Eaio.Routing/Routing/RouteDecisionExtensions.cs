using Microsoft.Extensions.AI;

namespace Eaio.Routing;

/// <summary>Reads the <see cref="RouteDecision"/> the router attaches to every response and streamed update.</summary>
public static class RouteDecisionExtensions
{
    /// <summary>Gets the route decision of a response.</summary>
    /// <param name="response">The response.</param>
    /// <returns>The decision, or <see langword="null"/> when the response did not come through the router.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="response"/> is <see langword="null"/>.</exception>
    public static RouteDecision? GetRouteDecision(this ChatResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (Find(response.AdditionalProperties) is { } decision)
        {
            return decision;
        }

        // A response built from streamed updates keeps update properties on its messages.
        for (int i = response.Messages.Count - 1; i >= 0; i--)
        {
            if (Find(response.Messages[i].AdditionalProperties) is { } fromMessage)
            {
                return fromMessage;
            }
        }

        return null;
    }

    /// <summary>Gets the route decision of a streamed update.</summary>
    /// <param name="update">The update.</param>
    /// <returns>The decision, or <see langword="null"/> when the update did not come through the router.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="update"/> is <see langword="null"/>.</exception>
    public static RouteDecision? GetRouteDecision(this ChatResponseUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        return Find(update.AdditionalProperties);
    }

    private static RouteDecision? Find(AdditionalPropertiesDictionary? properties) =>
        properties is not null && properties.TryGetValue(RouteDecision.PropertyKey, out object? value) ? value as RouteDecision : null;
}
