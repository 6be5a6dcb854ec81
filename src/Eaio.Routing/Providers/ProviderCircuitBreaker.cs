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

    private int _state; // a CircuitState, read without the lock
    private long _openUntilUtcTicks;

    public ProviderCircuitBreaker(string provider, int minimumThroughput, TimeSpan breakDuration, TimeProvider time)
    {
        Provider = provider;
        _minimumThroughput = minimumThroughput;
        _breakDuration = breakDuration;
        _time = time;
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
            if (Volatile.Read(ref _state) != (int)CircuitState.Open)
            {
                return null;
            }

            long until = Volatile.Read(ref _openUntilUtcTicks);
            return _time.GetUtcNow().UtcTicks < until
                ? $"circuit open after repeated failures, until {new DateTimeOffset(until, TimeSpan.Zero):u}"
                : null;
        }
    }

    /// <summary>Lets a call through, or throws <see cref="ProviderUnavailableException"/> when the circuit does not.</summary>
    /// <returns>The ticket to report the call's outcome with.</returns>
    public Ticket Enter()
    {
        switch ((CircuitState)Volatile.Read(ref _state))
        {
            case CircuitState.Closed:
                return new Ticket(Trial: false);
            case CircuitState.Open when UnavailableReason is { } reason:
                throw new ProviderUnavailableException(Provider, reason);
            case CircuitState.Open when Interlocked.CompareExchange(ref _state, (int)CircuitState.HalfOpen, (int)CircuitState.Open) == (int)CircuitState.Open:
                return new Ticket(Trial: true);
            default:
                // Another call won the trial, or the circuit just closed again: either way this one does not wait for it.
                return State == CircuitState.Closed
                    ? new Ticket(Trial: false)
                    : throw new ProviderUnavailableException(Provider, "circuit half-open, a trial call is in flight");
        }
    }

    /// <summary>Reports a call's outcome: <paramref name="failure"/> is <see langword="null"/> on success; a cancelled call counts neither way.</summary>
    public void Report(Ticket ticket, Exception? failure, bool canceled)
    {
        if (ticket.Trial)
        {
            lock (_lock)
            {
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
                    OpenLocked();
                }
            }

            return;
        }

        if (canceled)
        {
            return;
        }

        long number = _time.GetTimestamp() / _bucketTicks;
        int index = (int)(number % Buckets);
        if (failure is null && Volatile.Read(ref _bucketNumber[index]) == number)
        {
            // The common case, a success in the current bucket, takes no lock: successes alone never open the circuit.
            Interlocked.Increment(ref _successes[index]);
            return;
        }

        lock (_lock)
        {
            if (_state != (int)CircuitState.Closed)
            {
                // A call that started before the circuit opened: its outcome belongs to a window that is over.
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
                OpenLocked();
            }
        }
    }

    private void OpenLocked()
    {
        Array.Fill(_bucketNumber, -1);
        Volatile.Write(ref _openUntilUtcTicks, (_time.GetUtcNow() + _breakDuration).UtcTicks);
        Volatile.Write(ref _state, (int)CircuitState.Open);
    }

    /// <summary>One call let through, which may be the trial of a half-open circuit.</summary>
    internal readonly record struct Ticket(bool Trial);
}
