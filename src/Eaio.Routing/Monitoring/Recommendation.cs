namespace Eaio.Routing;

/// <summary>One recommendation of the optimisation report.</summary>
/// <param name="Kind">What it proposes.</param>
/// <param name="Provider">The provider it is about.</param>
/// <param name="Model">The model it is about.</param>
/// <param name="Text">The recommendation as a sentence.</param>
/// <param name="EstimatedMonthlySavingsUsd">What following it would save in a 30-day month, from the period's figures; 0 when it is not about cost.</param>
public sealed record Recommendation(RecommendationKind Kind, string Provider, string Model, string Text, decimal EstimatedMonthlySavingsUsd);
