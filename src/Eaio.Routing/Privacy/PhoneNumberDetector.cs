using PhoneNumbers;

namespace Eaio.Routing;

/// <summary>
/// Finds phone numbers: international numbers written with <c>+</c> and a country code (<c>+44 7700 900123</c>,
/// <c>+49 (0)30 1234 5678</c>, <c>+1-202-555-0187</c>), and national numbers of the configured regions written in groups
/// (<c>020 7946 0958</c>, <c>(02) 9876 5432</c>, <c>010-1234 5678</c>, <c>415-555-0132</c>), each with an optional
/// extension (<c>ext. 204</c>, <c>x204</c>, <c>#204</c>) that belongs to the span. Numbers are checked against Google's
/// libphonenumber metadata.
/// </summary>
/// <remarks>
/// <para>
/// A vectorised search finds digit runs; the groups around them (digits joined by one space, hyphen, dot or parenthesis)
/// are read by hand, and groups that form a date, an IPv4 address, an amount (<c>12 345 678 901</c>), or a card or account
/// number are set aside first. Only what is left, with eight digits or more, goes to libphonenumber, and its verdicts are
/// cached, so the library's cost is paid per distinct candidate, not per character of text.
/// </para>
/// <para>
/// How sure the library must be depends on how phone-like the writing is. A <c>+</c> number must be at least possible for
/// its country (its length fits), as the sign is written only before phone numbers; fictional ranges such as the UK's
/// <c>07700 900xxx</c> are possible but not valid, and are still someone's stand-in for a number. National numbers in a
/// phone layout (North American <c>415-555-0132</c>, a trunk prefix <c>0</c> before the area code, or three to five even
/// groups) must be possible in a configured region; any other grouping must be valid in one. A number written as one bare
/// run of digits (<c>4155550132</c>, an epoch <c>1456790400</c>) is not reported without <c>+</c>, nor are national
/// numbers of fewer than nine digits without a trunk prefix (<c>60-56-85-91</c>; Danish, Norwegian and Singaporean numbers
/// are found in their <c>+</c> form): with so few digits the form is shared by readings, dates and codes.
/// </para>
/// <para>
/// National candidates are dropped when a unit or currency follows (<c>912 345 678 kWh</c>) or an identifier label
/// precedes them (<c>invoice</c>, <c>order no.</c>, <c>model</c>), and a number glued to letters, or to other digits by a
/// hyphen or dot (a fragment of a GUID or of a longer code), is not reported.
/// </para>
/// </remarks>
public sealed partial class PhoneNumberDetector : ISensitiveDataDetector
{
    private const int MinInternationalDigits = 8;
    private const int MaxInternationalDigits = 17;
    private const int MinTrunkDigits = 8;
    private const int MinNationalDigits = 9;
    private const int MaxNationalDigits = 13;

    // The library is asked about at most this many candidates per stretch of digit groups, which bounds the cost of a
    // long table of numbers that passes the hand-written checks.
    private const int MaxLibraryCallsPerStretch = 6;

    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    private readonly string[] _parseRegions;
    private readonly PhoneVerdictCache _cache = new();

    /// <summary>Initializes a new instance of the <see cref="PhoneNumberDetector"/> class.</summary>
    /// <param name="regions">
    /// ISO 3166-1 region codes (<c>GB</c>, <c>DE</c>) whose national forms are recognised in numbers written without
    /// <c>+</c> and a country code; <see langword="null"/> for <see cref="DefaultRegions"/>. Numbers written with <c>+</c>
    /// are recognised for every country whatever the list.
    /// </param>
    /// <exception cref="ArgumentException">A region code is not one libphonenumber knows.</exception>
    public PhoneNumberDetector(IEnumerable<string>? regions = null)
    {
        string[] list = [.. (regions ?? DefaultRegions).Select(r => (r ?? string.Empty).Trim().ToUpperInvariant()).Distinct(StringComparer.Ordinal)];
        HashSet<string> supported = Util.GetSupportedRegions();
        foreach (string region in list)
        {
            if (!supported.Contains(region))
            {
                throw new ArgumentException($"'{region}' is not a region code libphonenumber knows.", nameof(regions));
            }
        }

        Regions = list;

        // Regions that share a country code (US and CA) parse alike and are validated together, so one of them is enough.
        _parseRegions = [.. list.DistinctBy(Util.GetCountryCodeForRegion)];
    }

