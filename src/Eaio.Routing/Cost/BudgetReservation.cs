namespace Eaio.Routing;

/// <summary>Budget held for one call in flight, until it is settled or released, or until it expires.</summary>
/// <param name="Id">The reservation's id.</param>
/// <param name="TenantId">The tenant, or <see langword="null"/> for the host's own budget.</param>
/// <param name="AmountUsd">The amount held: the call's worst-case cost.</param>
/// <param name="Period">The period the call counts in, settled or not.</param>
/// <param name="ExpiresAt">When the hold lapses if the call is never settled or released (its process died).</param>
public sealed record BudgetReservation(Guid Id, string? TenantId, decimal AmountUsd, BudgetPeriod Period, DateTimeOffset ExpiresAt);
