namespace Eaio.Routing;

/// <summary>What is left of the budget when a request is planned.</summary>
/// <param name="MonthlyBudgetUsd">The budget of the period in US dollars, or <see langword="null"/> when there is no budget.</param>
/// <param name="RemainingUsd">What remains of it in US dollars, or <see langword="null"/> when there is no budget.</param>
public readonly record struct BudgetSnapshot(decimal? MonthlyBudgetUsd, decimal? RemainingUsd)
{
    /// <summary>Gets a snapshot without a budget: no route is excluded for cost.</summary>
    public static BudgetSnapshot Unlimited => default;

    /// <summary>Gets the share of the budget that remains, from 0 to 1, or <see langword="null"/> when there is no budget.</summary>
    public decimal? RemainingShare =>
        MonthlyBudgetUsd is > 0m && RemainingUsd is { } remaining ? Math.Max(0m, remaining) / MonthlyBudgetUsd.Value : null;
}