    /// <summary>
    /// Gets the regions used when none are given: North America, most of Europe, India, China, Japan, Australia, Brazil,
    /// Mexico, Singapore and South Africa.
    /// </summary>
    public static IReadOnlyList<string> DefaultRegions { get; } =
    [
        "US", "CA", "GB", "IE", "DE", "AT", "CH", "FR", "BE", "NL", "ES", "IT", "SE", "NO", "DK", "PL",
        "IN", "CN", "JP", "AU", "BR", "MX", "SG", "ZA",
    ];

    /// <summary>Gets the regions whose national forms are recognised.</summary>
    public IReadOnlyList<string> Regions { get; }

    /// <inheritdoc />
    public void Detect(ReadOnlySpan<char> text, ICollection<SensitiveSpan> spans)
    {
        ArgumentNullException.ThrowIfNull(spans);
        Span<PhoneDigitGroup> groups = stackalloc PhoneDigitGroup[PhoneDigitStretch.MaxGroups];
        Span<bool> marks = stackalloc bool[PhoneDigitStretch.MaxGroups];
        int pos = 0;
        while (pos < text.Length)
        {
            // Most digit runs in prose ("at 78 % of", "1.5 degrees") are far from seven other digits and are passed over
            // without reading their groups.
            int start = PhoneDigitRuns.IndexOfCandidateRun(text, pos, MinTrunkDigits);
            if (start < 0)
            {
                return;
            }

            int count = PhoneDigitStretch.Read(text, start, groups);
            int digits = 0;
            foreach (PhoneDigitGroup group in groups[..count])
            {
                digits += group.Length;
            }

            // Runs with other digits nearby that still make no long stretch ("37.7749 N, 122.4194 W") end here.
            if (digits >= MinTrunkDigits)
            {
                int before = spans.Count;
                marks[..count].Clear();
                DetectInStretch(text, groups[..count], marks[..count], spans);
                // A stretch that opens with a date, a time or an address of a host (most of those no rule took) needs no
                // label: only card marks are made again for a labelled number.
                if (spans.Count == before && (!marks[0] || IsCardShaped(groups[..count]) || digits >= 13))
                {
                    DetectLabelled(text, groups[..count], marks[..count], spans);
                }
            }

            pos = groups[count - 1].End + 1;
        }
    }

    private void DetectInStretch(ReadOnlySpan<char> text, ReadOnlySpan<PhoneDigitGroup> groups, Span<bool> excluded, ICollection<SensitiveSpan> spans)
    {
        Span<bool> thousandsLike = stackalloc bool[groups.Length];
        PhoneDigitStretch.MarkOtherValues(text, groups, excluded, thousandsLike);
        int calls = 0;

        int first = groups[0].Start;
        if (first > 0 && text[first - 1] == '+')
        {
            // A '+' number is judged as a whole; when it is none, its groups are not tried again as national numbers.
            _ = TryInternational(text, groups, ref calls, spans, dialPrefix: false);
            return;
        }

        // 00 is how most of Europe, Africa and Asia dial abroad, and how people there write '+' (0049 30 12345678). Tried as
        // the '+' form it stands for; what is no international number is still tried below as a national one.
        if (groups[0].Length >= 3 && text[first] == '0' && text[first + 1] == '0' && text[first + 2] != '0'
            && IsSpacedAfterCountryCode(groups) && TryInternational(text, groups, ref calls, spans, dialPrefix: true) >= 0)
        {
            return;
        }

        int a = 0;
        StretchContext context = StretchContext.Unread;
        while (a < groups.Length && calls < MaxLibraryCallsPerStretch && context != StretchContext.Vetoed)
        {
            int last = !excluded[a] && (a == 0 || groups[a].Joint is PhoneJoint.Space or PhoneJoint.ParenOpen)
                ? TryNational(text, groups, a, excluded, thousandsLike, ref calls, ref context, spans)
                : -1;
            a = last >= 0 ? last + 1 : a + 1;
        }
    }

