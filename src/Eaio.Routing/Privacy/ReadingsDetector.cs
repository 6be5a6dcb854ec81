using System.Buffers;
using System.Text.RegularExpressions;

namespace Eaio.Routing;

/// <summary>
/// Finds time series of readings: at least <see cref="MinimumReadings"/> timestamps, each with a value next to it, close
/// together, in whatever serialisation carries them. One building's consumption is CRITICAL.
/// </summary>
/// <remarks>
/// <para>
/// A reading is a timestamp and a number with only "glue" between them, in either order: separators, quotes, brackets,
/// arrows, units and up to a few key words (<c>"value":</c>, <c>kwh=</c>, <c>| kWh |</c>, <c>&lt;kwh&gt;</c>), but no end of
/// a sentence. That one rule covers CSV (quoted, semicolon, long format with a building column), JSON objects and
/// <c>[time, value]</c> pairs, dictionaries keyed by time, NDJSON, YAML, XML, logfmt, Markdown tables, log lines and prose
/// such as <c>at 08:00 the meter read 41.2</c>. Columns written apart (<c>{"timestamps": [...], "values": [...]}</c>, a
/// transposed CSV) count as many readings as the shorter of a run of timestamps and the run of numbers beside it.
/// Timestamps are those of <c>TimestampLexer</c>: ISO 8601, numeric dates, month names, times of day, epoch seconds
/// and milliseconds.
/// </para>
/// <para>
/// Readings belong to one series while fewer than <see cref="MaximumGap"/> characters separate them; each series with
/// enough readings is one span. Readings that make no series here are counted by <see cref="CountLooseReadings"/>, so a
/// request can add them up across its messages: a series split over turns is still a series. A log with timestamped
/// numbers is also a series: a false alarm keeps a request local, which costs less than sending a building's readings out.
/// </para>
/// </remarks>
public sealed partial class ReadingsDetector : ISensitiveDataDetector
{
    // Between a timestamp and its value: at most this many characters, and this many words (more where the glue is
    // structured, as in logfmt or JSON with a building and a meter key before the value).
    private const int MaximumGlue = 96;
    private const int MaximumGlueWords = 3;
    private const int MaximumStructuredGlueWords = 8;

    // A day's hourly values: fewer after one date are as often a record's columns (minimum, maximum, mean ...).
    private const int ProfileRowValues = 24;

    // Hours of a day on each row of a date-by-hour grid: a weather or tariff record has fewer columns (minimum, maximum,
    // mean, rain, wind, sun).
    private const int GridRowValues = 8;

