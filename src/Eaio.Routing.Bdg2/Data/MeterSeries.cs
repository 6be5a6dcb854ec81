namespace Eaio.Routing;

/// <summary>One building's hourly readings of one meter: naive local timestamps and values, <see cref="double.NaN"/> where missing.</summary>
public sealed class MeterSeries
{
    private readonly DateTime[] _timestamps;
    private readonly double[] _values;

    /// <summary>Initializes a new instance of the <see cref="MeterSeries"/> class.</summary>
    /// <param name="buildingId">The building id.</param>
    /// <param name="meter">The meter type.</param>
    /// <param name="timeZone">The site's time zone, in which the timestamps are local time.</param>
    /// <param name="timestamps">The naive local timestamps, ascending.</param>
    /// <param name="values">The readings, <see cref="double.NaN"/> where missing; as many as timestamps.</param>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public MeterSeries(string buildingId, MeterType meter, TimeZoneInfo timeZone, IReadOnlyList<DateTime> timestamps, IReadOnlyList<double> values)
    {
        ArgumentException.ThrowIfNullOrEmpty(buildingId);
        ArgumentNullException.ThrowIfNull(timeZone);
        ArgumentNullException.ThrowIfNull(timestamps);
        ArgumentNullException.ThrowIfNull(values);
        if (timestamps.Count != values.Count)
        {
            throw new ArgumentException($"{timestamps.Count} timestamps but {values.Count} values.", nameof(values));
        }

        BuildingId = buildingId;
        Meter = meter;
        TimeZone = timeZone;
        _timestamps = [.. timestamps];
        _values = [.. values];
    }

    /// <summary>Gets the building id.</summary>
    public string BuildingId { get; }

    /// <summary>Gets the meter type.</summary>
    public MeterType Meter { get; }

    /// <summary>Gets the unit of the values (see <see cref="MeterTypes.Unit(MeterType)"/>).</summary>
    public string Unit => MeterTypes.Unit(Meter);

    /// <summary>Gets the site's time zone.</summary>
    public TimeZoneInfo TimeZone { get; }

    /// <summary>Gets the naive local timestamps (<see cref="DateTimeKind.Unspecified"/>).</summary>
    public IReadOnlyList<DateTime> Timestamps => _timestamps;

    /// <summary>Gets the readings, <see cref="double.NaN"/> where missing.</summary>
    public IReadOnlyList<double> Values => _values;

    /// <summary>Gets the number of hours.</summary>
    public int Count => _values.Length;

    internal ReadOnlySpan<DateTime> TimestampSpan => _timestamps;

    internal ReadOnlySpan<double> ValueSpan => _values;

    /// <summary>
    /// Gets the instant of a reading: its local timestamp with the site's offset. BDG2 keeps 24 rows every day, so at the
    /// spring-forward hour (which does not exist locally) and the repeated fall-back hour the standard offset is used.
    /// </summary>
    /// <param name="index">The reading's index.</param>
    /// <returns>The timestamp with its UTC offset.</returns>
    public DateTimeOffset GetInstant(int index)
    {
        DateTime local = _timestamps[index];
        TimeSpan offset = TimeZone.IsInvalidTime(local) || TimeZone.IsAmbiguousTime(local) ? TimeZone.BaseUtcOffset : TimeZone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset);
    }

    /// <summary>Gets the readings from <paramref name="from"/> (inclusive) to <paramref name="to"/> (exclusive), local time.</summary>
    /// <param name="from">The first local hour, or <see langword="null"/> for the start.</param>
    /// <param name="to">The local hour after the last, or <see langword="null"/> for the end.</param>
    /// <returns>The readings of the period.</returns>
    public MeterSeries Slice(DateTime? from, DateTime? to)
    {
        int start = from is { } f ? LowerBound(f) : 0;
        int end = to is { } t ? LowerBound(t) : _values.Length;
        if (end < start)
        {
            end = start;
        }

        return new MeterSeries(BuildingId, Meter, TimeZone, _timestamps[start..end], _values[start..end]);
    }

    private int LowerBound(DateTime value)
    {
        int index = Array.BinarySearch(_timestamps, value);
        return index >= 0 ? index : ~index;
    }
}
