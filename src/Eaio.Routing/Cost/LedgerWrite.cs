namespace Eaio.Routing;

/// <summary>One caller's write waiting in the SQLite ledger's group commit, with every amount already in whole units, so
/// that an amount the store cannot hold is refused to its caller before it can fail a batch shared with others.</summary>
/// <param name="Kind">What the write does.</param>
/// <param name="Reservation">The reservation it makes, settles or releases.</param>
/// <param name="Units">The amount held (reserve) or the cost counted (settle), in billionths of a dollar.</param>
/// <param name="BudgetUnits">The tenant's budget (reserve).</param>
/// <param name="ThresholdUnits">The spending that raises the alert, or 0 for none (settle).</param>
/// <param name="Now">When the caller asked: holds expired by then do not count.</param>
internal readonly record struct LedgerWrite(LedgerWriteKind Kind, BudgetReservation Reservation, long Units, long BudgetUnits, long ThresholdUnits, DateTimeOffset Now);
