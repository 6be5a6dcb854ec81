using System.Globalization;

namespace Eaio.Routing;

/// <summary>
/// Counts one provider's calls whose output passed the limit they were sent with (reported above it, or a stream cut for
/// running past it): a provider that keeps doing it spends beyond every hold, so after <see cref="ExclusionThreshold"/>
/// such calls the router leaves it out of plans until a host calls <see cref="Reset"/>.
/// </summary>
/// <remarks>The count is this process's own: it starts at 0 on every start, and each process sharing a ledger counts its own calls.</remarks>
public sealed class OutputLimitOverruns
{
    /// <summary>The default <see cref="ExclusionThreshold"/>: one overrun can be a provider's glitch, three are a habit.</summary>
    public const int DefaultExclusionThreshold = 3;

    private int _count;
    private int _threshold = DefaultExclusionThreshold;

    /// <summary>Gets or sets how many overruns take the provider out of plans (<c>OUTPUT_OVERRUNS_BEFORE_EXCLUSION</c>, default 3).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1.</exception>
    public int ExclusionThreshold
    {
        get => _threshold;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _threshold = value;
        }
    }

    /// <summary>Gets how many calls overran their output limit since the start or the last <see cref="Reset"/>.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Gets a value indicating whether the provider is left out of plans.</summary>
    public bool IsExcluded => Count >= _threshold;

    /// <summary>Starts counting again from 0, which brings an excluded provider back into plans.</summary>
    public void Reset() => Interlocked.Exchange(ref _count, 0);

    /// <summary>Counts one overrun.</summary>
    internal void Record() => Interlocked.Increment(ref _count);

    /// <summary>Why plans leave the provider out, or <see langword="null"/> while they do not.</summary>
    internal string? ExclusionReason(string provider) => IsExcluded
        ? string.Create(CultureInfo.InvariantCulture, $"{Count} calls used more output than the limit they were sent with (OUTPUT_OVERRUNS_BEFORE_EXCLUSION={_threshold}); excluded until the host calls ResetOutputLimitOverruns(\"{provider}\")")
        : null;
}
