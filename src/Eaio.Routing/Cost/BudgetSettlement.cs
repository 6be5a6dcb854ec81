namespace Eaio.Routing;

/// <summary>The outcome of settling a call.</summary>
/// <param name="Status">The budget after the call's cost was counted.</param>
/// <param name="AlertRaised">Whether this settlement crossed the alert threshold: true for exactly one settlement per tenant and period.</param>
public sealed record BudgetSettlement(BudgetStatus Status, bool AlertRaised);
