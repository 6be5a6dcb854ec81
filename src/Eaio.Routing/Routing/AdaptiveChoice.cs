namespace Eaio.Routing;

/// <summary>What the adaptive policy chose for a request's category; it only decides whether the complexity rule fires.</summary>
public enum AdaptiveChoice
{
    /// <summary>No learnt estimate applies (the policy is off, the request may only go local, or its category has no feedback yet): the complexity rule decides.</summary>
    None,

    /// <summary>The request's score (complexity plus what external answers gained over local ones in its category) is not above the threshold: the complexity rule does not fire.</summary>
    Local,

    /// <summary>The request's score (complexity plus what external answers gained over local ones in its category) is above the threshold: the complexity rule fires.</summary>
    External,

    /// <summary>Exploration: the request goes local although its score says external, so that the local estimate can recover.</summary>
    ExploreLocal,

    /// <summary>Exploration: the request goes external although its score says local, so that the external tier is measured too.</summary>
    ExploreExternal,
}
