namespace Eaio.Routing;

/// <summary>
/// Recognises the timestamps and free-standing numbers that readings are made of, in whatever serialisation carries them:
/// ISO 8601 and its variants, day/month/year with <c>/</c>, <c>.</c> or <c>-</c>, month names (<c>Mar 1 2016</c>,
/// <c>1 March 2016</c>, <c>01-Mar-2016</c>), times of day and intervals (<c>08:00-08:15</c>), and Unix epoch seconds or
/// milliseconds (2000 to 2038).
/// </summary>
/// <remarks>
/// Hand-written rather than a regular expression: every form begins at a run of digits (or a month name just before one),
/// so the detector can jump from digit run to digit run with a vectorised search and decide at each one in a few
/// comparisons. A JSON-escaped line break (<c>\n</c>) counts as a separator, so readings inside a JSON string are seen.
/// </remarks>
internal static class TimestampLexer
{
    private const long EpochMinimum = 946_684_800; // 2000-01-01
    private const long EpochMaximum = 2_145_916_800; // 2038-01-01
    private const long TicksMinimum = 630_822_816_000_000_000; // 2000-01-01
    private const long TicksMaximum = 642_297_024_000_000_000; // 2036-05-13, well inside what a long holds

    private static readonly string[] s_months =
    [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
        "january", "february", "march", "april", "june", "july", "august", "sept", "september", "october", "november", "december",
        "januar", "februar", "märz", "maerz", "mai", "juni", "juli", "okt", "oktober", "dez", "dezember",
        "janv", "janvier", "févr", "février", "mars", "avr", "avril", "juin", "juil", "juillet", "août", "déc", "décembre",
        "ene", "enero", "febrero", "marzo", "abr", "abril", "mayo", "junio", "julio", "ago", "agosto", "septiembre", "octubre", "noviembre", "dic", "diciembre",
    ];

    private static readonly string[] s_units =
    [
        "kwh", "wh", "mwh", "gwh", "kw", "mw", "w", "kva", "kvar", "kvarh", "kvah", "v", "a", "hz", "c", "f", "k",
        "m3", "l", "gal", "therm", "therms", "btu", "kbtu", "mmbtu", "mj", "gj", "kj", "pa", "kpa", "psi", "rh", "ppm", "lux", "t", "kg",
    ];

