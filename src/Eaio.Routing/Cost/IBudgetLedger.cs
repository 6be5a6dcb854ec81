namespace Eaio.Routing;

/// <summary>
/// Where spending is counted: each external call reserves its worst case before it is sent, and settles to what it cost
/// (or releases the hold) after.
/// </summary>
/// <remarks>
/// <see cref="ReserveAsync"/> is atomic against every other reservation on the same store, in this process or others, so
/// concurrent calls can never together reserve more than remains. Implementations: <see cref="InMemoryBudgetLedger"/>
/// (one process), <see cref="SqliteBudgetLedger"/> (the default; processes sharing one file).
/// </remarks>
public interface IBudgetLedger : IBudgetSnapshotSource
{
    /// <summary>Holds an amount of a tenant's budget for one call.</summary>
    /// <param name="tenantId">The tenant, or <see langword="null"/> for the host's own budget.</param>
    /// <param name="amountUsd">The call's worst-case cost in US dollars, 0 or more.</param>
    /// <param name="cancellationToken">The token to cancel the operation.</param>
    /// <returns>The reservation, to settle or release.</returns>
    /// <exception cref="BudgetExceededException">Less than <paramref name="amountUsd"/> remains; nothing was held.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="amountUsd"/> is negative.</exception>
    ValueTask<BudgetReservation> ReserveAsync(string? tenantId, decimal amountUsd, CancellationToken cancellationToken = default);

    /// <summary>Ends a reservation and counts what the call cost, in the reservation's period, once: settling the same
    /// reservation again (a retry after a failure that came after the count, or a pending settlement applied later) counts nothing.</summary>
    /// <param name="reservation">The reservation.</param>
    /// <param name="actualUsd">What the call cost, 0 or more; it may exceed the amount held when the estimate was low, and is counted in full.</param>
    /// <param name="cancellationToken">The token to cancel the operation.</param>
    /// <returns>The budget after the settlement, and whether it raised the period's alert.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="actualUsd"/> is negative.</exception>
    ValueTask<BudgetSettlement> SettleAsync(BudgetReservation reservation, decimal actualUsd, CancellationToken cancellationToken = default);

    /// <summary>Ends a reservation without counting anything: the call was not made or failed before it was billed.</summary>
    /// <param name="reservation">The reservation.</param>
    /// <param name="cancellationToken">The token to cancel the operation.</param>
    /// <returns>A task that completes when the hold is gone.</returns>
    ValueTask ReleaseAsync(BudgetReservation reservation, CancellationToken cancellationToken = default);

    /// <summary>Gets where a tenant's budget stands in the current period.</summary>
    /// <param name="tenantId">The tenant, or <see langword="null"/> for the host's own budget.</param>
    /// <param name="cancellationToken">The token to cancel the operation.</param>
    /// <returns>The status.</returns>
    ValueTask<BudgetStatus> GetStatusAsync(string? tenantId, CancellationToken cancellationToken = default);
}
