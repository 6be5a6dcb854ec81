using System.Globalization;

namespace Eaio.Routing;

/// <summary>One budget period: a calendar month in the budget's time zone, as the instants it starts and ends.</summary>
/// <param name="Start">The first instant of the month (local midnight of its first day).</param>
/// <param name="End">The first instant of the next month: when the budget resets.</param>
/// <param name="Label">The month as <c>yyyy-MM</c> in the budget's time zone, the key stores use.</param>
public readonly record struct BudgetPeriod(DateTimeOffset Start, DateTimeOffset End, string Label)
{
    /// <summary>Gets the calendar month, in a time zone, that holds an instant.</summary>
    /// <param name="instant">The instant.</param>
    /// <param name="timeZone">The budget's time zone.</param>
    /// <returns>The period.</returns>
    /// <remarks>
    /// Where a daylight-saving change skips local midnight of the first day, the month starts at the first local time that
    /// exists; where midnight happens twice, at the first of the two. Either way months follow one another without a gap.
    /// </remarks>
    public static BudgetPeriod MonthOf(DateTimeOffset instant, TimeZoneInfo timeZone)
    {
        ArgumentNullException.ThrowIfNull(timeZone);
        DateTime local = TimeZoneInfo.ConvertTime(instant, timeZone).DateTime;
        DateTime first = new(local.Year, local.Month, 1, 0, 0, 0, DateTimeKind.Unspecified);
        DateTimeOffset start = StartOfDay(first, timeZone);

        // Local midnight can be later than the instant when the instant falls in the hour a change skipped: it then
        // belongs to the month before.
        if (start > instant)
        {
            first = first.AddMonths(-1);
            start = StartOfDay(first, timeZone);
        }

        return new BudgetPeriod(start, StartOfDay(first.AddMonths(1), timeZone), first.ToString("yyyy-MM", CultureInfo.InvariantCulture));
    }

    /// <summary>Gets a value indicating whether an instant falls inside the period.</summary>
    /// <param name="instant">The instant.</param>
    /// <returns><see langword="true"/> from <see cref="Start"/> up to, not including, <see cref="End"/>.</returns>
    public bool Contains(DateTimeOffset instant) => instant >= Start && instant < End;

    private static DateTimeOffset StartOfDay(DateTime localMidnight, TimeZoneInfo timeZone)
    {
        DateTime local = localMidnight;
        while (timeZone.IsInvalidTime(local))
        {
            // Skipped by a change to daylight saving time: the day starts when the clocks jump to.
            local = local.AddMinutes(1);
        }

        TimeSpan offset = timeZone.IsAmbiguousTime(local) ? timeZone.GetAmbiguousTimeOffsets(local).Max() : timeZone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset);
    }
}
