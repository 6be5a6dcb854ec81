using System.Buffers;
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
    private static readonly SearchValues<char> TimestampSeparators = SearchValues.Create(":/-");

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
        int resume = 0;
        while (TryMatchReading(text, ref resume, out ValueMatch match))
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

    /// <summary>
    /// Finds the next match at or after <paramref name="resume"/>, the same one that enumerating the regex over the whole
    /// text gives, without trying the regex at every digit.
    /// </summary>
    /// <remarks>
    /// Every timestamp form has a '-', '/' or ':' between two digits right after its first run of digits
    /// (<c>2016-</c>, <c>3/</c>, <c>08:</c>), and the lookbehind lets a match start only where a run of digits starts. So
    /// for each such separator, found with a vectorised search, the one possible start is the start of the digits before
    /// it, and the anchored regex is tried there alone.
    /// </remarks>
    private static bool TryMatchReading(ReadOnlySpan<char> text, ref int resume, out ValueMatch match)
    {
        int from = resume;
        while (from < text.Length)
        {
            int found = text[from..].IndexOfAny(TimestampSeparators);
            if (found < 0)
            {
                break;
            }

            int x = from + found;
            from = x + 1;

            // \d in the regex is any Unicode decimal digit, as char.IsDigit.
            if (x == 0 || x + 1 >= text.Length || !char.IsDigit(text[x - 1]) || !char.IsDigit(text[x + 1]))
            {
                continue;
            }

            int start = x - 1;
            while (start > 0 && char.IsDigit(text[start - 1]))
            {
                start--;
            }

            // A start inside the previous match is one the whole-text enumeration never tries.
            if (start < resume)
            {
                continue;
            }

            foreach (ValueMatch next in ReadingPattern().EnumerateMatches(text, start))
            {
                match = next;
                resume = next.Index + next.Length;
                return true;
            }
        }

        match = default;
        return false;
    }

    private void Report(int start, int end, int count, ICollection<SensitiveSpan> spans)
    {
        if (count >= MinimumReadings)
        {
            spans.Add(new SensitiveSpan(start, end - start, EntityTypes.Readings, count >= 2 * MinimumReadings ? 0.95 : 0.8));
        }
    }

    // Anchored (\G) at the start given to EnumerateMatches (see TryMatchReading). The timestamp is atomic so "2016-03-01 00:00:00,," cannot backtrack into "2016-03-01" followed by the value "00".
    [GeneratedRegex(
        @"\G(?<![\w.:/-])(?>\d{4}-\d{2}-\d{2}(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?|\d{1,2}/\d{1,2}/\d{4}(?:,?\s\d{1,2}:\d{2}(?::\d{2})?(?:\s?[AaPp][Mm])?)?|\d{1,2}:\d{2}(?::\d{2})?(?:\s?[AaPp][Mm])?)[ \t,;|=:]+-?\d+(?:\.\d+)?(?![\d:/-])",
        RegexOptions.CultureInvariant,
        matchTimeoutMilliseconds: 1000)]
    private static partial Regex ReadingPattern();
}
