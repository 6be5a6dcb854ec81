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
    /// Where a daylight-saving change skips local midnight of the first day, the month starts at the first instant the local
    /// clock shows that day; where midnight happens twice, at the first of the two. Months follow one another without a gap.
    /// </remarks>
    public static BudgetPeriod MonthOf(DateTimeOffset instant, TimeZoneInfo timeZone)
    {
        ArgumentNullException.ThrowIfNull(timeZone);
        DateTime local = TimeZoneInfo.ConvertTime(instant, timeZone).DateTime;
        DateTime first = new(local.Year, local.Month, 1, 0, 0, 0, DateTimeKind.Unspecified);
        DateTimeOffset start = StartOfDay(first, timeZone);

        DateTimeOffset end = StartOfDay(first.AddMonths(1), timeZone);

        // Around a change of offset at midnight the local date and the month's instants can disagree by the size of the
        // change; the instants decide, so months never overlap or leave a gap.
        if (start > instant)
        {
            first = first.AddMonths(-1);
            (start, end) = (StartOfDay(first, timeZone), start);
        }
        else if (end <= instant)
        {
            first = first.AddMonths(1);
            (start, end) = (end, StartOfDay(first.AddMonths(1), timeZone));
        }

        return new BudgetPeriod(start, end, first.ToString("yyyy-MM", CultureInfo.InvariantCulture));
    }

    /// <summary>Gets a value indicating whether an instant falls inside the period.</summary>
    /// <param name="instant">The instant.</param>
    /// <returns><see langword="true"/> from <see cref="Start"/> up to, not including, <see cref="End"/>.</returns>
    public bool Contains(DateTimeOffset instant) => instant >= Start && instant < End;

    private static DateTimeOffset StartOfDay(DateTime localMidnight, TimeZoneInfo timeZone)
    {
        TimeSpan offset = timeZone.IsAmbiguousTime(localMidnight) ? timeZone.GetAmbiguousTimeOffsets(localMidnight).Max() : timeZone.GetUtcOffset(localMidnight);
        DateTimeOffset instant = new(localMidnight, offset);

        // TimeZoneInfo does not flag every skipped midnight as invalid (a change at 00:00 can read as already done), so
        // the answer is checked against the clock itself: forward while the local time is still the day before, then
        // back while a minute earlier is already the first.
        for (DateTime local = Local(instant, timeZone); local < localMidnight; local = Local(instant, timeZone))
        {
            instant += localMidnight - local;
        }

        while (Local(instant.AddMinutes(-1), timeZone) >= localMidnight)
        {
            instant = instant.AddMinutes(-1);
        }

        return instant;
    }

    private static DateTime Local(DateTimeOffset instant, TimeZoneInfo timeZone) => TimeZoneInfo.ConvertTime(instant, timeZone).DateTime;
}
