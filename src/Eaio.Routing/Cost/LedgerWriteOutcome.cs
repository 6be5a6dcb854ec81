namespace Eaio.Routing;

/// <summary>What one write to the SQLite ledger did, known once its batch has committed.</summary>
/// <param name="Done">Reserve: the hold was made. Settle: this settlement raised the period's alert. Release: always.</param>
/// <param name="Status">Reserve: the figures that refused it, when refused. Settle: the figures after the batch. Else <see langword="null"/>.</param>
internal readonly record struct LedgerWriteOutcome(bool Done, BudgetStatus? Status);