    private static readonly SearchValues<char> Digits = SearchValues.Create("0123456789");

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
        _ = Run(text, spans);
    }

    /// <summary>
    /// Counts the readings in <paramref name="text"/> that belong to no series of their own (fewer than
    /// <see cref="MinimumReadings"/> close together), for a caller that adds them up over a whole request.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <returns>The number of readings outside any series.</returns>
    public int CountLooseReadings(ReadOnlySpan<char> text) => Run(text, null);

    /// <summary>Finds the series, reports them to <paramref name="spans"/> when given, and returns the loose readings.</summary>
    internal int Run(ReadOnlySpan<char> text, ICollection<SensitiveSpan>? spans)
    {
        if (text.IndexOfAny(Digits) < 0)
        {
            return 0;
        }

        Token[] tokens = ArrayPool<Token>.Shared.Rent(64);

        // Runs of digits are at least two characters apart (a digit and what ends it): sized so the pool array rarely grows.
        int[] runs = ArrayPool<int>.Shared.Rent(Math.Max(16, Math.Min(text.Length / 2, 1024)));
        try
        {
            int runCount = DigitRunStarts.Find(text, ref runs);
            int count = Lex(text, runs.AsSpan(0, runCount), ref tokens);
            int before = spans?.Count ?? 0;
            int loose = count < 2 ? 0 : FindSeries(text, tokens.AsSpan(0, count), spans);

            // A text that holds a series is CRITICAL already: series by label would change nothing, and cost about 1 µs
            // per 8 KB to look for.
            if (spans is not null && spans.Count == before)
            {
                LabelledReadings.Find(text, runs.AsSpan(0, runCount), spans);
            }

            return loose;
        }
        finally
        {
            ArrayPool<Token>.Shared.Return(tokens);
            ArrayPool<int>.Shared.Return(runs);
        }
    }

    /// <summary>
    /// Lexes the timestamps of the whole text, then the numbers only where a reading's value or a column beside a column
    /// of timestamps can be: near a timestamp. Most numbers of a prompt are nowhere near one, and a text without any
    /// timestamp costs one pass that looks at the character after each run of digits.
    /// </summary>
    private static int Lex(ReadOnlySpan<char> text, ReadOnlySpan<int> runs, ref Token[] tokens)
    {
        Token[] stamps = ArrayPool<Token>.Shared.Rent(32);
        try
        {
            int stampCount = LexTimestamps(text, runs, ref stamps);
            if (stampCount == 0)
            {
                return 0;
            }

            int count = 0;
            int lexedTo = 0;
            for (int k = 0; k < stampCount; k++)
            {
                Token stamp = stamps[k];
                if (k > 0)
                {
                    Token previous = stamps[k - 1];
                    lexedTo = LexNumbers(text, previous.End, Math.Min(stamp.Start, previous.End + NumberWindow), stamp.Start, ref tokens, ref count);
                }

                lexedTo = LexNumbers(text, Math.Max(lexedTo, stamp.Start - NumberWindow), stamp.Start, stamp.Start, ref tokens, ref count);
                Append(ref tokens, ref count, stamp);
                lexedTo = stamp.End;
            }

            Token last = stamps[stampCount - 1];
            _ = LexNumbers(text, last.End, Math.Min(text.Length, last.End + NumberWindow), text.Length, ref tokens, ref count);
            return count;
        }
        finally
        {
            ArrayPool<Token>.Shared.Return(stamps);
        }
    }

    // How far from a timestamp its value, or the start of a column of values, may be: more than the glue allows.
    private const int NumberWindow = 256;

    private static int LexTimestamps(ReadOnlySpan<char> text, ReadOnlySpan<int> runs, ref Token[] stamps)
    {
        int count = 0;
        int consumed = 0;
        foreach (int p in runs)
        {
            if (p < consumed)
            {
                continue;
            }

            if (!TimestampLexer.TryReadTimestamp(text, p, out int start, out int end))
            {
                if (p >= 5 && text[p - 1] == '(' && IsLoadProfileHeader(text, p, out end))
                {
                    consumed = end;
                    Append(ref stamps, ref count, new Token(p - 5, end, IsTimestamp: true));
                }

                continue;
            }

            consumed = end;
            if (TimestampLexer.IsLongPeriodOfDay(text[start..end]))
            {
                // The hours of a tariff period or an opening time: neither a reading's time nor its value.
                continue;
            }

            Append(ref stamps, ref count, new Token(start, end, IsTimestamp: true) { Minutes = TimestampLexer.TimeOfDayMinutes(text[start..end]) });
        }

        return count;
    }

    /// <summary>
    /// Lexes the numbers whose digits start in [<paramref name="from"/>, <paramref name="to"/>), then goes on past
    /// <paramref name="to"/> (up to <paramref name="limit"/>) while each next number follows the last within a list
    /// separator, so a whole column of values is read. Returns where lexing stopped.
    /// </summary>
    private static int LexNumbers(ReadOnlySpan<char> text, int from, int to, int limit, ref Token[] tokens, ref int count)
    {
        int i = from;
        int lastEnd = -1;
        while (i < limit)
        {
            int found = text[i..limit].IndexOfAny(Digits);
            if (found < 0)
            {
                return limit;
            }

            int p = i + found;
            if (p >= to && (lastEnd < 0 || p - lastEnd > 12))
            {
                return p;
            }

            int run = TimestampLexer.DigitRun(text, p);
            if (p > 0 && char.IsAsciiDigit(text[p - 1]))
            {
                i = p + run;
                continue;
            }

            if (!TimestampLexer.TryReadNumber(text, p, out int start, out int end))
            {
                i = p + Math.Max(1, run);
                continue;
            }

            Append(ref tokens, ref count, new Token(start, end, IsTimestamp: false));
            lastEnd = end;
            i = Math.Max(end, p + 1);
        }

        return Math.Max(i, from);
    }

    private static void Append(ref Token[] tokens, ref int count, Token token)
    {
        if (count == tokens.Length)
        {
            Token[] larger = ArrayPool<Token>.Shared.Rent(tokens.Length * 2);
            tokens.AsSpan().CopyTo(larger);
            ArrayPool<Token>.Shared.Return(tokens);
            tokens = larger;
        }

        tokens[count++] = token;
    }

    private int FindSeries(ReadOnlySpan<char> text, ReadOnlySpan<Token> tokens, ICollection<SensitiveSpan>? spans)
    {
        int loose = 0;
        int seriesStart = -1;
        int seriesEnd = -1;
        int readings = 0;
        int lastMinutes = -1;
        int direction = 0; // +1 oldest first, -1 newest first, 0 not known yet
        int previousEnd = 0;

        void Add(ReadOnlySpan<char> text, int start, int end, int n, int minutes = -1)
        {
            if (readings > 0 && start - seriesEnd > MaximumGap)
            {
                loose += Close(text, previousEnd, seriesStart, seriesEnd, readings, spans);
                previousEnd = seriesEnd;
                readings = 0;
                lastMinutes = -1;
                direction = 0;
            }

            if (minutes >= 0)
            {
                // Times of day without a date are a series only in time order, oldest or newest first (wrapping once past
                // midnight): periods of a tariff or a schedule (21:00-14:00, 16:00-21:00, 00:00-06:00) come in any
                // order, a meter's readings do not.
                if (lastMinutes >= 0 && minutes != lastMinutes)
                {
                    int step = minutes > lastMinutes ? 1 : -1;
                    bool wraps = step == -1 ? lastMinutes >= 20 * 60 && minutes <= 4 * 60 : lastMinutes <= 4 * 60 && minutes >= 20 * 60;
                    if (wraps)
                    {
                        step = -step;
                    }

                    if (direction != 0 && step != direction)
                    {
                        // Out of order: what came before was a schedule or a roster, not a meter's series; start again here.
                        seriesStart = start;
                        seriesEnd = end;
                        readings = n;
                        lastMinutes = minutes;
                        direction = 0;
                        return;
                    }

                    direction = step;
                }

                lastMinutes = minutes;
            }

            if (readings == 0)
            {
                seriesStart = start;
                seriesEnd = end;
            }

            seriesStart = Math.Min(seriesStart, start);
            seriesEnd = Math.Max(seriesEnd, end);
            readings += n;
        }

        int k = 0;
        int gridRow = -1; // the token a row of a date-by-hour grid ended before: the next row may be one too
        while (k < tokens.Length)
        {
            Token token = tokens[k];
            if (!token.IsTimestamp)
            {
                k++;
                continue;
            }

            // Columns written apart: a run of timestamps with nothing between them, then a run of numbers (or the reverse).
            int timestampRun = Run(text, tokens, k, timestamps: true);
            if (timestampRun >= 2)
            {
                int after = k + timestampRun;
                int numbersAfter = after < tokens.Length && IsGlue(text, tokens[after - 1].End, tokens[after].Start)
                    ? Run(text, tokens, after, timestamps: false)
                    : 0;
                int numbersBefore = k > 0 && IsGlue(text, tokens[k - 1].End, token.Start)
                    ? RunBackwards(text, tokens, k - 1)
                    : 0;
                int numbers = Math.Max(numbersAfter, numbersBefore);
                if (numbers >= 2)
                {
                    int first = numbersBefore >= numbersAfter ? k - numbersBefore : k;
                    int last = numbersBefore >= numbersAfter ? after - 1 : after + numbersAfter - 1;

                    // A start and an end with a profile's values after them (Graphite's raw "name,start,end,step|v,v,v…")
                    // are a series of its own; other columns pair up.
                    bool startAndEnd = timestampRun == 2 && numbersAfter >= LoadProfileMinimum && numbersAfter > numbersBefore;
                    Add(text, tokens[first].Start, tokens[last].End, startAndEnd ? numbersAfter : Math.Min(timestampRun, numbers));
                    k = last + 1;
                    continue;
                }
            }

            if (timestampRun >= 2)
            {
                // A run of timestamps with no column beside it: only its first can have a value before it and only its last
                // a value after it; the middle is skipped whole, so a long list of dates costs one pass.
                if (k > 0 && !tokens[k - 1].IsTimestamp && IsGlue(text, tokens[k - 1].End, token.Start))
                {
                    Add(text, tokens[k - 1].Start, token.End, 1, token.Minutes);
                }

                k += timestampRun - 1;
                token = tokens[k];
                if (k + 1 < tokens.Length && !tokens[k + 1].IsTimestamp && IsGlue(text, token.End, tokens[k + 1].Start))
                {
                    Add(text, token.Start, tokens[k + 1].End, 1, token.Minutes);
                    k += 2;
                    continue;
                }

                k++;
                continue;
            }

            // A start time, an interval, then bare values: a load profile.
            int profileValues = LoadProfileValues(text, tokens, k, out int profileLast);
            if (profileValues > 0)
            {
                Add(text, token.Start, tokens[profileLast].End, profileValues);
                k = profileLast + 1;
                continue;
            }

            // A timestamp and the value just after it, or just before it (41.2 kWh at 08:00).
            if (k + 1 < tokens.Length && !tokens[k + 1].IsTimestamp && IsGlue(text, token.End, tokens[k + 1].Start))
            {
                // A day's profile on one row, as suppliers send half-hourly and hourly data (a date, then HH01..HH48): one
                // timestamp and a column of at least a day's hourly values, each a reading. Rows of a date-by-hour grid (a
                // pivot table of some hours) are shorter, so two or more such rows in a row count too.
                int profile = Run(text, tokens, k + 1, timestamps: false);
                if (profile >= ProfileRowValues
                    || (profile >= GridRowValues && (gridRow == k || IsGridRow(text, tokens, k + 1 + profile))))
                {
                    gridRow = k + 1 + profile;
                    Add(text, token.Start, tokens[k + profile].End, profile, token.Minutes);
                    k += 1 + profile;
                    continue;
                }

                Add(text, token.Start, tokens[k + 1].End, 1, token.Minutes);
                k += 2;
                continue;
            }

            if (k > 0 && !tokens[k - 1].IsTimestamp && IsGlue(text, tokens[k - 1].End, token.Start))
            {
                Add(text, tokens[k - 1].Start, token.End, 1, token.Minutes);
            }

            k++;
        }

        if (readings > 0)
        {
            loose += Close(text, previousEnd, seriesStart, seriesEnd, readings, spans);
        }

        return loose;
    }

    private int Close(ReadOnlySpan<char> text, int previousEnd, int start, int end, int readings, ICollection<SensitiveSpan>? spans)
    {
        int windowStart = Math.Max(previousEnd, start - AggregateWindow);
        int paragraph = text[windowStart..start].LastIndexOf("\n\n", StringComparison.Ordinal);
        if (IsStatedAggregate(text[(paragraph < 0 ? windowStart : windowStart + paragraph + 2)..start]))
        {
            // Said to be an aggregate over many buildings: not one building's consumption.
            return 0;
        }

        if (readings < MinimumReadings)
        {
            return readings;
        }

        spans?.Add(new SensitiveSpan(start, end - start, EntityTypes.Readings, readings >= 2 * MinimumReadings ? 0.95 : 0.8));
        return 0;
    }

    // Values after one start time that make a load profile: two hours of quarter-hours.
    private const int LoadProfileMinimum = 8;

    /// <summary>
    /// The values of a load profile that starts at the timestamp <paramref name="k"/>: an IEC 62056-21 profile header
    /// (<c>P.01(…)</c>) or a timestamp with an interval written near it (<c>interval=15min</c>, <c>every 15 minutes</c>,
    /// <c>PT15M</c>, <c>step 900 s</c>), then at least <see cref="LoadProfileMinimum"/> numbers with no timestamp among them,
    /// each close to the one before. Returns 0 when there is none.
    /// </summary>
    private static int LoadProfileValues(ReadOnlySpan<char> text, ReadOnlySpan<Token> tokens, int k, out int last)
    {
        last = k;

        // Most timestamps have a value or two after them and the next timestamp soon: counted before any text is read.
        if (k + LoadProfileMinimum >= tokens.Length)
        {
            return 0;
        }

        for (int j = k + 1; j <= k + LoadProfileMinimum; j++)
        {
            if (tokens[j].IsTimestamp)
            {
                return 0;
            }
        }

        Token stamp = tokens[k];
        int n = 0;
        int end = stamp.End;
        for (int j = k + 1; j < tokens.Length && !tokens[j].IsTimestamp; j++)
        {
            // The header's fields may stand between the start and the values: "(1.5.0)(kW)(2.5.0)(kW)", "unit=kWh values=".
            ReadOnlySpan<char> gap = text[end..tokens[j].Start];
            if (gap.Length > (n == 0 ? MaximumGlue : 40) || gap.Contains(". ", StringComparison.Ordinal) || gap.Contains("\n\n", StringComparison.Ordinal)
                || gap.Contains("\r\n\r\n", StringComparison.Ordinal) || (n == 0 && !IsGlue(text, end, tokens[j].Start)))
            {
                break;
            }

            n++;
            end = tokens[j].End;
            last = j;
        }

        if (n < LoadProfileMinimum)
        {
            return 0;
        }

        // A profile's values are measurements, not a count: 101, 102, 103 … are room numbers or an enumeration.
        bool counting = true;
        for (int j = k + 2; j <= last && counting; j++)
        {
            counting = int.TryParse(text[tokens[j].Start..tokens[j].End], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int value)
                && int.TryParse(text[tokens[j - 1].Start..tokens[j - 1].End], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int previous)
                && value == previous + 1;
        }

        if (counting)
        {
            return 0;
        }

        bool header = text[stamp.Start] == 'P' || (stamp.Start >= 5 && text[stamp.Start - 1] == '(' && text[stamp.Start - 5] == 'P' && text[stamp.Start - 4] == '.');
        int lineStart = text[..stamp.Start].LastIndexOf('\n') + 1;
        int from = Math.Max(lineStart, stamp.Start - 80);
        return header || HasInterval(text[from..Math.Min(tokens[k + 1].Start + 24, text.Length)]) ? n : 0;
    }

    private static readonly string[] IntervalWords =
    [
        "interval", "intervall", "step", "resolution", "period", "every", "granularity", "frequency", "minutes", "minute",
        "hourly", "quarter-hour", "half-hour", "half-hourly", "pas", "takt", "raster", "pt15m", "pt30m", "pt1h", "pt5m",
        "pt10m", "pt60m",
    ];

    private static bool HasInterval(ReadOnlySpan<char> window)
    {
        // "15min", "15 min": "min" alone is as often a minimum ("min 1.2, max 8.5").
        int min = window.IndexOf("min", StringComparison.OrdinalIgnoreCase);
        if (min > 0 && (char.IsAsciiDigit(window[min - 1]) || (min > 1 && window[min - 1] == ' ' && char.IsAsciiDigit(window[min - 2]))))
        {
            return true;
        }

        foreach (string word in IntervalWords)
        {
            int at = window.IndexOf(word, StringComparison.OrdinalIgnoreCase);
            if (at >= 0 && (at == 0 || !char.IsLetter(window[at - 1])) && (at + word.Length >= window.Length || !char.IsLetter(window[at + word.Length])))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// An IEC 62056-21 load profile header, <c>P.01(</c> and the profile's start (ZYYMMDDhhmm, with or without seconds),
    /// whose digits start at <paramref name="p"/>; <paramref name="end"/> is past the closing parenthesis.
    /// </summary>
    private static bool IsLoadProfileHeader(ReadOnlySpan<char> text, int p, out int end)
    {
        end = p;
        if (text[p - 5] != 'P' || text[p - 4] != '.' || !char.IsAsciiDigit(text[p - 3]) || !char.IsAsciiDigit(text[p - 2])
            || (p > 5 && char.IsLetterOrDigit(text[p - 6])))
        {
            return false;
        }

        int run = TimestampLexer.DigitRun(text, p);
        if (run is < 10 or > 13 || p + run >= text.Length || text[p + run] != ')')
        {
            return false;
        }

        end = p + run + 1;
        return true;
    }

    /// <summary>Whether a timestamp at <paramref name="k"/> starts a row of at least <see cref="GridRowValues"/> values.</summary>
    private static bool IsGridRow(ReadOnlySpan<char> text, ReadOnlySpan<Token> tokens, int k) =>
        k + 1 < tokens.Length && tokens[k].IsTimestamp && !tokens[k + 1].IsTimestamp && IsGlue(text, tokens[k].End, tokens[k + 1].Start)
        && Run(text, tokens, k + 1, timestamps: false) >= GridRowValues;

    /// <summary>How many tokens of one kind follow each other from <paramref name="k"/> with only separators between them.</summary>
    private static int Run(ReadOnlySpan<char> text, ReadOnlySpan<Token> tokens, int k, bool timestamps)
    {
        int n = 0;
        while (k + n < tokens.Length && tokens[k + n].IsTimestamp == timestamps
               && (n == 0 || IsSeparator(text, tokens[k + n - 1].End, tokens[k + n].Start)))
        {
            n++;
        }

        return n;
    }

    private static int RunBackwards(ReadOnlySpan<char> text, ReadOnlySpan<Token> tokens, int k)
    {
        int n = 0;
        while (k - n >= 0 && !tokens[k - n].IsTimestamp
               && (n == 0 || IsSeparator(text, tokens[k - n].End, tokens[k - n + 1].Start)))
        {
            n++;
        }

        return n;
    }

    /// <summary>Whether only a list separator (<c>", "</c>, <c>,</c>, a line break) lies between two tokens of a column.</summary>
    private static bool IsSeparator(ReadOnlySpan<char> text, int from, int to)
    {
        if (to - from > 12)
        {
            return false;
        }

        for (int i = from; i < to; i++)
        {
            if (char.IsLetterOrDigit(text[i]) && !TimestampLexer.IsEscapeLetter(text, i))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Whether what lies between a timestamp and a number binds them: short, no end of a sentence, and few words.
    /// </summary>
    private static bool IsGlue(ReadOnlySpan<char> text, int from, int to)
    {
        if (to - from > MaximumGlue)
        {
            return false;
        }

        int words = 0;
        bool structured = false;
        int i = from;
        while (i < to)
        {
            char c = text[i];
            if (char.IsLetterOrDigit(c) || c == '_')
            {
                if (TimestampLexer.IsEscapeLetter(text, i))
                {
                    i++;
                    continue;
                }

                words++;
                while (i < to && (char.IsLetterOrDigit(text[i]) || text[i] is '_' or '-' or '.' && i + 1 < to && char.IsLetterOrDigit(text[i + 1])))
                {
                    i++;
                }

                continue;
            }

            switch (c)
            {
                case '.' or '!' or '?' when i + 1 >= to || char.IsWhiteSpace(text[i + 1]):
                    // The end of a sentence: what follows is about something else.
                    if (c != '.' || (i > from && char.IsLetter(text[i - 1])))
                    {
                        return false;
                    }

                    break;
                case '=' or ':' or '"' or '<' or '|' or '\t' or '{':
                    structured = true;
                    break;
            }

            i++;
        }

        return words <= (structured ? MaximumStructuredGlueWords : MaximumGlueWords);
    }

    /// <summary>
    /// Whether the text just before a series, in its own paragraph, says it is an aggregate over many buildings ("average weekday load across our
    /// portfolio of 280 offices", "median of all sites") and names no building id (<c>Site_usage_Name</c>) after saying so.
    /// </summary>
    /// <remarks>
    /// The seed's CRITICAL class is one building's consumption; a portfolio's average profile is the benign aggregate the
    /// energy team asks about most. Both an aggregate word and a many-building scope must be written, in the few hundred
    /// characters before the series, so a building's own series introduced by "average" alone still counts.
    /// </remarks>
    internal static bool IsStatedAggregate(ReadOnlySpan<char> before)
    {
        if (before.IsEmpty || !AggregateWord().IsMatch(before))
        {
            return false;
        }

        int scope = -1;
        foreach (ValueMatch match in ManyBuildings().EnumerateMatches(before))
        {
            scope = match.Index + match.Length;
        }

        return scope >= 0 && !BuildingLikeId().IsMatch(before[scope..]);
    }

    private const int AggregateWindow = 400;

    [GeneratedRegex(@"\b(?:average[ds]?|averaging|mean|median|aggregated?|typical|normali[sz]ed|portfolio-wide|fleet-wide|sum of|total of|per-building average)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex AggregateWord();

    [GeneratedRegex(@"\b(?:across|over|for|of|from)\s+(?:(?:all|our|the|every|entire|whole|[0-9][0-9,]*)\s+)*(?:portfolio|estate|fleet|(?:[a-z]+\s+)?(?:buildings|sites|offices|stores|schools|campuses|hotels|hospitals|properties|facilities|branches))\b(?!['’]s)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex ManyBuildings();

    [GeneratedRegex(@"\b[A-Za-z]+_[A-Za-z]+_[A-Za-z]+\b", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex BuildingLikeId();

    private readonly record struct Token(int Start, int End, bool IsTimestamp)
    {
        /// <summary>Gets the minutes since midnight of a time of day written without a date, or -1.</summary>
        public int Minutes { get; init; } = -1;
    }
}
