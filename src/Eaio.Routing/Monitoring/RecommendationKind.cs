namespace Eaio.Routing;

/// <summary>What a recommendation of the optimisation report proposes.</summary>
public enum RecommendationKind
{
    /// <summary>Serve simple external requests with the local model, which costs nothing.</summary>
    RouteLocally = 0,

    /// <summary>Serve requests of moderate complexity with the provider's cheapest model.</summary>
    CheaperModel = 1,

    /// <summary>A provider missed a performance target.</summary>
    Performance = 2,
}
