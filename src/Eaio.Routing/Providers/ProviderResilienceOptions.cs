using System.Globalization;
using System.Threading.RateLimiting;

namespace Eaio.Routing;

/// <summary>
/// What <see cref="ProviderResilienceChatClient"/> guards one provider's calls with: time limits, a request rate limit, a
/// concurrency limit with a bounded wait, and a circuit breaker.
/// </summary>
/// <remarks>
/// <para>
/// Setters check their value at once and name the property and the allowed range when it is out of it; the client checks
/// the values against each other when it is created, and takes a snapshot: changing the options later changes nothing.
/// </para>
/// <para>
/// Limiters given here (<see cref="RequestRateLimiter"/>, <see cref="ConcurrencyLimiter"/>) stay the host's: the client never
/// disposes them, so one limiter can be shared, for example one concurrency limiter across the providers of one tier. The
/// limiter the client creates from <see cref="RequestsPerMinute"/> is its own and is disposed with it.
/// </para>
/// </remarks>
public sealed class ProviderResilienceOptions
{
    /// <summary>The longest time limit a <see cref="CancellationTokenSource"/> can be armed with, rounded down to whole days.</summary>
    private static readonly TimeSpan s_maxTimeout = TimeSpan.FromDays(24);
    private static readonly TimeSpan s_minBreak = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan s_maxBreak = TimeSpan.FromDays(1);

    /// <summary>Gets or sets the provider's name, for messages and exceptions; the inner client's
    /// <see cref="Microsoft.Extensions.AI.ChatClientMetadata.ProviderName"/> when <see langword="null"/>.</summary>
    public string? ProviderName { get; set; }

    /// <summary>
    /// Gets or sets the longest wait for the first update of a stream, or for the whole answer of a non-streamed call, the
    /// wait for a concurrency slot included: the bound on how long a caller waits before it can fall back. Updates without
    /// output (a role-only chunk) do not end it.
    /// Defaults to 30 seconds; greater than zero and at most 24 days.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not greater than zero or is over 24 days.</exception>
    public TimeSpan FirstUpdateTimeout
    {
        get;
        set => field = CheckTimeout(value, nameof(FirstUpdateTimeout));
    } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets the longest time a stream may take, from its start (or from the start of its wait for a slot) to its
    /// last update (a non-streamed call is bounded by <see cref="FirstUpdateTimeout"/>: its answer is its first update);
    /// it also bounds how long a half-open circuit's trial call may take before another call tries instead.
    /// Defaults to 300 seconds; at least <see cref="FirstUpdateTimeout"/> and at most 24 days.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not greater than zero or is over 24 days.</exception>
    public TimeSpan TotalTimeout
    {
        get;
        set => field = CheckTimeout(value, nameof(TotalTimeout));
    } = TimeSpan.FromSeconds(300);

    /// <summary>
    /// Gets or sets the provider's request limit per minute, or <see langword="null"/> (the default) for none. The client
    /// enforces it with a sliding-window limiter of its own (six segments, no queue) unless <see cref="RequestRateLimiter"/>
    /// is set, in which case that limiter enforces the limit and this value only names it in messages. At least 1.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int? RequestsPerMinute
    {
        get;
        set => field = value is null or >= 1
            ? value
            : throw OutOfRange(nameof(RequestsPerMinute), value, "a whole number of 1 or more, or null for no limit");
    }

    /// <summary>
    /// Gets or sets the host's limiter of the provider's request rate, or <see langword="null"/> (the default) to use
    /// <see cref="RequestsPerMinute"/>. A call it does not grant a lease at once is refused with
    /// <see cref="ProviderUnavailableException"/>, never queued. The client does not dispose it.
    /// </summary>
    public RateLimiter? RequestRateLimiter { get; set; }

    /// <summary>
    /// Gets or sets the limiter of concurrent calls, or <see langword="null"/> (the default) for no limit. A call without a
    /// free slot queues on it for at most <see cref="FirstUpdateTimeout"/>; a full queue refuses it with
    /// <see cref="ProviderUnavailableException"/>. Share one limiter between clients to limit them together. The client does
    /// not dispose it.
    /// </summary>
    public RateLimiter? ConcurrencyLimiter { get; set; }

