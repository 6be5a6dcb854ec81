using System.Globalization;

namespace Eaio.Routing;

/// <summary>
/// A provider's circuit breaker: it opens when at least half of the calls in the last 30 s failed and there were at
/// least the minimum number of them, stays open for the break, then lets one trial call decide.
/// </summary>
/// <remarks>
/// <para>
/// Hand-written rather than Polly.Core's, for a measured reason (docs/benchmarks.md, "RoutingOverhead"): Polly's breaker
/// cost about 160 ns a call through its pipeline plus a lock on every state read, a third of what the router added to a
/// call, and a streamed call (which outlives any one pipeline callback) needed a pipeline execution parked on a task per
/// call. Here a call is a ticket from <see cref="Enter"/> and one <see cref="Report"/>; reading the state, which every plan
/// does, takes no lock.
/// </para>
/// <para>
/// Outcomes are counted when calls end, in ten buckets of 3 s on the monotonic clock of the <see cref="TimeProvider"/>. A cancelled call
/// counts neither way: it says nothing about the provider.
/// </para>
/// </remarks>
internal sealed class ProviderCircuitBreaker
{
    private const double FailureRatio = 0.5;
    private const int Buckets = 10;
    private static readonly TimeSpan s_samplingDuration = TimeSpan.FromSeconds(30);

    private readonly Lock _lock = new();
    private readonly int _minimumThroughput;
    private readonly TimeSpan _breakDuration;
    private readonly TimeProvider _time;
    private readonly long _bucketTicks; // in the TimeProvider's timestamp units
    private readonly long[] _bucketNumber = new long[Buckets];
    private readonly int[] _successes = new int[Buckets];
    private readonly int[] _failures = new int[Buckets];

    private readonly TimeSpan _trialLimit;
    private readonly bool _systemClock;

    private int _state; // a CircuitState, read without the lock
    private long _openUntilUtcTicks;
    private string _openCause = "repeated failures";
    private string? _isolatedReason;
    private long _trialUntilUtcTicks;

    // Moves on every opening and every trial: an outcome reported under an older generation belongs to a window or a
    // trial that is over (a call that hung while the circuit opened, a trial that was given up on) and is ignored.
    private int _generation;

    /// <param name="provider">The provider's name, for messages.</param>
    /// <param name="minimumThroughput">How many calls within 30 s the failure ratio needs before it can open the circuit.</param>
    /// <param name="breakDuration">How long the circuit stays open.</param>
    /// <param name="time">The clock.</param>
    /// <param name="trialLimit">How long a trial may take before the next call may try instead (a trial whose caller
    /// never ends it would otherwise keep the circuit half-open for good); the break duration when <see langword="null"/>.</param>
    public ProviderCircuitBreaker(string provider, int minimumThroughput, TimeSpan breakDuration, TimeProvider time, TimeSpan? trialLimit = null)
    {
        Provider = provider;
        _minimumThroughput = minimumThroughput;
        _breakDuration = breakDuration;
        _trialLimit = trialLimit is { } limit && limit > breakDuration ? limit : breakDuration;
        _time = time;
        _systemClock = ReferenceEquals(time, TimeProvider.System);
        _bucketTicks = Math.Max(1, (long)(s_samplingDuration.TotalSeconds / Buckets * time.TimestampFrequency));
        Array.Fill(_bucketNumber, -1);
    }

    public string Provider { get; }

    public CircuitState State => (CircuitState)Volatile.Read(ref _state);

    /// <summary>Gets why the provider is out of plans, or <see langword="null"/> while its circuit lets calls through.</summary>
    /// <remarks>Once the break is over the provider counts as available again, and the next call becomes the trial.</remarks>
    public string? UnavailableReason
    {
        get
        {
            int state = Volatile.Read(ref _state);
            if (state == (int)CircuitState.Isolated)
            {
                return Volatile.Read(ref _isolatedReason);
            }

            if (state != (int)CircuitState.Open)
            {
                return null;
            }

            long until = Volatile.Read(ref _openUntilUtcTicks);
            return _time.GetUtcNow().UtcTicks < until
                ? $"circuit open after {Volatile.Read(ref _openCause)}, until {new DateTimeOffset(until, TimeSpan.Zero):u}"
                : null;
        }
    }

    /// <summary>How long an open circuit stays open; <see langword="null"/> when it is not open (an isolated circuit has no end).</summary>
    private TimeSpan? OpenFor()
    {
        if (Volatile.Read(ref _state) != (int)CircuitState.Open)
        {
            return null;
        }

        long left = Volatile.Read(ref _openUntilUtcTicks) - _time.GetUtcNow().UtcTicks;
        return left > 0 ? TimeSpan.FromTicks(left) : null;
    }

