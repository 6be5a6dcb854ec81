namespace Eaio.Routing;

/// <summary>
/// Finds series of readings keyed by an ordinal label instead of a timestamp: an hour of the day as an index
/// (<c>hour,kwh\n0,12.3\n1,11.8</c>), a weekday (<c>Mon 120 kWh, Tue 131 kWh</c>) or a month (<c>Jan: 1234, Feb: 1100</c>),
/// in rows, in prose, or across the columns of a header row with the values on the row below.
/// </summary>
/// <remarks>
/// <para>
/// The labels must follow each other in order (0, 1, 2 …; Mon, Tue …; Jan, Feb …), each with a value, and an energy word
/// or unit must be written near the series (<c>kWh</c>, <c>consumption</c>, <c>load</c>): a week's opening hours, a
/// month's degree days or a public station's weather is no building's consumption, and a series that says it is
/// degree days or an aggregate over many buildings is left out.
/// </para>
/// <para>
/// Cost: <see cref="ReadingsDetector"/> passes the digit runs it has found anyway; a series needs four values within a
/// short stretch, so runs with fewer digit runs close behind them are passed with one comparison, and only the few dense
/// stretches of a prompt are read (prose has a digit run every thirty characters or so, a series one every few).
/// </para>
/// </remarks>
internal static class LabelledReadings
{
    private const int MinimumPairs = 4;
    private const int DenseWindow = 64;
    private const int MaximumPairGap = 80;

    private static readonly string[][] Weekdays =
    [
        ["mon", "monday", "mo", "montag", "lun", "lundi", "lunes", "ma", "maandag"],
        ["tue", "tues", "tuesday", "tu", "di", "dienstag", "mar", "mardi", "martes", "dinsdag"],
        ["wed", "wednesday", "we", "mi", "mittwoch", "mer", "mercredi", "mié", "miércoles", "wo", "woensdag"],
        ["thu", "thur", "thurs", "thursday", "th", "do", "donnerstag", "jeu", "jeudi", "jue", "jueves", "donderdag"],
        ["fri", "friday", "fr", "freitag", "ven", "vendredi", "vie", "viernes", "vrijdag"],
        ["sat", "saturday", "sa", "samstag", "sam", "samedi", "sáb", "sábado", "zaterdag", "za"],
        ["sun", "sunday", "su", "so", "sonntag", "dim", "dimanche", "dom", "domingo", "zondag", "zo"],
    ];

    private static readonly string[][] Months =
    [
        ["jan", "january", "januar", "janvier", "janv", "enero", "ene", "januari"],
        ["feb", "february", "februar", "février", "févr", "fev", "febrero", "februari"],
        ["mar", "march", "märz", "maerz", "mars", "marzo", "maart", "mär"],
        ["apr", "april", "avril", "avr", "abril", "abr"],
        ["may", "mai", "mayo", "mei"],
        ["jun", "june", "juni", "juin", "junio"],
        ["jul", "july", "juli", "juillet", "juil", "julio"],
        ["aug", "august", "août", "agosto", "ago", "augustus"],
        ["sep", "sept", "september", "septembre", "septiembre"],
        ["oct", "october", "oktober", "okt", "octobre", "octubre"],
        ["nov", "november", "novembre", "noviembre"],
        ["dec", "december", "dezember", "dez", "décembre", "déc", "diciembre", "dic"],
    ];

    // Every name with its kind and index, looked up once per word (a hash, not a comparison with each name).
    private static readonly System.Collections.Frozen.FrozenDictionary<string, (Kind Kind, int Index)>.AlternateLookup<ReadOnlySpan<char>> Names = BuildNames();

