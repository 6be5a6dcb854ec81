namespace Eaio.Routing;

/// <summary>The kind of work a provider's model is chosen for.</summary>
public enum ModelTask
{
    /// <summary>Everything not listed below.</summary>
    General = 0,

    /// <summary>Real-time and emergency work: a small, reliable model.</summary>
    RealTime,

    /// <summary>Urgent or simple work: the fastest model.</summary>
    Fast,

    /// <summary>Complex analysis and planning: the strongest model.</summary>
    Complex,

    /// <summary>Code generation and debugging.</summary>
    Code,
}
