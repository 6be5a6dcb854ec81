using System.Globalization;

namespace Eaio.Routing;

/// <summary>Where a tenant's budget stands in the current period.</summary>
/// <param name="TenantId">The tenant, or <see langword="null"/> for the host's own budget.</param>
/// <param name="BudgetUsd">The budget of the period in US dollars.</param>
/// <param name="SpentUsd">What settled calls cost in the period.</param>
/// <param name="ReservedUsd">What calls in flight have reserved (their worst case).</param>
/// <param name="AlertThreshold">The share of the budget spent at which the period's alert is raised.</param>
/// <param name="AlertRaised">Whether the alert of this period has been raised.</param>
/// <param name="Period">The period: the budget resets at its <see cref="BudgetPeriod.End"/>.</param>
public sealed record BudgetStatus(
    string? TenantId,
    decimal BudgetUsd,
    decimal SpentUsd,
    decimal ReservedUsd,
    double AlertThreshold,
    bool AlertRaised,
    BudgetPeriod Period)
{
    /// <summary>Gets what neither settled calls nor calls in flight have taken, never below 0.</summary>
    public decimal RemainingUsd => Math.Max(0m, BudgetUsd - SpentUsd - ReservedUsd);

    /// <summary>Gets when the budget resets: the start of the next period.</summary>
    public DateTimeOffset ResetsAt => Period.End;

    /// <summary>Gets the snapshot the routing policy plans with.</summary>
    /// <returns>The snapshot.</returns>
    public BudgetSnapshot ToSnapshot() => new(BudgetUsd, RemainingUsd);

    /// <inheritdoc/>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{TenantId ?? "(host)"} {Period.Label}: spent ${SpentUsd:0.######}, reserved ${ReservedUsd:0.######}, remaining ${RemainingUsd:0.######} of ${BudgetUsd:0.##}; alert at {AlertThreshold:P0} {(AlertRaised ? "raised" : "not raised")}; resets at {ResetsAt:u}");
}
