namespace Eaio.Routing;

/// <content>
/// Numbers the writer labels as phone numbers (<see cref="PhoneLabel"/>), and trunk-prefix numbers of the numbering plans
/// not configured: both are judged against more regions than <see cref="Regions"/>.
/// </content>
public sealed partial class PhoneNumberDetector
{
    /// <summary>
    /// Tries a stretch that no other rule took when a phone label stands before it (<see cref="PhoneLabel"/>): one run of
    /// digits, an E.164 number without its <c>+</c>, eight digits without a trunk prefix, or a grouping of a region not
    /// configured. The writer's label stands in for the layout, so a number valid as E.164, possible in a configured
    /// region, or valid in one of <see cref="LabelledRegions"/> is reported.
    /// </summary>
    private void DetectLabelled(ReadOnlySpan<char> text, ReadOnlySpan<PhoneDigitGroup> groups, ReadOnlySpan<bool> marks, ICollection<SensitiveSpan> spans)
    {
        int first = groups[0].Start;
        bool paren = first > 0 && text[first - 1] == '(';
        int start = paren ? first - 1 : first;
        if (start > 0 && (char.IsLetterOrDigit(text[start - 1]) || text[start - 1] is '+' or '_' or '.' or '-' or '/'))
        {
            return;
        }

        // Most stretches that reach here are dates, times and addresses of hosts, which the marks already made rule out
        // before any word is read. They are made again without the card marks only where those can have set a group aside:
        // three groups of four digits, or thirteen digits and more.
        Span<bool> excluded = stackalloc bool[groups.Length];
        if (marks[0])
        {
            Span<bool> thousandsLike = stackalloc bool[groups.Length];
            PhoneDigitStretch.MarkOtherValues(text, groups, excluded, thousandsLike, cardGroups: false);
        }
        else
        {
            marks.CopyTo(excluded);
        }

        int end = 0;
        int digits = 0;
        while (end < groups.Length && !excluded[end] && digits + groups[end].Length <= MaxInternationalDigits)
        {
            digits += groups[end++].Length;
        }

        if (digits < MinTrunkDigits || !(PhoneLabel.Precedes(text, start) || PhoneLabel.InLabelledColumn(text, start)) || PhoneContext.UnitFollows(text, groups[^1].End))
        {
            return;
        }

        for (int last = end - 1, tries = 0; last >= 0 && tries < 3; last--)
        {
            ReadOnlySpan<PhoneDigitGroup> candidate = groups[..(last + 1)];
            int count = Digits(candidate);
            if (count < MinTrunkDigits)
            {
                return;
            }

            if (!EndsCandidate(groups, last) || !ParenthesesBalance(candidate, paren) || OneRepeatedDigit(text, candidate))
            {
                continue;
            }

            // A compact date (20160301) is no eight-digit number.
            if (candidate.Length == 1 && count == 8 && IsCompactDate(text.Slice(first, 8)))
            {
                return;
            }

            tries++;
            if (JudgeLabelled(text[first..candidate[^1].End], count) != PhoneVerdict.None
                && Report(text, paren && ClosesFirst(candidate) ? start : first, candidate[^1].End, 0.75, spans))
            {
                return;
            }
        }
    }

    /// <summary>
    /// Regions tried for a labelled number beyond the configured ones, where a number must be valid (not only of a possible
    /// length): the most populous numbering plans not in <see cref="DefaultRegions"/>.
    /// </summary>
    private static readonly string[] LabelledRegions =
    [
        "KR", "RU", "TR", "ID", "PH", "VN", "TH", "MY", "NG", "EG", "PK", "BD", "AR", "CO", "CL", "PE", "SA", "AE", "IL", "UA",
        "RO", "CZ", "PT", "GR", "HU", "FI", "NZ", "HK", "TW", "KE", "MA", "LU", "SK", "HR", "BG", "QA", "KW", "GH", "LK", "NP",
    ];

    private PhoneVerdict JudgeOtherRegions(ReadOnlySpan<char> candidate)
    {
        Span<char> key = stackalloc char[Math.Min(96, candidate.Length + 1)];
        if (candidate.Length + 1 > key.Length)
        {
            return PhoneVerdict.None;
        }

        key[0] = '\u0002';
        candidate.CopyTo(key[1..]);
        if (_cache.TryGet(key, out PhoneVerdict cached))
        {
            return cached;
        }

        string value = candidate.ToString();
        PhoneVerdict verdict = PhoneVerdict.None;
        for (int r = 0; r < LabelledRegions.Length && verdict == PhoneVerdict.None; r++)
        {
            verdict = JudgeIn(value, LabelledRegions[r]) == PhoneVerdict.Valid ? PhoneVerdict.Valid : PhoneVerdict.None;
        }

        _cache.Set(key.ToString(), verdict);
        return verdict;
    }

    private PhoneVerdict JudgeLabelled(ReadOnlySpan<char> candidate, int digits)
    {
        // Keyed apart from the other verdicts: the same digits mean something else with a label.
        Span<char> key = stackalloc char[Math.Min(96, candidate.Length + 1)];
        if (candidate.Length + 1 > key.Length)
        {
            return PhoneVerdict.None;
        }

        key[0] = '\u0001';
        candidate.CopyTo(key[1..]);
        if (_cache.TryGet(key, out PhoneVerdict cached))
        {
            return cached;
        }

        Span<char> plain = stackalloc char[digits + 1];
        int n = 1;
        plain[0] = '+';
        foreach (char c in candidate)
        {
            if (char.IsAsciiDigit(c))
            {
                plain[n++] = c;
            }
        }

        // E.164 without its '+' (4915112345678), never with a trunk zero; then the configured regions' national forms;
        // then the other regions', valid only.
        string national = candidate.ToString();
        PhoneVerdict verdict = digits >= 10 && plain[1] != '0' && JudgeIn(plain.ToString(), "ZZ") == PhoneVerdict.Valid ? PhoneVerdict.Valid : PhoneVerdict.None;
        for (int r = 0; r < _parseRegions.Length && verdict == PhoneVerdict.None; r++)
        {
            verdict = JudgeIn(national, _parseRegions[r]);
        }

        if (verdict == PhoneVerdict.None)
        {
            verdict = JudgeOtherRegions(candidate);
        }

        _cache.Set(key.ToString(), verdict);
        return verdict;
    }

    private static bool IsCardShaped(ReadOnlySpan<PhoneDigitGroup> groups) =>
        groups.Length >= 3 && groups[0].Length == 4 && groups[1].Length == 4 && groups[2].Length == 4;

    private static bool IsCompactDate(ReadOnlySpan<char> digits) =>
        digits[0] is '1' or '2' && digits[1] is '9' or '0' && digits[4] is '0' or '1' && digits[6] is >= '0' and <= '3'
        && (digits[4] == '0' ? digits[5] != '0' : digits[5] <= '2');
}
