using System.Runtime.CompilerServices;

namespace Eaio.Routing;

/// <summary>What a budget ledger enforces: the monthly budget of each tenant, the alert threshold, the period's time zone
/// and how long a reservation lives.</summary>
public sealed class BudgetLimits
{
    private readonly Dictionary<string, decimal> _tenants;
    private StrongBox<BudgetPeriod>? _lastPeriod;

    /// <summary>Initializes a new instance of the <see cref="BudgetLimits"/> class.</summary>
    /// <param name="monthlyBudgetUsd">The monthly budget in US dollars of tenants not in <paramref name="tenantBudgetsUsd"/> and of the host.</param>
    /// <param name="alertThreshold">The share of a budget spent at which its alert is raised, 0 to 1.</param>
    /// <param name="timeZone">The time zone whose calendar months are the periods; UTC when <see langword="null"/>.</param>
    /// <param name="reservationLifetime">How long an unsettled reservation holds budget.</param>
    /// <param name="tenantBudgetsUsd">Monthly budgets of particular tenants.</param>
    /// <exception cref="ArgumentOutOfRangeException">A budget is negative, the threshold is outside 0 to 1, or the lifetime is not positive.</exception>
    public BudgetLimits(
        decimal monthlyBudgetUsd,
        double alertThreshold = 0.8,
        TimeZoneInfo? timeZone = null,
        TimeSpan? reservationLifetime = null,
        IReadOnlyDictionary<string, decimal>? tenantBudgetsUsd = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(monthlyBudgetUsd);
        if (alertThreshold is not (>= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(alertThreshold), alertThreshold, "The alert threshold is a share of the budget between 0 and 1.");
        }

        TimeSpan lifetime = reservationLifetime ?? TimeSpan.FromMinutes(15);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lifetime, TimeSpan.Zero, nameof(reservationLifetime));

        _tenants = new(StringComparer.Ordinal);
        foreach (KeyValuePair<string, decimal> tenant in tenantBudgetsUsd ?? new Dictionary<string, decimal>())
        {
            if (tenant.Value < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(tenantBudgetsUsd), tenant.Value, $"The budget of tenant '{tenant.Key}' is negative; budgets are US dollars, 0 or more.");
            }

            _tenants[tenant.Key] = tenant.Value;
        }

        MonthlyBudgetUsd = monthlyBudgetUsd;
        AlertThreshold = alertThreshold;
        TimeZone = timeZone ?? TimeZoneInfo.Utc;
        ReservationLifetime = lifetime;
    }

    /// <summary>Gets the monthly budget of the host and of tenants without their own.</summary>
    public decimal MonthlyBudgetUsd { get; }

    /// <summary>Gets the share of a budget spent at which its alert is raised.</summary>
    public double AlertThreshold { get; }

    /// <summary>Gets the time zone whose calendar months are the periods.</summary>
    public TimeZoneInfo TimeZone { get; }

    /// <summary>Gets how long an unsettled reservation holds budget.</summary>
    public TimeSpan ReservationLifetime { get; }

    /// <summary>Gets the limits an <see cref="EaioHybridChatOptions"/> configures.</summary>
    /// <param name="options">The options.</param>
    /// <returns>The limits.</returns>
    public static BudgetLimits From(EaioHybridChatOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new BudgetLimits(
            options.MonthlyBudgetUsd,
            options.CostAlertThreshold,
            options.BudgetTimeZone,
            options.BudgetReservationLifetime,
            new Dictionary<string, decimal>(options.TenantBudgetsUsd, StringComparer.Ordinal));
    }

    /// <summary>Gets a tenant's monthly budget.</summary>
    /// <param name="tenantId">The tenant, or <see langword="null"/> for the host.</param>
    /// <returns>The budget in US dollars.</returns>
    public decimal BudgetFor(string? tenantId) =>
        tenantId is not null && _tenants.TryGetValue(tenantId, out decimal budget) ? budget : MonthlyBudgetUsd;

    /// <summary>Gets the period an instant falls in.</summary>
    /// <param name="instant">The instant.</param>
    /// <returns>The calendar month in <see cref="TimeZone"/>.</returns>
    public BudgetPeriod PeriodOf(DateTimeOffset instant)
    {
        // Every reservation and every plan asks for the current period; time-zone arithmetic is kept for month changes.
        StrongBox<BudgetPeriod>? last = Volatile.Read(ref _lastPeriod);
        if (last is not null && last.Value.Contains(instant))
        {
            return last.Value;
        }

        BudgetPeriod period = BudgetPeriod.MonthOf(instant, TimeZone);
        Volatile.Write(ref _lastPeriod, new StrongBox<BudgetPeriod>(period));
        return period;
    }

    /// <summary>Gets a value indicating whether spending has reached the alert threshold.</summary>
    /// <param name="spentUsd">What was spent in the period.</param>
    /// <param name="budgetUsd">The period's budget.</param>
    /// <returns><see langword="true"/> at or above the threshold of a positive budget.</returns>
    internal bool ReachesAlert(decimal spentUsd, decimal budgetUsd) => budgetUsd > 0 && spentUsd >= (decimal)AlertThreshold * budgetUsd;
}