    /// <summary>What the words around a stretch say, read only when a candidate of it is about to go to the library.</summary>
    private enum StretchContext
    {
        /// <summary>Not read yet.</summary>
        Unread,

        /// <summary>Nothing around the stretch rules it out.</summary>
        Clear,

        /// <summary>A unit follows, or the stretch continues an IBAN: none of its candidates is a phone number.</summary>
        Vetoed,
    }

    /// <summary>
    /// Reads the context of the stretch once: quantities in a series ("21 22 23 21 20 19 kWh") end with their unit, and
    /// an IBAN's groups belong to <see cref="IbanDetector"/>.
    /// </summary>
    /// <remarks>
    /// The words are looked up lazily, before the first library question, not when the stretch is read: most stretches
    /// with eight digits (dates, times, IPv4 addresses, readings) have no candidate left after the hand-written checks,
    /// and the look-ups cost more than those checks (measured on the benchmark prompt, where 30 of 34 such stretches are
    /// ruled out before any look-up).
    /// </remarks>
    private static bool Vetoed(ReadOnlySpan<char> text, ReadOnlySpan<PhoneDigitGroup> groups, ref StretchContext context)
    {
        if (context == StretchContext.Unread)
        {
            bool vetoed = PhoneContext.UnitFollows(text, groups[^1].End) || IbanDetector.ContinuesIban(text, groups[0].Start);
            context = vetoed ? StretchContext.Vetoed : StretchContext.Clear;
        }

        return context == StretchContext.Vetoed;
    }

