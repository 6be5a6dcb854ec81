namespace Eaio.Routing;

/// <summary>What a request is about; it chooses the model family a route prefers.</summary>
public enum RequestDomain
{
    /// <summary>General user queries.</summary>
    General = 0,

    /// <summary>Analysis of building data (the seed's "Building Data Analysis").</summary>
    BuildingData,

    /// <summary>Energy optimisation and its planning.</summary>
    EnergyOptimization,

    /// <summary>Technical questions and calculations.</summary>
    Technical,

    /// <summary>Data analysis and pattern recognition.</summary>
    Analysis,

    /// <summary>Code generation and debugging.</summary>
    Code,

    /// <summary>Creative writing.</summary>
    Creative,

    /// <summary>Requests with images or other non-text content.</summary>
    Multimodal,
}