    // After the arrays they are built from: static fields are initialised in the order they are written.
    private static readonly System.Collections.Frozen.FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> s_monthLookup =
        System.Collections.Frozen.FrozenSet.ToFrozenSet(s_months, StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();

    private static readonly System.Collections.Frozen.FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> s_unitLookup =
        System.Collections.Frozen.FrozenSet.ToFrozenSet(s_units, StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Tries to read a timestamp around the digit run that starts at <paramref name="p"/>.</summary>
    /// <param name="text">The text.</param>
    /// <param name="p">The first digit of a run of digits.</param>
    /// <param name="start">The timestamp's first character (before <paramref name="p"/> for a month name written first).</param>
    /// <param name="end">Just past the timestamp's last character.</param>
    /// <returns>Whether a timestamp starts there.</returns>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static bool TryReadTimestamp(ReadOnlySpan<char> text, int p, out int start, out int end)
    {
        // A few inlined character checks rule out most runs of a prompt without a call (measured: about 0.4 µs of the
        // readings detector's 4.2 µs per 8 KB).
        int run = DigitRun(text, p);
        if (!MayStartTimestamp(text, p, run))
        {
            start = end = p;
            return false;
        }

        return TryRead(text, p, run, out start, out end);
    }

    private static bool TryRead(ReadOnlySpan<char> text, int p, int run, out int start, out int end)
    {
        start = p;
        end = p;
        if (!IsBoundaryBefore(text, p))
        {
            return false;
        }

        char next = p + run < text.Length ? text[p + run] : '\0';
        bool separated = next is '-' or '/' or '.' or ':';
        bool monthBefore = MonthMayPrecede(text, p, run);
        bool wordAfter = run is 1 or 2 && MonthMayFollow(text, p + run);

        int e;
        if ((run == 4 && separated && TryDate(text, p, yearFirst: true, out e))
            || (run is 1 or 2 && separated && TryDate(text, p, yearFirst: false, out e))
            || (run is 1 or 2 && wordAfter && TryDayMonthName(text, p, out e)))
        {
            end = ReadOptionalTime(text, e);
            return IsBoundaryAfter(text, end);
        }

        if (run is 1 or 2 && monthBefore && TryMonthNameFirst(text, p, out int monthStart, out e))
        {
            start = monthStart;
            end = ReadOptionalTime(text, e);
            return IsBoundaryAfter(text, end);
        }

        if (run is 1 or 2 && next == ':' && TryTime(text, p, out e))
        {
            end = ReadInterval(text, e);
            return IsBoundaryAfter(text, end);
        }

        // 2017-W26-6, 2017-228T13:00, 2016年10月25日 6時; datetime(2016, 8, 16, 3, 0); 20170923T1100Z; 42981.04167; 5 pm.
        if ((run == 4 && TryYearFirstVariant(text, p, out e))
            || (run == 4 && p > 0 && text[p - 1] == '(' && TryConstructorArguments(text, p, out e))
            || (run is 8 or 12 or 14 && TryCompact(text, p, run, out e))
            || (run == 5 && TryDaySerial(text, p, out e))
            || (run is 1 or 2 or 4 && TryHourWord(text, p, run, out e)))
        {
            end = e;
            return IsBoundaryAfter(text, end);
        }

        if (run is 10 or 13 or 16 or 18 or 19 && IsEpoch(text.Slice(p, run)))
        {
            end = p + run;
            if (end + 1 < text.Length && text[end] == '.' && char.IsAsciiDigit(text[end + 1]))
            {
                end = p + DigitRun(text, end + 1) + run + 1;
            }

            return IsBoundaryAfter(text, end);
        }

        return false;
    }

    /// <summary>
    /// Whether a timestamp may start at the run of <paramref name="run"/> digits at <paramref name="p"/>, by a few character
    /// checks: a date or time separator after the digits, a month word after a day or before a day and its year or time, or
    /// the length of an epoch.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static bool MayStartTimestamp(ReadOnlySpan<char> text, int p, int run)
    {
        int after = p + run;
        if (run is 10 or 12 or 13 or 14 or 16 or 18 or 19)
        {
            // Epoch seconds, milliseconds, microseconds or nanoseconds (with or without a fraction: 1435781451.781), .NET
            // ticks, and compact date-times (201709231400, 20170923140000, the smart-meter 170314090000W).
            return true;
        }

        if (after < text.Length)
        {
            char next = text[after];
            if ((run == 8 && next == 'T') || (run == 5 && next == '.') || (run == 4 && next == '年')
                || (run == 4 && next == ',' && p > 0 && text[p - 1] == '('))
            {
                // 20170923T1100Z; an Excel day serial 42981.04167; 2016年10月25日; datetime(2016, 8, 16, 3, 0).
                return true;
            }

            if (run == 4 && next == '-' && DigitRun(text, after + 1) == 3)
            {
                return true; // an ordinal date, 2017-228T13:00
            }

            if (run is 1 or 2 or 4 && HourWordMayFollow(text, after))
            {
                return true; // 5 am, 5pm, 7時, à 5 h, um 5 Uhr, 7 o'clock, 0800h, 1300 hrs
            }
        }

        if (after + 2 < text.Length && text[after] is '-' or '/' or '.' or ':')
        {
            // 08:00; 2016-03-01, 1/3/2016, 01.03.2016 (a second separator after one or two digits); 01-Mar-2016.
            char separator = text[after];
            if (separator == ':')
            {
                return run is 1 or 2 && char.IsAsciiDigit(text[after + 1]) && char.IsAsciiDigit(text[after + 2]);
            }

            if (run is not (1 or 2 or 4))
            {
                return false;
            }

            if (separator == '-' && char.IsAsciiLetter(text[after + 1]))
            {
                return true;
            }

            int second = DigitRun(text, after + 1);
            return (second is 1 or 2 && after + 1 + second < text.Length && text[after + 1 + second] == separator)
                || (separator == '.' && run is 1 or 2 && second == 2 && HourWordMayFollow(text, after + 3)) // 7.30 pm, 19.30 Uhr
                || (separator == '-' && run is 1 or 2 && second is 1 or 2 && HourWordMayFollow(text, after + 1 + second)); // 6-7am, 14-15 Uhr
        }

        return run is 1 or 2 && (MonthMayFollow(text, after) || MonthMayPrecede(text, p, run));
    }

    /// <summary>Whether a month word may stand before a day at <paramref name="p"/>, followed by its year or time (<c>Mar 1 2016</c>).</summary>
    private static bool MonthMayPrecede(ReadOnlySpan<char> text, int p, int run) =>
        p >= 3 && text[p - 1] == ' ' && (char.IsLetter(text[p - 2]) || text[p - 2] == '.') && YearOrTimeMayFollow(text, p + run);

    /// <summary>Tries to read a free-standing number (a value) whose digits start at <paramref name="p"/>.</summary>
    /// <param name="text">The text.</param>
    /// <param name="p">The first digit of a run of digits.</param>
    /// <param name="start">The number's first character (its sign when it has one).</param>
    /// <param name="end">Just past the number and any unit glued to it (<c>41.2kWh</c>).</param>
    /// <returns>Whether the digits are a value rather than part of an id, a version or a range.</returns>
    public static bool TryReadNumber(ReadOnlySpan<char> text, int p, out int start, out int end)
    {
        start = p;
        end = p + DigitRun(text, p);
        if (p > 0 && text[p - 1] is '-' or '+' or '−')
        {
            // A sign belongs to the number unless the dash joins it to something before ("30XA-0802", "90.1-2019").
            if (p > 1 && IsWordChar(text[p - 2]))
            {
                return false;
            }

            start = p - 1;
        }
        else if (!IsBoundaryBefore(text, p) || (p > 1 && text[p - 1] == '.' && char.IsAsciiDigit(text[p - 2])))
        {
            return false;
        }

        if (end + 1 < text.Length && text[end] == '.' && char.IsAsciiDigit(text[end + 1]))
        {
            end += 1 + DigitRun(text, end + 1);
        }

        // An exponent, as rrdtool and numeric dumps print values: 1.2300000000e+01.
        if (end + 2 < text.Length && text[end] is 'e' or 'E' && text[end + 1] is '+' or '-' && char.IsAsciiDigit(text[end + 2]))
        {
            end += 2 + DigitRun(text, end + 2);
        }

        if (end < text.Length)
        {
            char next = text[end];
            if (next is '_' || (next is '-' or '.' or '/' && end + 1 < text.Length && char.IsAsciiDigit(text[end + 1])))
            {
                return false; // "1.2.3", "12-34", "3/4": a version, a range or an id, not a reading
            }

            if (char.IsLetter(next))
            {
                int unitEnd = end;
                while (unitEnd < text.Length && (char.IsAsciiLetter(text[unitEnd]) || (unitEnd > end && char.IsAsciiDigit(text[unitEnd]))))
                {
                    unitEnd++;
                }

                if (!IsUnit(text[end..unitEnd]) || (unitEnd < text.Length && IsWordChar(text[unitEnd])))
                {
                    return false;
                }

                end = unitEnd;
            }
        }

        return true;
    }

    /// <summary>
    /// Gets the minutes since midnight of a timestamp that is a time of day without a date (<c>08:15</c>, <c>2:00 PM</c>,
    /// the start of <c>08:00-08:15</c>), or -1 for any other timestamp.
    /// </summary>
    public static int TimeOfDayMinutes(ReadOnlySpan<char> timestamp)
    {
        int hours = DigitRun(timestamp, 0);
        if (hours is not (1 or 2) || hours + 3 > timestamp.Length || timestamp[hours] != ':')
        {
            return -1;
        }

        int h = Number(timestamp[..hours]);
        int m = Number(timestamp.Slice(hours + 1, 2));
        int ampm = timestamp.IndexOfAny("AaPp");
        if (ampm > 0 && ampm + 1 < timestamp.Length && timestamp[ampm + 1] is 'M' or 'm')
        {
            bool pm = timestamp[ampm] is 'P' or 'p';
            h = (h % 12) + (pm ? 12 : 0);
        }

        return (h * 60) + m;
    }

    /// <summary>
    /// Whether a timestamp is a period of the day longer than an hour (<c>16:00-21:00</c>, <c>21:00-14:00</c>): the hours
    /// of a tariff or a schedule, not the interval of a meter reading (15 minutes to an hour).
    /// </summary>
    public static bool IsLongPeriodOfDay(ReadOnlySpan<char> timestamp)
    {
        int start = TimeOfDayMinutes(timestamp);
        if (start < 0)
        {
            return false;
        }

        int dash = timestamp.IndexOfAny("-–—");
        int to = timestamp.IndexOf("to", StringComparison.OrdinalIgnoreCase);
        int separator = dash > 0 ? dash : to > 0 ? to + 1 : -1;
        if (separator < 0)
        {
            return false;
        }

        ReadOnlySpan<char> rest = timestamp[(separator + 1)..].TrimStart(' ');
        int end = TimeOfDayMinutes(rest);
        if (end < 0)
        {
            return false;
        }

        int duration = ((end - start) + (24 * 60)) % (24 * 60);
        return duration > 60;
    }

    /// <summary>Gets the length of the run of ASCII digits at <paramref name="p"/>.</summary>
    public static int DigitRun(ReadOnlySpan<char> text, int p)
    {
        int i = p;
        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            i++;
        }

        return i - p;
    }

    /// <summary>Whether a character continues a word: a letter, a digit or an underscore.</summary>
    public static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c == '_';

    /// <summary>Whether <paramref name="p"/> begins a token: nothing of a word before it, or a JSON escape such as <c>\n</c>.</summary>
    public static bool IsBoundaryBefore(ReadOnlySpan<char> text, int p) =>
        p == 0 || !IsWordChar(text[p - 1]) || IsEscapeLetter(text, p - 1);

    /// <summary>Whether the letter at <paramref name="i"/> is the letter of a JSON escape (<c>\n</c>, <c>\r</c>, <c>\t</c>).</summary>
    public static bool IsEscapeLetter(ReadOnlySpan<char> text, int i) =>
        i > 0 && i < text.Length && text[i] is 'n' or 'r' or 't' && text[i - 1] == '\\';

    private static bool IsBoundaryAfter(ReadOnlySpan<char> text, int end) =>
        end >= text.Length
        || (!IsWordChar(text[end]) && !(text[end] is '.' or '/' or ':' or '-' && end + 1 < text.Length && char.IsAsciiDigit(text[end + 1])))
        || (text[end] == '\\' && end + 1 < text.Length && text[end + 1] is 'n' or 'r' or 't');

    private static bool TryDate(ReadOnlySpan<char> text, int p, bool yearFirst, out int end)
    {
        end = p;
        int first = DigitRun(text, p);
        int i = p + first;
        if (i >= text.Length || text[i] is not ('-' or '/' or '.'))
        {
            return false;
        }

        char separator = text[i];
        if (yearFirst && separator == '-' && TryMonthName(text, i + 1, out int monthEnd) && monthEnd < text.Length && text[monthEnd] == '-')
        {
            // 2016-Mar-01
            int dayRun = DigitRun(text, monthEnd + 1);
            end = monthEnd + 1 + dayRun;
            return dayRun is 1 or 2;
        }

        int second = DigitRun(text, i + 1);
        if (second is not (1 or 2))
        {
            return false;
        }

        int j = i + 1 + second;
        if (j >= text.Length || text[j] != separator)
        {
            // Year and month alone (2016-03) is a month, not a reading's time.
            return false;
        }

        int third = DigitRun(text, j + 1);
        int a = Number(text.Slice(p, first));
        int b = Number(text.Slice(i + 1, second));
        if (yearFirst)
        {
            if (third is not (1 or 2) || b is < 1 or > 12 || Number(text.Slice(j + 1, third)) is < 1 or > 31)
            {
                return false;
            }
        }
        else
        {
            // d/m/yyyy and m/d/yyyy both; a dot or a dash needs four digits of year, so "1.2.3" stays a version.
            bool yearOk = third == 4 || (third == 2 && separator == '/');
            if (!yearOk || a is < 1 or > 31 || b is < 1 or > 31 || (a > 12 && b > 12))
            {
                return false;
            }
        }

        end = j + 1 + third;
        return true;
    }

    /// <summary>
    /// Whether a month word may follow a day at <paramref name="i"/> (<c> Mar</c>, <c>st March</c>, <c>-Mar-</c>,
    /// <c>. März</c>): a few character checks, so the numbers of a prompt ("78 % of", "3 pm") are ruled out before any word
    /// is read.
    /// </summary>
    private static bool MonthMayFollow(ReadOnlySpan<char> text, int i)
    {
        if (i + 1 < text.Length && text[i] is 's' or 'n' or 'r' or 't' && text[i + 1] is 't' or 'd' or 'h')
        {
            i += 2;
        }

        if (i < text.Length && text[i] == '.')
        {
            i++;
        }

        return i + 2 < text.Length && text[i] is ' ' or '-' && CouldBeMonth(text[i + 1], text[i + 2]);
    }

    /// <summary>Whether a year or a time may follow a day written after its month (<c>Mar 1 2016</c>, <c>March 1st, 2016</c>, <c>Mar 1 14:00</c>).</summary>
    private static bool YearOrTimeMayFollow(ReadOnlySpan<char> text, int i)
    {
        if (i + 1 < text.Length && text[i] is 's' or 'n' or 'r' or 't' && text[i + 1] is 't' or 'd' or 'h')
        {
            i += 2;
        }

        if (i < text.Length && text[i] == ',')
        {
            i++;
        }

        return i + 1 < text.Length && text[i] == ' ' && char.IsAsciiDigit(text[i + 1]);
    }

    private static bool TryDayMonthName(ReadOnlySpan<char> text, int p, out int end)
    {
        // 1 March 2016, 1st March 2016, 01-Mar-2016, 1. März 2016
        end = p;
        int i = p + DigitRun(text, p);
        i = SkipOrdinal(text, i);
        if (i < text.Length && text[i] == '.')
        {
            i++;
        }

        if (i >= text.Length || text[i] is not (' ' or '-'))
        {
            return false;
        }

        char separator = text[i];
        if (!TryMonthName(text, i + 1, out int monthEnd))
        {
            return false;
        }

        int j = monthEnd;
        if (j < text.Length && text[j] == '.')
        {
            j++;
        }

        if (j < text.Length && (text[j] == separator || text[j] == ','))
        {
            int k = text[j] == ',' && j + 1 < text.Length && text[j + 1] == ' ' ? j + 2 : j + 1;
            int year = DigitRun(text, k);
            if (year == 4 || (year == 2 && separator == '-'))
            {
                end = k + year;
                return true;
            }
        }

        // No year: only a time right after makes it a timestamp ("1 Mar 14:00").
        if (j + 1 < text.Length && text[j] == ' ' && TryTime(text, j + 1, out _))
        {
            end = j;
            return true;
        }

        return false;
    }

    private static bool TryMonthNameFirst(ReadOnlySpan<char> text, int p, out int start, out int end)
    {
        // Mar 1 2016, March 1, 2016, Mar. 01 2016 14:00, Mar 1 14:00
        start = p;
        end = p;
        int i = p - 1;
        if (i < 1 || text[i] != ' ')
        {
            return false;
        }

        i--;
        if (text[i] == '.')
        {
            i--;
        }

        int wordEnd = i + 1;
        while (i >= 0 && char.IsLetter(text[i]))
        {
            i--;
        }

        int wordStart = i + 1;
        if (wordEnd - wordStart < 3 || !IsMonth(text[wordStart..wordEnd]) || (wordStart > 0 && IsWordChar(text[wordStart - 1])))
        {
            return false;
        }

        int j = SkipOrdinal(text, p + DigitRun(text, p));
        int k = j < text.Length && text[j] == ',' ? j + 1 : j;
        if (k < text.Length && text[k] == ' ')
        {
            int year = DigitRun(text, k + 1);
            if (year == 4 && (k + 1 + year >= text.Length || text[k + 1 + year] != ':'))
            {
                start = wordStart;
                end = k + 1 + year;
                return true;
            }

            if (TryTime(text, k + 1, out _))
            {
                start = wordStart;
                end = j;
                return true;
            }
        }

        return false;
    }

    private static int SkipOrdinal(ReadOnlySpan<char> text, int i) =>
        i + 1 < text.Length && text.Slice(i, 2) is "st" or "nd" or "rd" or "th" && (i + 2 >= text.Length || !char.IsLetter(text[i + 2])) ? i + 2 : i;

    private static bool TryMonthName(ReadOnlySpan<char> text, int i, out int end)
    {
        end = i;
        while (end < text.Length && char.IsLetter(text[end]))
        {
            end++;
        }

        return end - i >= 3 && IsMonth(text[i..end]);
    }

    private static bool IsMonth(ReadOnlySpan<char> word) =>
        word.Length is >= 3 and <= 10 && CouldBeMonth(word[0], word[1]) && s_monthLookup.Contains(word);

    private static char Lower(char c) => char.IsAsciiLetterUpper(c) ? (char)(c | 0x20) : c == 'É' ? 'é' : c == 'Ä' ? 'ä' : c;

    /// <summary>A month word of any of the languages starts with one of these letter pairs; most words are ruled out here, before hashing.</summary>
    private static bool CouldBeMonth(char first, char second) => (Lower(first), Lower(second)) switch
    {
        ('j', 'a' or 'u') or ('f', 'e' or 'é') or ('m', 'a' or 'ä') or ('a', 'p' or 'u' or 'v' or 'o' or 'b' or 'g')
            or ('s', 'e') or ('o', 'c' or 'k') or ('n', 'o') or ('d', 'e' or 'é' or 'i') or ('e', 'n') => true,
        _ => false,
    };

    private static bool IsUnit(ReadOnlySpan<char> word) => word.Length <= 6 && s_unitLookup.Contains(word);

    /// <summary>Reads an optional time after a date: <c>T14:00</c>, <c> 14:00:00Z</c>, <c>, 2:00 PM</c>, <c> at 14:00</c>.</summary>
    private static int ReadOptionalTime(ReadOnlySpan<char> text, int i)
    {
        if (i >= text.Length)
        {
            return i;
        }

        int t = -1;
        if (text[i] is 'T' or ' ' or '_' or '\t')
        {
            t = i + 1;
        }
        else if (text[i] == ',' && i + 1 < text.Length && text[i + 1] == ' ')
        {
            t = i + 2;
        }
        else if (IsEscapeLetter(text, i + 1))
        {
            return i;
        }

        if (t > 0 && t + 3 <= text.Length && text.Slice(t, 3).Equals("at ", StringComparison.OrdinalIgnoreCase))
        {
            t += 3;
        }

        if (t > 0 && t < text.Length && char.IsAsciiDigit(text[t]) && TryTime(text, t, out int end))
        {
            return ReadInterval(text, end);
        }

        return i;
    }

    /// <summary>Reads <c>HH:MM</c> with optional seconds, fraction, AM/PM and zone.</summary>
    private static bool TryTime(ReadOnlySpan<char> text, int p, out int end)
    {
        end = p;
        int hours = DigitRun(text, p);
        int i = p + hours;
        if (hours is not (1 or 2) || i + 2 >= text.Length || text[i] != ':' || DigitRun(text, i + 1) != 2 || Number(text.Slice(p, hours)) > 24)
        {
            return false;
        }

        i += 3;
        if (i + 2 < text.Length && text[i] == ':' && DigitRun(text, i + 1) == 2)
        {
            i += 3;
            if (i + 1 < text.Length && text[i] == '.' && char.IsAsciiDigit(text[i + 1]))
            {
                i += 1 + DigitRun(text, i + 1);
            }
        }

        int ampm = i < text.Length && text[i] == ' ' ? i + 1 : i;
        if (ampm + 1 < text.Length && text[ampm] is 'A' or 'a' or 'P' or 'p' && text[ampm + 1] is 'M' or 'm'
            && (ampm + 2 >= text.Length || !char.IsLetter(text[ampm + 2])))
        {
            i = ampm + 2;
        }

        if (i < text.Length && text[i] == 'Z')
        {
            i++;
        }
        else if (i + 5 <= text.Length && text[i] is '+' or '-' && DigitRun(text, i + 1) == 2)
        {
            int zone = i + 3;
            if (zone < text.Length && text[zone] == ':')
            {
                zone++;
            }

            if (DigitRun(text, zone) == 2)
            {
                i = zone + 2;
            }
        }
        else if (i + 4 <= text.Length && text[i] == ' ' && text.Slice(i + 1, 3).SequenceEqual("UTC"))
        {
            i += 4;
        }

        end = i;
        return true;
    }

    /// <summary>Reads the end of an interval after a time: <c>-08:15</c>, <c> – 08:15</c>, <c> to 08:15</c>.</summary>
    private static int ReadInterval(ReadOnlySpan<char> text, int i)
    {
        int j = i;
        while (j < text.Length && text[j] == ' ')
        {
            j++;
        }

        if (j < text.Length && text[j] is '-' or '–' or '—')
        {
            j++;
        }
        else if (j + 2 < text.Length && text.Slice(j, 2).Equals("to", StringComparison.OrdinalIgnoreCase))
        {
            j += 2;
        }
        else
        {
            return i;
        }

        while (j < text.Length && text[j] == ' ')
        {
            j++;
        }

        return j < text.Length && char.IsAsciiDigit(text[j]) && TryTime(text, j, out int end) ? end : i;
    }

    /// <summary>
    /// Reads the forms that start with a four-digit year and are not <c>yyyy-mm-dd</c>: an ISO week date
    /// (<c>2017-W26-6</c>, <c>2017-W26</c>, with an optional time), an ISO ordinal date with its time (<c>2017-228T13:00</c>;
    /// without a time <c>2017-228</c> is as likely a reference number), and the East Asian <c>2016年10月25日</c> with an optional
    /// hour (<c> 6時</c>) or time.
    /// </summary>
    private static bool TryYearFirstVariant(ReadOnlySpan<char> text, int p, out int end)
    {
        end = p;
        int i = p + 4;
        if (i + 3 < text.Length && text[i] == '-' && text[i + 1] == 'W' && DigitRun(text, i + 2) == 2 && Number(text.Slice(i + 2, 2)) is >= 1 and <= 53)
        {
            i += 4;
            if (i + 1 < text.Length && text[i] == '-' && text[i + 1] is >= '1' and <= '7' && DigitRun(text, i + 1) == 1)
            {
                i += 2;
            }

            end = ReadOptionalTime(text, i);
            return true;
        }

        if (i + 5 < text.Length && text[i] == '-' && DigitRun(text, i + 1) == 3 && Number(text.Slice(i + 1, 3)) is >= 1 and <= 366 && text[i + 4] == 'T')
        {
            int timed = ReadOptionalTime(text, i + 4);
            end = timed;
            return timed > i + 4;
        }

        if (i < text.Length && text[i] == '年')
        {
            int month = DigitRun(text, i + 1);
            int j = i + 1 + month;
            if (month is not (1 or 2) || j >= text.Length || text[j] != '月')
            {
                return false;
            }

            int day = DigitRun(text, j + 1);
            int k = j + 1 + day;
            if (day is not (1 or 2) || k >= text.Length || text[k] != '日')
            {
                return false;
            }

            end = k + 1;
            int hour = end < text.Length && text[end] is ' ' or '\u3000' ? end + 1 : end;
            int hourRun = DigitRun(text, hour);
            if (hourRun is 1 or 2 && hour + hourRun < text.Length && text[hour + hourRun] == '時')
            {
                end = hour + hourRun + 1;
            }
            else
            {
                end = ReadOptionalTime(text, end);
            }

            return true;
        }

        return false;
    }

    /// <summary>
    /// Reads the arguments of a date constructor in code, from its year: <c>datetime(2016, 8, 16, 3, 0)</c>,
    /// <c>Date.UTC(2016, 5, 9, 2)</c>, <c>new DateTime(2017, 3, 1, 14, 0, 0)</c>, <c>LocalDateTime.of(2017, 9, 12, 11, 0)</c>,
    /// <c>time.Date(2017, 11, 16, 9, 0, 0, 0, time.UTC)</c>: the year and at least a month and a day, as integers.
    /// </summary>
    private static bool TryConstructorArguments(ReadOnlySpan<char> text, int p, out int end)
    {
        end = p;
        if (Number(text.Slice(p, 4)) is < 1990 or > 2038)
        {
            return false;
        }

        int i = p + 4;
        int arguments = 1;
        while (arguments < 7)
        {
            int j = i;
            if (j >= text.Length || text[j] != ',')
            {
                break;
            }

            j++;
            while (j < text.Length && text[j] == ' ')
            {
                j++;
            }

            int run = DigitRun(text, j);
            if (run is not (1 or 2) || (arguments <= 2 && Number(text.Slice(j, run)) > 31))
            {
                break;
            }

            i = j + run;
            arguments++;
        }

        end = i;
        return arguments >= 3;
    }

    /// <summary>
    /// Reads a date and time written without separators: <c>20170923T110000Z</c> and <c>20170923T1100</c> (ISO basic),
    /// <c>201709231100</c> and <c>20170923110000</c> (logger files), and the smart-meter form <c>170314090000W</c> (two-digit
    /// year, then <c>W</c> or <c>S</c> for winter or summer time, as DSMR P1 telegrams write it). Every field must be in
    /// range, so most twelve- and fourteen-digit numbers (phone numbers, ids) are not read as one.
    /// </summary>
    private static bool TryCompact(ReadOnlySpan<char> text, int p, int run, out int end)
    {
        end = p;
        ReadOnlySpan<char> digits = text.Slice(p, run);
        int after = p + run;
        if (run == 12 && after < text.Length && text[after] is 'W' or 'S')
        {
            if (!IsDate(2000 + Number(digits[..2]), Number(digits.Slice(2, 2)), Number(digits.Slice(4, 2))) || !IsTime(digits[6..]))
            {
                return false;
            }

            end = after + 1;
            return true;
        }

        if (!IsDate(Number(digits[..4]), Number(digits.Slice(4, 2)), Number(digits.Slice(6, 2))))
        {
            return false;
        }

        if (run == 8)
        {
            int time = after + 1;
            int timeRun = DigitRun(text, time);
            if (timeRun is not (4 or 6) || !IsTime(text.Slice(time, timeRun)))
            {
                return false;
            }

            end = ReadZone(text, time + timeRun);
            return true;
        }

        if (!IsTime(digits[8..]))
        {
            return false;
        }

        end = after;
        return true;

        static bool IsDate(int year, int month, int day) => year is >= 2000 and <= 2038 && month is >= 1 and <= 12 && day is >= 1 and <= 31;
    }

    private static bool IsTime(ReadOnlySpan<char> hhmm) =>
        Number(hhmm[..2]) <= 23 && Number(hhmm.Slice(2, 2)) <= 59 && (hhmm.Length == 4 || Number(hhmm.Slice(4, 2)) <= 59);

    private static int ReadZone(ReadOnlySpan<char> text, int i)
    {
        if (i < text.Length && text[i] == 'Z')
        {
            return i + 1;
        }

        return i + 5 <= text.Length && text[i] is '+' or '-' && DigitRun(text, i + 1) == 4 ? i + 5 : i;
    }

    /// <summary>
    /// Reads a spreadsheet's day serial with a time of day, as a date column pasted as numbers shows it: days since 1900
    /// (36526 is 2000-01-01, 50000 is 2036) and a fraction of a day. The fraction must have three or more digits or be a
    /// whole number of hours (<c>.25</c>, <c>.5</c>): a reading such as <c>42981.7 kWh</c> is not a serial.
    /// </summary>
    private static bool TryDaySerial(ReadOnlySpan<char> text, int p, out int end)
    {
        end = p;
        int day = Number(text.Slice(p, 5));
        int dot = p + 5;
        int fraction = dot + 1 < text.Length && text[dot] == '.' ? DigitRun(text, dot + 1) : 0;
        if (day is < 36526 or > 50000 || fraction == 0)
        {
            return false;
        }

        ReadOnlySpan<char> digits = text.Slice(dot + 1, fraction);
        if (fraction < 3)
        {
            int hundredths = Number(digits) * (fraction == 1 ? 10 : 1);
            if (hundredths * 24 % 100 != 0)
            {
                return false;
            }
        }

        end = dot + 1 + fraction;
        int after = end;
        while (after < text.Length && text[after] == ' ')
        {
            after++;
        }

        int word = after;
        while (word < text.Length && char.IsAsciiLetter(text[word]))
        {
            word++;
        }

        return word == after || !IsUnit(text[after..word]);
    }

    /// <summary>Whether an hour word may follow the digits of an hour at <paramref name="i"/>: a few character checks.</summary>
    private static bool HourWordMayFollow(ReadOnlySpan<char> text, int i)
    {
        int j = i < text.Length && text[i] == ' ' ? i + 1 : i;
        return j < text.Length && text[j] is 'a' or 'A' or 'p' or 'P' or 'h' or 'U' or 'u' or '時' or 'o';
    }

    /// <summary>
    /// Reads an hour of the day written with a word instead of minutes: <c>5 am</c>, <c>11pm</c>, <c>9 a.m.</c> (1 to 12),
    /// <c>7時</c>, <c>um 5 Uhr</c>, <c>om 5 uur</c>, <c>8h00</c>, and the French <c>à 5 h</c> / <c>à 17h</c> (0 to 24; a bare
    /// <c>5 h</c> is as often a duration, so the French form without minutes needs its <c>à</c>).
    /// </summary>
    private static bool TryHourWord(ReadOnlySpan<char> text, int p, int run, out int end)
    {
        end = p;
        if (run == 4)
        {
            return TryMilitaryTime(text, p, out end);
        }

        int hour = Number(text.Slice(p, run));
        int i = p + run;

        // 6-7am, 2-3 pm, 14-15 Uhr: an hour's range, read as its first hour.
        if (i + 2 < text.Length && text[i] == '-' && DigitRun(text, i + 1) is int second && second is 1 or 2)
        {
            int k = i + 1 + second;
            int last = Number(text.Slice(i + 1, second));
            bool oneHour = last == hour + 1 || (hour == 12 && last == 1) || (hour == 23 && last is 0 or 24);
            return oneHour && TryHourWord(text, p, run, k, last, out end) && end > k;
        }

        // 7.30 pm, 19.30 Uhr, 14.15h: minutes after a dot, then the hour word that makes them a time, not a decimal.
        if (i + 3 < text.Length && text[i] == '.' && DigitRun(text, i + 1) == 2 && Number(text.Slice(i + 1, 2)) <= 59)
        {
            int k = i + 3;
            if (k < text.Length && text[k] == 'h' && (k + 1 == text.Length || !char.IsLetterOrDigit(text[k + 1])) && hour <= 24)
            {
                end = k + 1;
                return true;
            }

            return TryHourWord(text, p, run, k, hour, out end) && end > k;
        }

        return TryHourWord(text, p, run, i, hour, out end);
    }

    // 0800h, 1300 hrs: a 24-hour time of four digits with the hour word of military and shift logs ("hours" alone is as
    // often a duration: "ran 2000 hours").
    private static bool TryMilitaryTime(ReadOnlySpan<char> text, int p, out int end)
    {
        end = p;
        int hour = Number(text.Slice(p, 2));
        int minutes = Number(text.Slice(p + 2, 2));
        int i = p + 4;
        int j = i < text.Length && text[i] == ' ' ? i + 1 : i;
        if (hour > 23 || minutes > 59 || j >= text.Length)
        {
            return false;
        }

        ReadOnlySpan<char> rest = text[j..];
        int word = rest.StartsWith("hrs", StringComparison.OrdinalIgnoreCase) ? 3 : j == i && rest[0] == 'h' ? 1 : 0;
        if (word == 0 || (rest.Length > word && char.IsLetter(rest[word])))
        {
            return false;
        }

        end = j + word;
        return true;
    }

    private static bool TryHourWord(ReadOnlySpan<char> text, int p, int run, int i, int hour, out int end)
    {
        end = p;
        if (i < text.Length && text[i] == '時')
        {
            end = i + 1;
            return hour <= 24;
        }

        int j = i < text.Length && text[i] == ' ' ? i + 1 : i;
        if (j >= text.Length)
        {
            return false;
        }

        ReadOnlySpan<char> rest = text[j..];
        int word = rest.StartsWith("a.m.", StringComparison.OrdinalIgnoreCase) || rest.StartsWith("p.m.", StringComparison.OrdinalIgnoreCase) ? 4
            : rest.StartsWith("am", StringComparison.OrdinalIgnoreCase) || rest.StartsWith("pm", StringComparison.OrdinalIgnoreCase) ? 2
            : 0;
        if (word > 0)
        {
            if (hour is < 1 or > 12 || (word == 2 && rest.Length > 2 && char.IsLetter(rest[2])))
            {
                return false;
            }

            end = j + word;
            return true;
        }

        if (hour > 24)
        {
            return false;
        }

        if ((rest.StartsWith("o'clock", StringComparison.OrdinalIgnoreCase) || rest.StartsWith("o’clock", StringComparison.OrdinalIgnoreCase)) && hour is >= 1 and <= 12)
        {
            end = j + 7;
            return true;
        }

        if (rest.StartsWith("Uhr", StringComparison.Ordinal) || rest.StartsWith("uur", StringComparison.Ordinal))
        {
            end = j + 3;
            return rest.Length == 3 || !char.IsLetter(rest[3]);
        }

        // 8h00, 14h30: the French, Portuguese and Brazilian clock, unambiguous with its minutes.
        if (j == i && rest.Length >= 3 && rest[0] == 'h' && DigitRun(rest, 1) == 2 && Number(rest.Slice(1, 2)) <= 59)
        {
            end = j + 3;
            return true;
        }

        if (rest[0] == 'h' && (rest.Length == 1 || !char.IsLetter(rest[1])) && p >= 2 && text[p - 1] == ' ' && (text[p - 2] is 'à' or 'À'))
        {
            end = j + 1;
            return true;
        }

        return false;
    }

    private static bool IsEpoch(ReadOnlySpan<char> digits)
    {
        if (digits.Length == 19 && digits[0] > '2')
        {
            return false; // beyond 2038 in nanoseconds, and beyond what a long holds
        }

        long value = 0;
        foreach (char c in digits)
        {
            value = (value * 10) + (c - '0');
        }

        if (digits.Length == 18)
        {
            // .NET ticks (100 ns since year 1), as a debugger or a serialised DateTime shows them.
            return value is >= TicksMinimum and <= TicksMaximum;
        }

        value = digits.Length switch
        {
            13 => value / 1_000,
            16 => value / 1_000_000,
            19 => value / 1_000_000_000,
            _ => value,
        };

        return value is >= EpochMinimum and <= EpochMaximum;
    }

    private static int Number(ReadOnlySpan<char> digits)
    {
        int value = 0;
        foreach (char c in digits)
        {
            value = (value * 10) + (c - '0');
        }

        return value;
    }
}
