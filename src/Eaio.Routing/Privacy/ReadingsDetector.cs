using System.Text.RegularExpressions;

namespace Eaio.Routing;

/// <summary>
/// Finds time series of readings: at least <see cref="MinimumReadings"/> timestamps each followed by a number
/// (<c>2016-03-01 00:00:00,12.5</c>, <c>08:00 41.2 kWh</c>), close together. One building's consumption is CRITICAL.
/// </summary>
/// <remarks>
/// <para>
/// Timestamps are ISO 8601 dates with optional times (<c>2016-03-01</c>, <c>2016-03-01T00:00:00Z</c>),
/// US dates (<c>3/1/2016 14:00</c>) and times of day (<c>08:00</c>, <c>08:00:30</c>). The number may follow
/// empty CSV cells (<c>2016-03-01 00:00:00,,,4.2</c>).
/// </para>
/// <para>
/// Readings belong to one series while fewer than <see cref="MaximumGap"/> characters separate them; each series with
/// enough readings is one span. A log with timestamped numbers (an access log with status codes) is also a series:
/// a false alarm here keeps a request local, which costs less than sending a building's readings out.
/// </para>
/// </remarks>
public sealed partial class ReadingsDetector : ISensitiveDataDetector
{
    /// <summary>Initializes a new instance of the <see cref="ReadingsDetector"/> class.</summary>
    /// <param name="minimumReadings">How many timestamp/value pairs make a series; at least 2.</param>
    /// <param name="maximumGap">How many characters may separate two readings of one series.</param>
    public ReadingsDetector(int minimumReadings = 3, int maximumGap = 200)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(minimumReadings, 2);
        ArgumentOutOfRangeException.ThrowIfNegative(maximumGap);
        MinimumReadings = minimumReadings;
        MaximumGap = maximumGap;
    }

    /// <summary>Gets how many timestamp/value pairs make a series.</summary>
    public int MinimumReadings { get; }

    /// <summary>Gets how many characters may separate two readings of one series.</summary>
    public int MaximumGap { get; }

    /// <inheritdoc />
    public void Detect(ReadOnlySpan<char> text, ICollection<SensitiveSpan> spans)
    {
        ArgumentNullException.ThrowIfNull(spans);
        int seriesStart = -1;
        int seriesEnd = -1;
        int count = 0;
        foreach (ValueMatch match in ReadingPattern().EnumerateMatches(text))
        {
            if (count > 0 && match.Index - seriesEnd > MaximumGap)
            {
                Report(seriesStart, seriesEnd, count, spans);
                count = 0;
            }

            if (count == 0)
            {
                seriesStart = match.Index;
            }

            seriesEnd = match.Index + match.Length;
            count++;
        }

        if (count > 0)
        {
            Report(seriesStart, seriesEnd, count, spans);
        }
    }

    private void Report(int start, int end, int count, ICollection<SensitiveSpan> spans)
    {
        if (count >= MinimumReadings)
        {
            spans.Add(new SensitiveSpan(start, end - start, EntityTypes.Readings, count >= 2 * MinimumReadings ? 0.95 : 0.8));
        }
    }

    // The timestamp is atomic so "2016-03-01 00:00:00,," cannot backtrack into "2016-03-01" followed by the value "00".
    [GeneratedRegex(
        @"(?<![\w.:/-])(?>\d{4}-\d{2}-\d{2}(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?|\d{1,2}/\d{1,2}/\d{4}(?:,?\s\d{1,2}:\d{2}(?::\d{2})?(?:\s?[AaPp][Mm])?)?|\d{1,2}:\d{2}(?::\d{2})?(?:\s?[AaPp][Mm])?)[ \t,;|=:]+-?\d+(?:\.\d+)?(?![\d:/-])",
        RegexOptions.CultureInvariant,
        matchTimeoutMilliseconds: 1000)]
    private static partial Regex ReadingPattern();
}
