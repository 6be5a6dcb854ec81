namespace Eaio.Routing;

/// <summary>Times the router's non-streamed attempts for <see cref="RouteAttempt.Duration"/>.</summary>
/// <remarks>
/// On the system clock it reads the millisecond tick count (<see cref="Environment.TickCount64"/>): about 5 ns a read
/// where the monotonic high-resolution timestamp costs about 25 on a virtual machine, and the local route read it twice
/// per call, 12 % of the router's own work (docs/benchmarks.md, issue 15). The tick count advances in steps of the
/// kernel's timer (1 to 4 ms on Linux, about 16 on Windows), finer than what the duration is for: a model call lasts
/// hundreds of milliseconds, and attempts are written in whole milliseconds. Streams keep the high-resolution clock: their
/// time to the first update is worth its precision, and a stream's own cost dwarfs two reads. Any other
/// <see cref="TimeProvider"/> (a test's fake clock) is read as it is.
/// </remarks>
internal sealed class AttemptClock
{
    private readonly TimeProvider _time;
    private readonly bool _system;

    /// <summary>Initializes a new instance of the <see cref="AttemptClock"/> class.</summary>
    /// <param name="time">The router's clock.</param>
    public AttemptClock(TimeProvider time)
    {
        _time = time;
        _system = ReferenceEquals(time, TimeProvider.System);
    }

    /// <summary>A timestamp to measure from with <see cref="Since"/>.</summary>
    public long Now() => _system ? Environment.TickCount64 : _time.GetTimestamp();

    /// <summary>The time since a timestamp of <see cref="Now"/>.</summary>
    public TimeSpan Since(long started) =>
        _system ? TimeSpan.FromMilliseconds(Environment.TickCount64 - started) : _time.GetElapsedTime(started);
}
