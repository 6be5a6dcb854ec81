namespace Eaio.Routing;

/// <summary>How a request log store purges old entries: how long entries are kept, the clock, and the store's delete.</summary>
/// <param name="Retention">How long an entry is kept after its attempt started.</param>
/// <param name="Time">The clock that drives the purge timer and gives "now".</param>
/// <param name="DeleteOlderThanAsync">Deletes every entry that started before the cutoff and returns how many it deleted.</param>
internal sealed record RequestLogRetention(TimeSpan Retention, TimeProvider Time, Func<DateTimeOffset, Task<long>> DeleteOlderThanAsync)
{
    /// <summary>The first purge runs this long after the store opens: soon, but not on a start-up's busiest moment.</summary>
    public static readonly TimeSpan FirstPurgeDelay = TimeSpan.FromMinutes(1);

    /// <summary>Purges run at most this often: deleting a day's worth of old rows is cheap once an hour, costly per batch.</summary>
    public static readonly TimeSpan PurgeInterval = TimeSpan.FromHours(1);

    /// <summary>Gets the cutoff for entries kept <paramref name="retention"/> before <paramref name="now"/>, or
    /// <see langword="null"/> when the retention reaches back past the calendar's start (nothing can be old enough).</summary>
    public static DateTimeOffset? Cutoff(DateTimeOffset now, TimeSpan retention) =>
        retention < now.UtcDateTime - DateTime.MinValue ? now - retention : null;

    /// <summary>Checks a retention given to a store's constructor.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="retention"/> is zero or negative.</exception>
    public static void Validate(TimeSpan? retention, string parameterName)
    {
        if (retention is { } r && r <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(parameterName, r, "The request log's retention must be longer than zero.");
        }
    }
}