    /// <summary>
    /// Whether a 00 number is written as people write one: a space after the country code and no dots. Digits after 00
    /// joined by dots or dashes (<c>0031.2045.77</c>, the <c>0066-1229-9159</c> inside a GUID) are article numbers and
    /// identifiers far more often.
    /// </summary>
    private static bool IsSpacedAfterCountryCode(ReadOnlySpan<PhoneDigitGroup> groups)
    {
        if (groups.Length < 2 || groups[1].Joint != PhoneJoint.Space)
        {
            return false;
        }

        foreach (PhoneDigitGroup group in groups)
        {
            if (group.Joint == PhoneJoint.Dot)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Tries the <c>+</c> (or <c>00</c>) number that starts the stretch, longest first; returns its last group, or -1.</summary>
    /// <param name="text">The text.</param>
    /// <param name="groups">The stretch's groups, the first holding the country code (after the '+' or the 00).</param>
    /// <param name="calls">The library calls made for the stretch so far.</param>
    /// <param name="spans">Where a number found goes.</param>
    /// <param name="dialPrefix">Whether the number starts with the international dial prefix 00 rather than a '+'.</param>
    private int TryInternational(ReadOnlySpan<char> text, ReadOnlySpan<PhoneDigitGroup> groups, ref int calls, ICollection<SensitiveSpan> spans, bool dialPrefix)
    {
        int start = dialPrefix ? groups[0].Start : groups[0].Start - 1;
        if (start > 0 && (char.IsLetterOrDigit(text[start - 1]) || text[start - 1] is '_' or '+' or '.' or '-' or '/'))
        {
            return -1;
        }

        // Judged as the '+' number it stands for: "+" and the digits after the 00.
        Span<char> plus = dialPrefix ? stackalloc char[Math.Min(64, groups[^1].End - start - 1)] : default;
        int possibleLast = -1;
        for (int last = groups.Length - 1; last >= 0 && calls < MaxLibraryCallsPerStretch; last--)
        {
            int digits = Digits(groups[..(last + 1)]) - (dialPrefix ? 2 : 0);
            if (digits > MaxInternationalDigits || !EndsCandidate(groups, last) || !ParenthesesBalance(groups[..(last + 1)], false))
            {
                continue;
            }

            if (digits < MinInternationalDigits)
            {
                break;
            }

            calls++;
            scoped ReadOnlySpan<char> candidate = text[start..groups[last].End];
            if (dialPrefix)
            {
                if (candidate.Length - 1 > plus.Length)
                {
                    continue;
                }

                plus[0] = '+';
                candidate[2..].CopyTo(plus[1..]);
                candidate = plus[..(candidate.Length - 1)];
            }

            PhoneVerdict verdict = Judge(candidate, international: true);
            if (verdict == PhoneVerdict.Valid)
            {
                return Report(text, start, groups[last].End, 0.9, spans) ? last : -1;
            }

            if (verdict == PhoneVerdict.Possible && possibleLast < 0)
            {
                possibleLast = last;
            }
        }

        return possibleLast >= 0 && Report(text, start, groups[possibleLast].End, 0.8, spans) ? possibleLast : -1;
    }

    /// <summary>Tries national numbers that start at group <paramref name="a"/>, longest first; returns the last group, or -1.</summary>
    private int TryNational(
        ReadOnlySpan<char> text, ReadOnlySpan<PhoneDigitGroup> groups, int a, ReadOnlySpan<bool> excluded, ReadOnlySpan<bool> thousandsLike,
        ref int calls, ref StretchContext context, ICollection<SensitiveSpan> spans)
    {
        bool parenBefore = groups[a].Start > 0 && text[groups[a].Start - 1] == '(';
        if (!StartsCandidate(text, parenBefore ? groups[a].Start - 1 : groups[a].Start))
        {
            return -1;
        }

        bool labelRead = false;

        int end = a;
        int digits = 0;
        while (end < groups.Length && !excluded[end] && digits + groups[end].Length <= MaxNationalDigits)
        {
            digits += groups[end].Length;
            end++;
        }

        for (int last = end - 1; last > a && calls < MaxLibraryCallsPerStretch; last--)
        {
            // "(02) 9876 5432": the parenthesis opens the area code and belongs to the span; "(020 7946 0958)": it
            // encloses the whole number and does not.
            ReadOnlySpan<PhoneDigitGroup> candidate = groups[a..(last + 1)];
            bool paren = parenBefore && ClosesFirst(candidate);
            int start = paren ? groups[a].Start - 1 : groups[a].Start;
            if (!EndsCandidate(groups, last) || !ParenthesesBalance(candidate, paren))
            {
                continue;
            }

            PhoneLayout layout = Classify(text, candidate, paren, thousandsLike[a..(last + 1)].Contains(true));
            if (layout == PhoneLayout.None)
            {
                continue;
            }

            // The words around are read once a candidate has a layout, which few stretches reach.
            if (!labelRead)
            {
                if (Vetoed(text, groups, ref context) || PhoneContext.LabelPrecedes(text, groups[a].Start))
                {
                    return -1;
                }

                labelRead = true;
            }

            calls++;
            PhoneVerdict verdict = Judge(text[start..candidate[^1].End], international: false);

            // A phone layout that no configured region knows may still be another region's number (Turkey's 0532 123 45
            // 67, the Philippines' 0917 123 4567): valid there, it counts.
            if (verdict == PhoneVerdict.None && layout == PhoneLayout.Strong && text[groups[a].Start] == '0')
            {
                verdict = JudgeOtherRegions(text[start..candidate[^1].End]);
            }

            bool accepted = verdict == PhoneVerdict.Valid || (verdict == PhoneVerdict.Possible && layout == PhoneLayout.Strong);
            if (accepted && Report(text, start, candidate[^1].End, verdict == PhoneVerdict.Valid ? 0.8 : 0.65, spans))
            {
                return last;
            }
        }

        return -1;
    }

    /// <summary>How phone-like the grouping of a national candidate is, which decides how sure the library must be.</summary>
    private enum PhoneLayout
    {
        /// <summary>Not a national number layout.</summary>
        None,

        /// <summary>Some grouping: the number must be valid in a configured region.</summary>
        Weak,

        /// <summary>A phone layout: the number must be possible in a configured region.</summary>
        Strong,
    }

    private static PhoneLayout Classify(ReadOnlySpan<char> text, ReadOnlySpan<PhoneDigitGroup> groups, bool paren, bool thousandsLike)
    {
        int digits = Digits(groups);
        int longest = 0;
        bool allShort = true;
        bool even = groups.Length is >= 3 and <= 5;
        for (int k = 0; k < groups.Length; k++)
        {
            longest = Math.Max(longest, groups[k].Length);
            allShort &= groups[k].Length <= 2;
            even &= groups[k].Length is >= 2 and <= 4 && (k < 2 || groups[k].Joint == groups[1].Joint) && groups[k].Joint is not (PhoneJoint.ParenOpen or PhoneJoint.ParenClose);
        }

        char lead = text[groups[0].Start];

        // One repeated digit (000-00-0000, 111-11-1111) is a placeholder; 3-2-4 with hyphens is a US social security number.
        if (OneRepeatedDigit(text, groups) || (groups.Length == 3 && groups[0].Length == 3 && groups[1].Length == 2 && groups[2].Length == 4 && groups[1].Joint == PhoneJoint.Dash))
        {
            return PhoneLayout.None;
        }

        // Trunk prefix: 0 and the area code (2 to 6 digits: 030, 0412, 01512, 098765), then the subscriber number.
        if (lead == '0' && groups[0].Length is >= 2 and <= 6 && text[groups[0].Start + 1] != '0')
        {
            return digits is >= MinTrunkDigits and <= MaxNationalDigits ? (digits >= MinNationalDigits ? PhoneLayout.Strong : PhoneLayout.Weak) : PhoneLayout.None;
        }

        if (digits is < MinNationalDigits or > 12)
        {
            return PhoneLayout.None;
        }

        // 3-3-4 (or 1-3-3-4) is the North American layout; one starting with 1 is a failed North American number, not
        // some other region's.
        int nanp = groups.Length == 4 && groups[0].Length == 1 && lead == '1' ? 1 : 0;
        if (groups.Length - nanp == 3 && groups[nanp].Length == 3 && groups[nanp + 1].Length == 3 && groups[nanp + 2].Length == 4)
        {
            char area = text[groups[nanp].Start];
            char exchange = text[groups[nanp + 1].Start];
            if (area == '1' || (nanp == 0 && lead == '1'))
            {
                return PhoneLayout.None;
            }

            return area >= '2' && exchange >= '2' ? PhoneLayout.Strong : PhoneLayout.Weak;
        }

        // Other groupings: the area code is at most four digits, no group more than five (Brazil's mobile groups), and
        // readings in a row of one- or two-digit figures ("21 22 23 21 20") are not a number.
        // A closing pair of digits follows short groups ("612 34 56 78"), not long ones ("1234 5678 90").
        if (groups[0].Length > (paren ? 3 : 4) || longest > 5 || allShort || (groups[^1].Length <= 2 && groups[^2].Length > 3))
        {
            return PhoneLayout.None;
        }

        // Three to five even groups with one separator, other than spaces (which also separate readings) or thousands.
        bool evenStrong = even && digits is 10 or 11 && groups[1].Joint != PhoneJoint.Space && !thousandsLike;
        return evenStrong ? PhoneLayout.Strong : PhoneLayout.Weak;
    }

    /// <summary>Asks libphonenumber (or the cache) about one candidate.</summary>
    private PhoneVerdict Judge(ReadOnlySpan<char> candidate, bool international)
    {
        if (_cache.TryGet(candidate, out PhoneVerdict cached))
        {
            return cached;
        }

        string value = candidate.ToString();
        PhoneVerdict verdict = PhoneVerdict.None;
        if (international)
        {
            verdict = JudgeIn(value, "ZZ");
        }
        else
        {
            foreach (string region in _parseRegions)
            {
                PhoneVerdict inRegion = JudgeIn(value, region);
                verdict = (PhoneVerdict)Math.Max((int)verdict, (int)inRegion);
                if (verdict == PhoneVerdict.Valid)
                {
                    break;
                }
            }
        }

        _cache.Set(value, verdict);
        return verdict;
    }

    private static PhoneVerdict JudgeIn(string value, string region)
    {
        try
        {
            PhoneNumber number = Util.Parse(value, region);

            // The length check is cheap and rules out most regions before the costlier range check.
            if (Util.IsPossibleNumberWithReason(number) != PhoneNumberUtil.ValidationResult.IS_POSSIBLE)
            {
                return PhoneVerdict.None;
            }

            return Util.IsValidNumber(number) ? PhoneVerdict.Valid : PhoneVerdict.Possible;
        }
        catch (NumberParseException)
        {
            return PhoneVerdict.None;
        }
    }

    /// <summary>Adds the span with its extension when the number is not glued to what follows; returns whether it did.</summary>
    private static bool Report(ReadOnlySpan<char> text, int start, int end, double confidence, ICollection<SensitiveSpan> spans)
    {
        int withExtension = PhoneContext.ReadExtension(text, end);
        if (!EndsFree(text, withExtension))
        {
            return false;
        }

        spans.Add(new SensitiveSpan(start, withExtension - start, EntityTypes.Phone, confidence));
        return true;
    }

    /// <summary>A number may not continue a word, an e-mail local part, a decimal, or a code joined by '-', '.' or '/'.</summary>
    private static bool StartsCandidate(ReadOnlySpan<char> text, int start)
    {
        if (start == 0)
        {
            return true;
        }

        char before = text[start - 1];
        bool afterDigit = start > 1 && char.IsAsciiDigit(text[start - 2]);
        return !char.IsLetterOrDigit(before) && before is not ('_' or '.' or '-' or '/' or ',' or '@' or '%' or '+' or '\\')
            && !(before == ':' && afterDigit);
    }

    private static bool EndsFree(ReadOnlySpan<char> text, int end)
    {
        if (end == text.Length)
        {
            return true;
        }

        char after = text[end];
        bool digitNext = end + 1 < text.Length && char.IsAsciiDigit(text[end + 1]);
        return !char.IsLetterOrDigit(after) && after is not ('_' or '@' or '%')
            && !(after is '.' or '-' or '/' or ',' or ':' && digitNext);
    }

    /// <summary>A candidate ends at the stretch's end or before a space: a hyphen or dot joins a code's groups.</summary>
    private static bool EndsCandidate(ReadOnlySpan<PhoneDigitGroup> groups, int last)
        => last == groups.Length - 1 || groups[last + 1].Joint is PhoneJoint.Space or PhoneJoint.ParenOpen;

    private static bool ClosesFirst(ReadOnlySpan<PhoneDigitGroup> groups)
    {
        for (int k = 1; k < groups.Length; k++)
        {
            if (groups[k].Joint is PhoneJoint.ParenOpen or PhoneJoint.ParenClose)
            {
                return groups[k].Joint == PhoneJoint.ParenClose;
            }
        }

        return false;
    }

    private static bool ParenthesesBalance(ReadOnlySpan<PhoneDigitGroup> groups, bool openBefore)
    {
        int open = openBefore ? 1 : 0;
        for (int k = 1; k < groups.Length; k++)
        {
            open += groups[k].Joint == PhoneJoint.ParenOpen ? 1 : groups[k].Joint == PhoneJoint.ParenClose ? -1 : 0;
            if (open < 0)
            {
                return false;
            }
        }

        return open == 0;
    }

    private static bool OneRepeatedDigit(ReadOnlySpan<char> text, ReadOnlySpan<PhoneDigitGroup> groups)
    {
        char first = text[groups[0].Start];
        foreach (PhoneDigitGroup group in groups)
        {
            if (text[group.Start..group.End].ContainsAnyExcept(first))
            {
                return false;
            }
        }

        return true;
    }

    private static int Digits(ReadOnlySpan<PhoneDigitGroup> groups)
    {
        int digits = 0;
        foreach (PhoneDigitGroup group in groups)
        {
            digits += group.Length;
        }

        return digits;
    }
}
