namespace Eaio.Routing;

/// <summary>What an external call was estimated to cost before it was sent, and the budget it holds.</summary>
/// <param name="Price">The model's price.</param>
/// <param name="InputTokens">The estimated input tokens of what is sent.</param>
/// <param name="MaxOutputTokens">The output limit the call is sent with.</param>
/// <param name="WorstCaseUsd">The cost if the whole output limit is used: the amount held.</param>
/// <param name="Reservation">The hold on the budget, or <see langword="null"/> without a ledger.</param>
internal sealed record CallBudget(ModelPrice Price, int InputTokens, int MaxOutputTokens, decimal WorstCaseUsd, BudgetReservation? Reservation)
{
    private int _settling;

    /// <summary>Marks the hold as being settled; <see langword="false"/> when it was before, so it is never counted twice.</summary>
    public bool TryBeginSettle() => Interlocked.Exchange(ref _settling, 1) == 0;
}
