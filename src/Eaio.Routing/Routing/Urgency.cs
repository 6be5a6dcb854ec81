namespace Eaio.Routing;

/// <summary>How soon an answer is needed.</summary>
public enum Urgency
{
    /// <summary>No particular hurry.</summary>
    Normal = 0,

    /// <summary>As fast as possible: a fast local model first, else the fastest external model.</summary>
    High,
}
