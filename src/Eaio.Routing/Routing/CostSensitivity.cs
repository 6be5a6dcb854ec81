namespace Eaio.Routing;

/// <summary>How much the caller cares about the price of a request.</summary>
public enum CostSensitivity
{
    /// <summary>Price matters little.</summary>
    Low = 0,

    /// <summary>The default balance of price and quality.</summary>
    Normal,

    /// <summary>Price matters most: local first, else the cheapest external route.</summary>
    High,
}
