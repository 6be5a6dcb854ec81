namespace Eaio.Routing;

/// <summary>What the adaptive policy chose for a request's category; it only decides whether the complexity rule fires.</summary>
public enum AdaptiveChoice
{
    /// <summary>No learnt estimate applies (the policy is off, the request may only go local, or its category has no feedback yet): the complexity rule decides.</summary>
    None,

    /// <summary>The local model's answers in the category are accepted often enough: the complexity rule does not fire.</summary>
    Local,

    /// <summary>The local model's acceptance in the category is below the target and the external tier did better: the complexity rule fires.</summary>
    External,

    /// <summary>Exploration: the category goes local although the estimates say external, so that the local estimate can recover.</summary>
    ExploreLocal,

    /// <summary>Exploration: the category goes external although the estimates say local, so that the external tier is measured too.</summary>
    ExploreExternal,
}
