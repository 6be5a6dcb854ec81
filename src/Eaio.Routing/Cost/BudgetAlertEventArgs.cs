namespace Eaio.Routing;

/// <summary>The data of the alert raised once per period when spending reaches <c>COST_ALERT_THRESHOLD</c> of a budget.</summary>
/// <param name="status">The budget after the settlement that reached the threshold.</param>
public sealed class BudgetAlertEventArgs(BudgetStatus status) : EventArgs
{
    /// <summary>Gets the budget after the settlement that reached the threshold.</summary>
    public BudgetStatus Status { get; } = status ?? throw new ArgumentNullException(nameof(status));
}
