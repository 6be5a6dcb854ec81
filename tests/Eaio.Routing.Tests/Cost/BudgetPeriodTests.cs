using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>Budget periods are calendar months in a time zone, without gaps, whatever daylight saving does.</summary>
public sealed class BudgetPeriodTests
{
    [Test]
    public void A_month_in_UTC_runs_from_midnight_of_the_first_to_midnight_of_the_next_first()
    {
        BudgetPeriod period = BudgetPeriod.MonthOf(new DateTimeOffset(2026, 12, 31, 23, 59, 59, TimeSpan.Zero), TimeZoneInfo.Utc);

        Assert.That(period.Label, Is.EqualTo("2026-12"));
        Assert.That(period.Start, Is.EqualTo(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero)));
        Assert.That(period.End, Is.EqualTo(new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero)));
        Assert.That(BudgetPeriod.MonthOf(period.End, TimeZoneInfo.Utc).Label, Is.EqualTo("2027-01"));
    }

    [Test]
    public void Where_daylight_saving_skips_midnight_of_the_first_the_month_starts_when_the_clocks_jump_to()
    {
        // Paraguay moved its clocks from 00:00 to 01:00 on Sunday 1 October 2017: that midnight never happened.
        TimeZoneInfo asuncion = TimeZoneInfo.FindSystemTimeZoneById("America/Asuncion");
        DateTimeOffset jump = new(2017, 10, 1, 4, 0, 0, TimeSpan.Zero); // 00:00 -04:00 = 01:00 -03:00

        BudgetPeriod october = BudgetPeriod.MonthOf(jump, asuncion);
        BudgetPeriod september = BudgetPeriod.MonthOf(jump.AddTicks(-1), asuncion);

        Assert.That(october.Label, Is.EqualTo("2017-10"));
        Assert.That(october.Start, Is.EqualTo(jump));
        Assert.That(september.Label, Is.EqualTo("2017-09"));
        Assert.That(september.End, Is.EqualTo(october.Start), "no gap and no overlap between months");
    }

    [Test]
    public void Consecutive_months_touch_in_every_zone_for_years()
    {
        foreach (string id in new[] { "Europe/Berlin", "America/New_York", "America/Asuncion", "Australia/Lord_Howe", "Asia/Kolkata", "Pacific/Chatham" })
        {
            TimeZoneInfo zone = TimeZoneInfo.FindSystemTimeZoneById(id);
            BudgetPeriod period = BudgetPeriod.MonthOf(new DateTimeOffset(2015, 1, 15, 0, 0, 0, TimeSpan.Zero), zone);
            for (int i = 0; i < 12 * 12; i++)
            {
                BudgetPeriod next = BudgetPeriod.MonthOf(period.End, zone);
                Assert.That(next.Start, Is.EqualTo(period.End), $"{id} after {period.Label}");
                Assert.That(period.Contains(period.End.AddTicks(-1)) && !period.Contains(period.End), Is.True);
                Assert.That(TimeZoneInfo.ConvertTime(next.Start, zone).Day, Is.EqualTo(1), $"{id} {next.Label} starts on the first");
                period = next;
            }
        }
    }
}
