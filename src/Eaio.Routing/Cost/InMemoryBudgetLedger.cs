namespace Eaio.Routing;

/// <summary>A budget ledger in this process's memory: for tests and for hosts that accept losing the month's count on restart.</summary>
/// <remarks>Every operation takes one lock, so a reservation's check and hold happen as one step.</remarks>
public sealed class InMemoryBudgetLedger : IBudgetLedger
{
    private readonly Dictionary<(string Tenant, string Period), Account> _accounts = [];
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;

    /// <summary>Initializes a new instance of the <see cref="InMemoryBudgetLedger"/> class.</summary>
    /// <param name="limits">The budgets, alert threshold, time zone and reservation lifetime.</param>
    /// <param name="timeProvider">The clock for periods and expiry; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="limits"/> is <see langword="null"/>.</exception>
    public InMemoryBudgetLedger(BudgetLimits limits, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(limits);
        Limits = limits;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Gets what the ledger enforces.</summary>
    public BudgetLimits Limits { get; }

    /// <inheritdoc/>
    public ValueTask<BudgetReservation> ReserveAsync(string? tenantId, decimal amountUsd, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(amountUsd);
        DateTimeOffset now = _time.GetUtcNow();
        BudgetPeriod period = Limits.PeriodOf(now);
        decimal budget = Limits.BudgetFor(tenantId);
        lock (_lock)
        {
            Account account = AccountFor(tenantId, period, now);
            if (account.Spent + account.Reserved + amountUsd > budget)
            {
                throw new BudgetExceededException(account.Status(tenantId, budget, Limits, period), amountUsd);
            }

            BudgetReservation reservation = new(RandomIds.NewGuid(), tenantId, amountUsd, period, now + Limits.ReservationLifetime);
            account.Holds.Add(reservation.Id, reservation);
            account.Reserved += amountUsd;
            return ValueTask.FromResult(reservation);
        }
    }

    /// <inheritdoc/>
    public ValueTask<BudgetSettlement> SettleAsync(BudgetReservation reservation, decimal actualUsd, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        ArgumentOutOfRangeException.ThrowIfNegative(actualUsd);
        decimal budget = Limits.BudgetFor(reservation.TenantId);
        lock (_lock)
        {
            Account account = AccountFor(reservation.TenantId, reservation.Period, _time.GetUtcNow());
            account.Drop(reservation.Id);
            if (!account.Settled.Add(reservation.Id))
            {
                // Settled before: counted once, whatever a retry or a pending settlement's replay says.
                return ValueTask.FromResult(new BudgetSettlement(account.Status(reservation.TenantId, budget, Limits, reservation.Period), false));
            }

            // Counted even when the hold expired meanwhile: what was spent is never lost.
            account.Spent += actualUsd;
            bool alert = !account.Alerted && Limits.ReachesAlert(account.Spent, budget);
            account.Alerted |= alert;
            return ValueTask.FromResult(new BudgetSettlement(account.Status(reservation.TenantId, budget, Limits, reservation.Period), alert));
        }
    }

    /// <inheritdoc/>
    public ValueTask ReleaseAsync(BudgetReservation reservation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        lock (_lock)
        {
            if (_accounts.TryGetValue((reservation.TenantId ?? string.Empty, reservation.Period.Label), out Account? account))
            {
                account.Drop(reservation.Id);
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask<BudgetStatus> GetStatusAsync(string? tenantId, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Status(tenantId));

    /// <inheritdoc/>
    public ValueTask<BudgetSnapshot> GetSnapshotAsync(string? tenantId, CancellationToken cancellationToken = default)
    {
        // Asked for every plan: the figures alone, without a status object.
        DateTimeOffset now = _time.GetUtcNow();
        BudgetPeriod period = Limits.PeriodOf(now);
        decimal budget = Limits.BudgetFor(tenantId);
        lock (_lock)
        {
            Account account = AccountFor(tenantId, period, now);
            return new ValueTask<BudgetSnapshot>(new BudgetSnapshot(budget, Math.Max(0m, budget - account.Spent - account.Reserved)));
        }
    }

    private BudgetStatus Status(string? tenantId)
    {
        DateTimeOffset now = _time.GetUtcNow();
        BudgetPeriod period = Limits.PeriodOf(now);
        decimal budget = Limits.BudgetFor(tenantId);
        lock (_lock)
        {
            return AccountFor(tenantId, period, now).Status(tenantId, budget, Limits, period);
        }
    }

    private Account AccountFor(string? tenantId, BudgetPeriod period, DateTimeOffset now)
    {
        (string, string) key = (tenantId ?? string.Empty, period.Label);
        if (!_accounts.TryGetValue(key, out Account? account))
        {
            account = new Account();
            _accounts.Add(key, account);
        }

        account.Expire(now);
        return account;
    }

    private sealed class Account
    {
        public Dictionary<Guid, BudgetReservation> Holds { get; } = [];

        /// <summary>Gets the reservations settled in the period, each counted once.</summary>
        public HashSet<Guid> Settled { get; } = [];

        public decimal Spent { get; set; }

        public decimal Reserved { get; set; }

        public bool Alerted { get; set; }

        public void Drop(Guid id)
        {
            if (Holds.Remove(id, out BudgetReservation? hold))
            {
                Reserved -= hold.AmountUsd;
            }
        }

        public void Expire(DateTimeOffset now)
        {
            if (Holds.Count == 0)
            {
                return;
            }

            List<Guid>? expired = null;
            foreach (BudgetReservation hold in Holds.Values)
            {
                if (hold.ExpiresAt <= now)
                {
                    (expired ??= []).Add(hold.Id);
                }
            }

            foreach (Guid id in expired ?? [])
            {
                Drop(id);
            }
        }

        public BudgetStatus Status(string? tenantId, decimal budget, BudgetLimits limits, BudgetPeriod period) =>
            new(tenantId, budget, Spent, Reserved, limits.AlertThreshold, Alerted, period);
    }
}
