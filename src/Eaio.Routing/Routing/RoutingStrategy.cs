namespace Eaio.Routing;

/// <summary>Which tiers the router may use at all (<c>LLM_STRATEGY</c>).</summary>
public enum RoutingStrategy
{
    /// <summary>Local and external routes, chosen per request (<c>hybrid</c>, the default).</summary>
    Hybrid = 0,

    /// <summary>Only the local model (<c>local</c>).</summary>
    Local,

    /// <summary>Only external APIs (<c>api-only</c>); a request that may only go local fails instead of leaving.</summary>
    ApiOnly,
}