    private static System.Collections.Frozen.FrozenDictionary<string, (Kind Kind, int Index)>.AlternateLookup<ReadOnlySpan<char>> BuildNames()
    {
        Dictionary<string, (Kind, int)> names = new(StringComparer.OrdinalIgnoreCase);
        for (int k = 0; k < Weekdays.Length; k++)
        {
            foreach (string name in Weekdays[k])
            {
                names[name] = (Kind.Weekday, k);
            }
        }

        // Months last: a name of both ("mar", mardi and March) starts a series as a month.
        for (int k = 0; k < Months.Length; k++)
        {
            foreach (string name in Months[k])
            {
                names[name] = (Kind.Month, k);
            }
        }

        return System.Collections.Frozen.FrozenDictionary.ToFrozenDictionary(names, StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();
    }

    private static readonly string[] HourWords = ["hour", "hours", "hr", "h", "hh", "stunde", "std", "heure", "hora", "ora", "uur", "hour_of_day", "hod"];

    // Said near a series, these make it a building's energy (units and consumption words, not "energy" or "power", which
    // prose about anything in the field holds); degree days and weather say otherwise.
    private static readonly string[] EnergyWords =
    [
        "kwh", "mwh", "wh", "kw", "kvarh", "kva", "therm", "therms", "m³", "m3", "consumption", "usage", "load", "demand",
        "verbrauch", "consommation", "consumo", "readings", "reading", "import", "export",
    ];

    private enum Kind
    {
        None,
        Hour,
        Weekday,
        Month,
    }

    /// <summary>Finds the series and reports them to <paramref name="spans"/> when given.</summary>
    public static void Find(ReadOnlySpan<char> text, ReadOnlySpan<int> runs, ICollection<SensitiveSpan>? spans)
    {
        int r = 0;
        int last = runs.Length - MinimumPairs;
        while (r <= last)
        {
            // One comparison passes most runs of prose: a series has four values close together.
            if (runs[r + MinimumPairs - 1] - runs[r] > DenseWindow || !MayPair(text, runs, r))
            {
                r++;
                continue;
            }

            int next = TrySeries(text, runs, r, spans);
            r = next > r ? next : r + 1;
        }
    }

    /// <summary>Tries a series from run <paramref name="r"/>; returns the run after it, or <paramref name="r"/> when there is none.</summary>
    private static int TrySeries(ReadOnlySpan<char> text, ReadOnlySpan<int> runs, int r, ICollection<SensitiveSpan>? spans)
    {
        if (!TryPair(text, runs, r, Kind.None, out Kind kind, out int label, out int start, out int end, out int after))
        {
            return TryTransposed(text, runs, r, spans);
        }

        int pairs = 1;
        int seriesEnd = end;
        int k = after;
        while (k < runs.Length && runs[k] - seriesEnd <= MaximumPairGap
            && TryPair(text, runs, k, kind, out Kind nextKind, out int nextLabel, out _, out int nextEnd, out int nextAfter)
            && nextKind == kind && nextLabel == Next(kind, label))
        {
            pairs++;
            label = nextLabel;
            seriesEnd = nextEnd;
            k = nextAfter;
        }

        if (pairs < MinimumPairs)
        {
            return r;
        }

        if (IsEnergy(text, start, seriesEnd))
        {
            spans?.Add(new SensitiveSpan(start, seriesEnd - start, EntityTypes.Readings, 0.8));
        }

        return k;
    }

    /// <summary>
    /// A few character checks before any word is read: the run opens a line or a cell, or a word stands before it and
    /// before another of the next runs, as labels do ("Mon 12.3, Tue 11.8"). Prose passes its numbers here.
    /// </summary>
    private static bool MayPair(ReadOnlySpan<char> text, ReadOnlySpan<int> runs, int r)
    {
        int p = runs[r];
        if (p == 0 || text[p - 1] == '\n')
        {
            return true;
        }

        // A cell of a row: only where a line starts close before it ("00:00,41.2" in prose is no table).
        if (text[p - 1] is ',' or ';' or '\t' or '|' or ' ')
        {
            int from = Math.Max(0, p - 41);
            if ((text[p - 1] != ' ' || (p >= 2 && text[p - 2] == '|')) && text[from..p].Contains('\n'))
            {
                return true;
            }
        }

        if (!WordBefore(text, p))
        {
            return false;
        }

        for (int k = r + 1; k < r + MinimumPairs && k < runs.Length; k++)
        {
            if (WordBefore(text, runs[k]))
            {
                return true;
            }
        }

        return false;
    }

    private static bool WordBefore(ReadOnlySpan<char> text, int p)
    {
        int i = p;
        while (i > 0 && p - i < 4 && text[i - 1] is ' ' or ':' or '=' or '"' or '\'' or '\t')
        {
            i--;
        }

        return i < p && i > 0 && char.IsLetter(text[i - 1]);
    }

    private static int Next(Kind kind, int label) => kind switch
    {
        Kind.Weekday => (label + 1) % 7,
        Kind.Month => (label + 1) % 12,
        _ => label + 1,
    };

    /// <summary>
    /// A label and its value at run <paramref name="r"/>: a weekday or month word before the value's run, or an hour
    /// index that opens a line with the value after it. A word that names both (French "mar", mardi and March) is read as
    /// the <paramref name="expected"/> kind of the series it continues, or as a month when it starts one.
    /// </summary>
    private static bool TryPair(ReadOnlySpan<char> text, ReadOnlySpan<int> runs, int r, Kind expected, out Kind kind, out int label, out int start, out int end, out int after)
    {
        kind = Kind.None;
        label = -1;
        int p = runs[r];
        start = p;
        end = p;
        after = r + 1;

        int run = TimestampLexer.DigitRun(text, p);
        if (run <= 2 && OpensLine(text, p, out int lineStart))
        {
            // An hour index: 0 to 24, a separator, then the value.
            int hour = run == 1 ? text[p] - '0' : ((text[p] - '0') * 10) + text[p + 1] - '0';
            int q = p + run;
            int glue = q;
            while (q < text.Length && q - glue < 4 && text[q] is ',' or ';' or '\t' or '|' or ' ' or ':')
            {
                q++;
            }

            if (hour > 24 || q == glue || q >= text.Length || !char.IsAsciiDigit(text[q]) || r + 1 >= runs.Length || runs[r + 1] != q
                || !IsValue(text, q, out end))
            {
                return false;
            }

            kind = Kind.Hour;
            label = hour;
            start = lineStart;
            after = SkipRunsBefore(runs, r + 1, end);
            return true;
        }

        // A word before the value: "Mon 12.3", "January: 1234", "Tuesday;12,5", "| Wed | 12.3 |".
        int i = p;
        while (i > 0 && p - i < 4 && text[i - 1] is ' ' or ':' or '=' or '\t' or '|' or ';' or ',' or '"' or '\'')
        {
            i--;
        }

        int wordEnd = i;
        while (i > 0 && wordEnd - i < 10 && char.IsLetter(text[i - 1]))
        {
            i--;
        }

        if (wordEnd - i < 2 || wordEnd == p || (i > 0 && char.IsLetterOrDigit(text[i - 1])))
        {
            return false;
        }

        ReadOnlySpan<char> word = text[i..wordEnd];
        if (!Names.TryGetValue(word, out (Kind Kind, int Index) name))
        {
            return false;
        }

        (kind, label) = name;
        if (expected == Kind.Weekday && kind == Kind.Month)
        {
            // "mar" after "lun": mardi.
            label = IndexOf(Weekdays, word);
            kind = label >= 0 ? Kind.Weekday : Kind.None;
        }

        if (kind == Kind.None || !IsValue(text, p, out end))
        {
            return false;
        }

        // "Jan 2016, Feb 2016": months with their years are dates, not values.
        if (kind == Kind.Month && end - p == 4 && text[p] is '1' or '2' && text[p + 1] is '9' or '0')
        {
            return false;
        }

        start = i;
        after = SkipRunsBefore(runs, r + 1, end);
        return kind != Kind.None;
    }

    /// <summary>
    /// A header row of ordinal labels (hours 0 … or 1 …, weekdays, months) across its columns, and the row below it with a
    /// value under each: "hour,0,1,2,3\nkWh,12.1,11.8,11.5,11.9". Tried at the values' row.
    /// </summary>
    private static int TryTransposed(ReadOnlySpan<char> text, ReadOnlySpan<int> runs, int r, ICollection<SensitiveSpan>? spans)
    {
        int p = runs[r];

        // The values' row: a label cell, then at least four values joined by one separator.
        char separator = SeparatorBefore(text, p);
        if (separator == '\0')
        {
            return r;
        }

        int from = Math.Max(0, p - 41);
        int newline = text[from..p].LastIndexOf('\n');
        int lineStart = from + newline + 1;
        if (newline < 0 || lineStart < 2)
        {
            return r;
        }

        int values = 0;
        int k = r;
        int rowEnd = p;
        while (k < runs.Length && runs[k] - rowEnd <= 12 && IsValue(text, runs[k], out int valueEnd) && SeparatorBefore(text, runs[k]) == separator)
        {
            values++;
            rowEnd = valueEnd;
            k = SkipRunsBefore(runs, k + 1, valueEnd);
        }

        if (values < MinimumPairs)
        {
            return r;
        }

        int headerFrom = Math.Max(0, lineStart - 1 - 2000);
        int headerStart = headerFrom + text[headerFrom..(lineStart - 1)].LastIndexOf('\n') + 1;
        ReadOnlySpan<char> header = text[headerStart..(lineStart - 1)].TrimEnd('\r');
        if (separator == '|' && !header.ContainsAnyExcept("|-: \t") && headerStart >= 2)
        {
            // Markdown's rule row: the header is the line before it.
            int ruleStart = headerStart;
            headerFrom = Math.Max(0, ruleStart - 1 - 2000);
            headerStart = headerFrom + text[headerFrom..(ruleStart - 1)].LastIndexOf('\n') + 1;
            header = text[headerStart..(ruleStart - 1)].TrimEnd('\r');
        }

        int cells = 0;
        bool bareHours = false;
        int ordinal = -1;
        Kind kind = Kind.None;
        int expected = -1;
        foreach (Range range in header.Split(separator))
        {
            ReadOnlySpan<char> cell = header[range].Trim(" \t\"'");
            if (cell.IsEmpty && separator == '|')
            {
                continue;
            }

            // The first cell labels the rows ("hour", "date", "meter"); bare numbers across are hours only after "hour".
            if (cells++ == 0)
            {
                bareHours = HourWords.AsSpan().Contains(cell.ToString().ToLowerInvariant());
                continue;
            }

            if (cell.IsEmpty)
            {
                continue;
            }

            int label = HourLabel(cell, bareHours);
            Kind cellKind = label >= 0 ? Kind.Hour : Kind.None;
            if (label < 0 && (label = IndexOf(Weekdays, cell)) >= 0)
            {
                cellKind = Kind.Weekday;
            }
            else if (label < 0 && (label = IndexOf(Months, cell)) >= 0)
            {
                cellKind = Kind.Month;
            }

            if (label < 0 || (expected >= 0 && (cellKind != kind || label != expected)))
            {
                return r;
            }

            kind = cellKind;
            expected = Next(kind, label);
            ordinal++;
        }

        if (ordinal + 1 < MinimumPairs)
        {
            return r;
        }

        if (IsEnergy(text, headerStart, rowEnd))
        {
            spans?.Add(new SensitiveSpan(headerStart, rowEnd - headerStart, EntityTypes.Readings, 0.8));
        }

        return k;
    }

    /// <summary>
    /// An hour as a column header: 0 … 24 after a first cell that says hours (<paramref name="bare"/>), or with the letters of hour-ending and interval columns (<c>HE01</c>, <c>H1</c>,
    /// <c>HR 7</c>, <c>Hour 13</c>, <c>hh5</c>) or an hour's 'h' after it (<c>7h</c>, <c>07h</c>); -1 for anything else.
    /// </summary>
    private static int HourLabel(ReadOnlySpan<char> cell, bool bare)
    {
        int letters = 0;
        while (letters < cell.Length && char.IsAsciiLetter(cell[letters]))
        {
            letters++;
        }

        ReadOnlySpan<char> prefix = cell[..letters];
        if (letters > 0 && !(prefix.Equals("he", StringComparison.OrdinalIgnoreCase) || prefix.Equals("h", StringComparison.OrdinalIgnoreCase)
            || prefix.Equals("hr", StringComparison.OrdinalIgnoreCase) || prefix.Equals("hour", StringComparison.OrdinalIgnoreCase)
            || prefix.Equals("hh", StringComparison.OrdinalIgnoreCase) || prefix.Equals("std", StringComparison.OrdinalIgnoreCase)))
        {
            return -1;
        }

        ReadOnlySpan<char> rest = cell[letters..].TrimStart(" _-");
        if (letters == 0 && rest.Length > 1 && rest[^1] is 'h' or 'H')
        {
            rest = rest[..^1];
        }
        else if (letters == 0 && !bare)
        {
            return -1;
        }

        return rest.Length is 1 or 2 && !rest.ContainsAnyExceptInRange('0', '9') && int.Parse(rest, provider: System.Globalization.CultureInfo.InvariantCulture) is int hour && hour <= 24
            ? hour
            : -1;
    }

    private static char SeparatorBefore(ReadOnlySpan<char> text, int p)
    {
        int i = p;
        while (i > 0 && text[i - 1] is ' ' or '"' or '\'')
        {
            i--;
        }

        return i > 0 && text[i - 1] is ',' or ';' or '\t' or '|' ? text[i - 1] : '\0';
    }

    // A value: a number that is no time (08:00), date (1/3), percentage or money amount.
    private static bool IsValue(ReadOnlySpan<char> text, int p, out int end)
    {
        if (!TimestampLexer.TryReadNumber(text, p, out _, out end))
        {
            return false;
        }

        // A decimal comma (12,5) belongs to the number when one to three digits follow and no more digits come after.
        if (end + 1 < text.Length && text[end] == ',' && char.IsAsciiDigit(text[end + 1]))
        {
            int fraction = TimestampLexer.DigitRun(text, end + 1);
            int next = end + 1 + fraction;
            if (fraction <= 3 && (next >= text.Length || text[next] is '\n' or '\r' or ' ' or ';' or '|' or '\t'))
            {
                end = next;
            }
        }

        return end >= text.Length || text[end] is not (':' or '%' or '€' or '$' or '/' or '°');
    }

    // Whether the run at p starts its line (after blanks, a Markdown pipe or a quote).
    private static bool OpensLine(ReadOnlySpan<char> text, int p, out int lineStart)
    {
        int i = p;
        while (i > 0 && p - i < 4 && text[i - 1] is ' ' or '|' or '"' or '\t')
        {
            i--;
        }

        lineStart = i;
        return i == 0 || text[i - 1] == '\n';
    }

    private static int SkipRunsBefore(ReadOnlySpan<int> runs, int k, int end)
    {
        while (k < runs.Length && runs[k] < end)
        {
            k++;
        }

        return k;
    }

    private static int IndexOf(string[][] names, ReadOnlySpan<char> word)
    {
        if (word.Length < 2 || word.Length > 10)
        {
            return -1;
        }

        for (int k = 0; k < names.Length; k++)
        {
            foreach (string name in names[k])
            {
                if (name.Length == word.Length && word.Equals(name, StringComparison.OrdinalIgnoreCase))
                {
                    return k;
                }
            }
        }

        return -1;
    }

    // Prices by hour, weekday or month are a tariff, the same for every customer: "price", "/kWh", a currency.
    private static bool IsPrice(ReadOnlySpan<char> window) =>
        window.ContainsAny('€', '$', '£') || window.Contains("price", StringComparison.OrdinalIgnoreCase) || window.Contains("tariff", StringComparison.OrdinalIgnoreCase)
        || window.Contains("rate", StringComparison.OrdinalIgnoreCase) || window.Contains("cost", StringComparison.OrdinalIgnoreCase)
        || window.Contains("/kwh", StringComparison.OrdinalIgnoreCase) || window.Contains("per kwh", StringComparison.OrdinalIgnoreCase)
        || window.Contains("per_kwh", StringComparison.OrdinalIgnoreCase) || window.Contains("eur", StringComparison.OrdinalIgnoreCase)
        || window.Contains("usd", StringComparison.OrdinalIgnoreCase) || window.Contains("cent", StringComparison.OrdinalIgnoreCase)
        || window.Contains("preis", StringComparison.OrdinalIgnoreCase) || window.Contains("prix", StringComparison.OrdinalIgnoreCase);

    // An energy word within the series or the 200 characters before it, and no word that makes it weather, degree days or
    // an aggregate over many buildings.
    private static bool IsEnergy(ReadOnlySpan<char> text, int start, int end)
    {
        int from = Math.Max(0, start - 200);
        ReadOnlySpan<char> window = text[from..Math.Min(text.Length, end + 40)];
        if (window.Contains("degree", StringComparison.OrdinalIgnoreCase) || window.Contains("HDD", StringComparison.Ordinal)
            || window.Contains("CDD", StringComparison.Ordinal) || window.Contains("°", StringComparison.Ordinal)
            || IsPrice(window) || ReadingsDetector.IsStatedAggregate(text[from..start]))
        {
            return false;
        }

        foreach (string word in EnergyWords)
        {
            int at = window.IndexOf(word, StringComparison.OrdinalIgnoreCase);
            while (at >= 0)
            {
                int wordEnd = at + word.Length;
                bool whole = (at == 0 || !char.IsLetter(window[at - 1])) && (wordEnd >= window.Length || !char.IsLetter(window[wordEnd]));
                if (whole)
                {
                    return true;
                }

                int further = window[wordEnd..].IndexOf(word, StringComparison.OrdinalIgnoreCase);
                at = further < 0 ? -1 : wordEnd + further;
            }
        }

        return false;
    }
}