    /// <summary>Lets a call through, or throws <see cref="ProviderUnavailableException"/> when the circuit does not.</summary>
    /// <returns>The ticket to report the call's outcome with.</returns>
    public Ticket Enter()
    {
        switch ((CircuitState)Volatile.Read(ref _state))
        {
            case CircuitState.Closed:
                return new Ticket(Trial: false, Volatile.Read(ref _generation));
            case CircuitState.Open or CircuitState.Isolated when UnavailableReason is { } reason:
                throw new ProviderUnavailableException(Provider, reason) { RetryAfter = OpenFor() };
        }

        lock (_lock)
        {
            long now = _time.GetUtcNow().UtcTicks;
            switch ((CircuitState)_state)
            {
                case CircuitState.Closed:
                    // It closed while this call waited for the lock.
                    return new Ticket(Trial: false, _generation);
                case CircuitState.Isolated:
                    throw new ProviderUnavailableException(Provider, _isolatedReason ?? "circuit isolated");
                case CircuitState.Open when now < _openUntilUtcTicks:
                    throw new ProviderUnavailableException(Provider, UnavailableReason ?? "circuit open after repeated failures")
                    {
                        RetryAfter = TimeSpan.FromTicks(_openUntilUtcTicks - now),
                    };
                case CircuitState.HalfOpen when now < _trialUntilUtcTicks:
                    throw new ProviderUnavailableException(Provider, "circuit half-open, a trial call is in flight");
                default:
                    // The break is over, or the trial in flight took longer than any call may: this call is the trial.
                    _trialUntilUtcTicks = now + _trialLimit.Ticks;
                    _generation++;
                    Volatile.Write(ref _state, (int)CircuitState.HalfOpen);
                    return new Ticket(Trial: true, _generation);
            }
        }
    }

    /// <summary>Reports a call's outcome: <paramref name="failure"/> is <see langword="null"/> on success; a cancelled call counts neither way.</summary>
    public void Report(Ticket ticket, Exception? failure, bool canceled)
    {
        if (ticket.Trial)
        {
            lock (_lock)
            {
                if (ticket.Generation != _generation || _state != (int)CircuitState.HalfOpen)
                {
                    // A trial that was given up on: a later one decides.
                    return;
                }

                if (canceled)
                {
                    // The trial told nothing: the next call tries again (the break is already over).
                    Volatile.Write(ref _state, (int)CircuitState.Open);
                }
                else if (failure is null)
                {
                    Array.Fill(_bucketNumber, -1);
                    Volatile.Write(ref _state, (int)CircuitState.Closed);
                }
                else
                {
                    OpenLocked($"repeated failures (the trial call after the break failed with {failure.GetType().Name})");
                }
            }

            return;
        }

        if (canceled)
        {
            return;
        }

        long number = BucketNow();
        int index = (int)(number % Buckets);
        if (ticket.Generation != Volatile.Read(ref _generation))
        {
            // The call started before the circuit last opened: its outcome belongs to a window that is over.
            return;
        }

        if (failure is null && Volatile.Read(ref _bucketNumber[index]) == number)
        {
            // The common case, a success in the current bucket, takes no lock: successes alone never open the circuit.
            Interlocked.Increment(ref _successes[index]);
            return;
        }

        lock (_lock)
        {
            if (_state != (int)CircuitState.Closed || ticket.Generation != _generation)
            {
                return;
            }

            if (_bucketNumber[index] != number)
            {
                // Counts first, then the number: a lock-free success that sees the new number counts into the new bucket.
                _successes[index] = 0;
                _failures[index] = 0;
                Volatile.Write(ref _bucketNumber[index], number);
            }

            if (failure is null)
            {
                Interlocked.Increment(ref _successes[index]);
                return;
            }

            _failures[index]++;
            int failures = 0;
            int calls = 0;
            for (int i = 0; i < Buckets; i++)
            {
                if (_bucketNumber[i] > number - Buckets)
                {
                    failures += _failures[i];
                    calls += _failures[i] + _successes[i];
                }
            }

            if (calls >= _minimumThroughput && failures >= calls * FailureRatio)
            {
                OpenLocked(string.Create(
                    CultureInfo.InvariantCulture,
                    $"repeated failures ({failures} of {calls} calls within {s_samplingDuration.TotalSeconds:0} s failed, the last with {failure.GetType().Name})"));
            }
        }
    }

    /// <summary>The number of the current 3 s bucket. On the system clock it comes from the millisecond tick count, which
    /// costs a few nanoseconds where the monotonic timestamp costs about 20 on a virtual machine; buckets need no more.</summary>
    private long BucketNow() => _systemClock
        ? Environment.TickCount64 / (long)(s_samplingDuration.TotalMilliseconds / Buckets)
        : _time.GetTimestamp() / _bucketTicks;

    /// <summary>Holds the circuit open until <see cref="Reset"/>, whatever the calls' outcomes.</summary>
    /// <param name="reason">Why, for messages and the health report.</param>
    public void Isolate(string reason)
    {
        lock (_lock)
        {
            // A new generation: the outcomes of calls in flight belong to before the isolation and are ignored.
            _generation++;
            Array.Fill(_bucketNumber, -1);
            Volatile.Write(ref _isolatedReason, reason);
            Volatile.Write(ref _state, (int)CircuitState.Isolated);
        }
    }

    /// <summary>Closes the circuit, whatever its state, and forgets the outcomes counted so far.</summary>
    public void Reset()
    {
        lock (_lock)
        {
            _generation++;
            Array.Fill(_bucketNumber, -1);
            Volatile.Write(ref _state, (int)CircuitState.Closed);
        }
    }

    private void OpenLocked(string cause)
    {
        Volatile.Write(ref _openCause, cause);
        _generation++;
        Array.Fill(_bucketNumber, -1);
        Volatile.Write(ref _openUntilUtcTicks, (_time.GetUtcNow() + _breakDuration).UtcTicks);
        Volatile.Write(ref _state, (int)CircuitState.Open);
    }

    /// <summary>One call let through, which may be the trial of a half-open circuit, and the generation it was let through in.</summary>
    internal readonly record struct Ticket(bool Trial, int Generation);
}