    /// <summary>
    /// Gets or sets how many calls within the 30-second sampling window the circuit breaker needs before their failure
    /// ratio (half or more failed) can open it. Defaults to 3; at least 2.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 2.</exception>
    public int CircuitMinimumThroughput
    {
        get;
        set => field = value >= 2 ? value : throw OutOfRange(nameof(CircuitMinimumThroughput), value, "a whole number of 2 or more");
    } = 3;

    /// <summary>Gets or sets how long an opened circuit refuses calls before one trial call may decide. Defaults to 30 seconds;
    /// at least 0.5 seconds and at most 1 day.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is under 0.5 seconds or over 1 day.</exception>
    public TimeSpan CircuitBreakDuration
    {
        get;
        set => field = value >= s_minBreak && value <= s_maxBreak
            ? value
            : throw OutOfRange(nameof(CircuitBreakDuration), value, "at least 0.5 seconds and at most 1 day");
    } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the object through which a host reads the circuit's state and can isolate or reset it, or
    /// <see langword="null"/> when nobody needs to. One per client.</summary>
    public ProviderCircuitStateProvider? CircuitStateProvider { get; set; }

    /// <summary>Gets or sets the clock of the time limits, the rate limit's window and the circuit breaker; the service
    /// provider's <see cref="System.TimeProvider"/> (through the builder extension), else <see cref="TimeProvider.System"/>,
    /// when <see langword="null"/>.</summary>
    public TimeProvider? TimeProvider { get; set; }

    /// <summary>Gets or sets the name of the setting <see cref="FirstUpdateTimeout"/> comes from (for example
    /// <c>API_TIMEOUT_SEC</c>), named in time-out messages so an operator knows what to change; the property's name when <see langword="null"/>.</summary>
    public string? FirstUpdateTimeoutSettingName { get; set; }

    /// <summary>Gets or sets the name of the setting <see cref="TotalTimeout"/> comes from, for messages; the property's name when <see langword="null"/>.</summary>
    public string? TotalTimeoutSettingName { get; set; }

    /// <summary>Gets or sets the name of the setting <see cref="RequestsPerMinute"/> comes from, for messages; the property's name when <see langword="null"/>.</summary>
    public string? RequestsPerMinuteSettingName { get; set; }

    /// <summary>Gets or sets the name of the setting of the <see cref="ConcurrencyLimiter"/>'s permit limit, for messages; the property's name when <see langword="null"/>.</summary>
    public string? ConcurrencySettingName { get; set; }

    /// <summary>Gets or sets the name of the setting of the <see cref="ConcurrencyLimiter"/>'s queue limit, for messages; the property's name when <see langword="null"/>.</summary>
    public string? QueueLimitSettingName { get; set; }

    /// <summary>Checks the values against each other, as the client does when it is created.</summary>
    internal void Validate()
    {
        if (TotalTimeout < FirstUpdateTimeout)
        {
            throw new ArgumentException(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"{nameof(ProviderResilienceOptions)}.{nameof(TotalTimeout)} ({TotalTimeoutSettingName ?? nameof(TotalTimeout)}) is {TotalTimeout.TotalSeconds:0.###} s; it must be at least {nameof(FirstUpdateTimeout)} ({FirstUpdateTimeoutSettingName ?? nameof(FirstUpdateTimeout)}), {FirstUpdateTimeout.TotalSeconds:0.###} s."),
                "options");
        }
    }

    private static TimeSpan CheckTimeout(TimeSpan value, string property) =>
        value > TimeSpan.Zero && value <= s_maxTimeout ? value : throw OutOfRange(property, value, "greater than zero and at most 24 days");

    private static ArgumentOutOfRangeException OutOfRange(string property, object? value, string range) =>
        new(property, value, $"{nameof(ProviderResilienceOptions)}.{property} must be {range}.");
}
