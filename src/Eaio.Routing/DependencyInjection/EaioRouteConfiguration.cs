using Microsoft.Extensions.AI;

namespace Eaio.Routing;

/// <summary>A host's middleware for one route, registered by <c>ConfigureEaioRoute</c>.</summary>
internal sealed record EaioRouteConfiguration(string Provider, Action<ChatClientBuilder> Configure);
