using System.Diagnostics;

namespace Eaio.Routing;

/// <summary>How two digit groups of a phone-number candidate are joined.</summary>
internal enum PhoneJoint : byte
{
    /// <summary>Nothing before the first group.</summary>
    None,

    /// <summary>One space.</summary>
    Space,

    /// <summary>A hyphen, alone or with a space on both sides.</summary>
    Dash,

    /// <summary>One dot.</summary>
    Dot,

    /// <summary>A closing parenthesis, alone or followed by a space or hyphen: <c>(02) 9876</c>.</summary>
    ParenClose,

    /// <summary>An opening parenthesis, alone or after a space: <c>+49 (0)30</c>.</summary>
    ParenOpen,

    /// <summary>A slash after a national area code with its trunk zero, as German-speaking countries wrote numbers:
    /// <c>030/5439600</c>, <c>01/5123456</c>.</summary>
    Slash,
}

/// <summary>One maximal run of ASCII digits and how it is joined to the run before it.</summary>
internal readonly record struct PhoneDigitGroup(int Start, int End, PhoneJoint Joint)
{
    public int Length => End - Start;
}

/// <summary>
/// Reads the digit groups around a digit of the text and marks the groups that belong to values with a shape of their own
/// (dates, IPv4 addresses, thousands-separated amounts, card and account numbers), so no phone candidate is built from them.
/// </summary>
/// <remarks>
/// The marks are a cheap, hand-written veto before libphonenumber: its metadata accepts many such values as some region's
/// number (<c>2016-03-01</c> parses as a valid German number, <c>12 345 678 901</c> as a US one).
/// </remarks>
internal static class PhoneDigitStretch
{
    /// <summary>The most groups read into one stretch; longer stretches continue at the next call.</summary>
    public const int MaxGroups = 16;

    /// <summary>
    /// Reads groups joined by <see cref="PhoneJoint"/> separators starting at the digit at <paramref name="start"/>.
    /// </summary>
    /// <returns>The number of groups read into <paramref name="groups"/>.</returns>
    public static int Read(ReadOnlySpan<char> text, int start, Span<PhoneDigitGroup> groups)
    {
        int count = 0;
        int pos = start;
        PhoneJoint joint = PhoneJoint.None;
        int openParens = start > 0 && text[start - 1] == '(' ? 1 : 0;
        while (count < groups.Length)
        {
            // Groups are short: a loop is cheaper here than a vectorised search's set-up.
            int groupStart = pos;
            while (pos < text.Length && char.IsAsciiDigit(text[pos]))
            {
                pos++;
            }

            groups[count++] = new PhoneDigitGroup(groupStart, pos, joint);

            int next;
            if (count == 1 && IsAreaCodeSlash(text, groups[0], pos))
            {
                (joint, next) = (PhoneJoint.Slash, pos + 1);
            }
            else
            {
                next = ReadJoint(text, pos, ref openParens, out joint);
            }

            if (next < 0)
            {
                break;
            }

            pos = next;
        }

        return count;
    }

    /// <summary>
    /// Whether a slash at <paramref name="pos"/> joins an area code to its subscriber number: the first group is a trunk
    /// zero and two to five digits, and at least three digits follow with no second slash after them. A date or a fraction
    /// has a second slash, a short group after it, or no leading zero (<c>01/03/2016</c>, <c>03/2016</c>, <c>1/2</c>).
    /// </summary>
    private static bool IsAreaCodeSlash(ReadOnlySpan<char> text, PhoneDigitGroup first, int pos)
    {
        if (pos >= text.Length || text[pos] != '/' || first.Length is < 2 or > 5 || text[first.Start] != '0')
        {
            return false;
        }

        int after = pos + 1;
        int run = 0;
        while (after + run < text.Length && char.IsAsciiDigit(text[after + run]))
        {
            run++;
        }

        return run >= 3 && (after + run >= text.Length || text[after + run] != '/');
    }

    /// <summary>Reads the separator at <paramref name="pos"/>; returns where the next group starts, or -1.</summary>
    private static int ReadJoint(ReadOnlySpan<char> text, int pos, ref int openParens, out PhoneJoint joint)
    {
        // One look at the first character decides the joint ("1.5 degrees" and "78 %" end at once); only a space needs a
        // second look, for " - " and " (".
        int width = 1;
        joint = pos >= text.Length ? PhoneJoint.None : text[pos] switch
        {
            ' ' => PhoneJoint.Space,
            '-' => PhoneJoint.Dash,
            '.' => PhoneJoint.Dot,
            '(' => PhoneJoint.ParenOpen,
            ')' when openParens > 0 => PhoneJoint.ParenClose,
            _ => PhoneJoint.None,
        };

        if (joint == PhoneJoint.Space && pos + 1 < text.Length)
        {
            if (text[pos + 1] == '(')
            {
                (joint, width) = (PhoneJoint.ParenOpen, 2);
            }
            else if (text[pos + 1] == '-' && pos + 2 < text.Length && text[pos + 2] == ' ')
            {
                (joint, width) = (PhoneJoint.Dash, 3);
            }
        }
        else if (joint == PhoneJoint.ParenClose && pos + 1 < text.Length && text[pos + 1] is ' ' or '-')
        {
            width = 2;
        }

        if (joint == PhoneJoint.None || pos + width >= text.Length || !char.IsAsciiDigit(text[pos + width]))
        {
            joint = PhoneJoint.None;
            return -1;
        }

        openParens += joint == PhoneJoint.ParenOpen ? 1 : joint == PhoneJoint.ParenClose ? -1 : 0;
        return pos + width;
    }

    /// <summary>Marks the groups that are part of a date, an IPv4 address, an amount, or a card or account number.</summary>
    /// <param name="text">The text.</param>
    /// <param name="groups">The groups of one stretch.</param>
    /// <param name="excluded">One flag per group, set for a group no candidate may hold.</param>
    /// <param name="thousandsLike">One flag per group, set for groups that could be an amount (<c>912 345 678</c>).</param>
    /// <param name="cardGroups">
    /// Whether card and account numbers are set aside (three or more groups of four digits, a run that passes Luhn's
    /// check); a labelled number (<c>mobile 0812-3456-7890</c>, <c>WhatsApp 4915112345678</c>) keeps them.
    /// </param>
    public static void MarkOtherValues(ReadOnlySpan<char> text, ReadOnlySpan<PhoneDigitGroup> groups, Span<bool> excluded, Span<bool> thousandsLike, bool cardGroups = true)
    {
        // Each group's value is read once: the marks below look at the same groups from several starts (measured: reading
        // the values again for each look cost a third of the time spent on stretches).
        Debug.Assert(groups.Length <= MaxGroups, "A stretch holds at most MaxGroups groups.");
        Span<int> values = stackalloc int[MaxGroups];
        for (int k = 0; k < groups.Length; k++)
        {
            values[k] = Value(text, groups[k]);
        }

        for (int k = 0; k < groups.Length; k++)
        {
            MarkDate(groups, values, k, excluded);
            MarkIpv4(groups, values, k, excluded);
            MarkThousands(text, groups, k, excluded, thousandsLike);
            if (cardGroups)
            {
                MarkCardGroups(groups, k, excluded);
            }
        }

        int digits = 0;
        foreach (PhoneDigitGroup group in groups)
        {
            digits += group.Length;
        }

        if (digits >= 13 && cardGroups)
        {
            MarkLuhnRuns(text, groups, excluded);
        }
    }

    private static void MarkDate(ReadOnlySpan<PhoneDigitGroup> groups, ReadOnlySpan<int> values, int k, Span<bool> excluded)
    {
        if (k + 1 >= groups.Length || groups[k + 1].Joint is not (PhoneJoint.Dash or PhoneJoint.Dot or PhoneJoint.Space))
        {
            return;
        }

        PhoneDigitGroup a = groups[k];
        PhoneDigitGroup b = groups[k + 1];
        bool sameJointThird = k + 2 < groups.Length && groups[k + 2].Joint == b.Joint;
        int va = values[k];
        int vb = values[k + 1];

        // Year first: 2016-03-01, 2016.03.01, and year-month (2016-03) or a range of years (2018-2019) with a hyphen or dot.
        if (a.Length == 4 && IsYear(va))
        {
            if (sameJointThird && b.Length <= 2 && vb is >= 1 and <= 12 && groups[k + 2].Length <= 2 && values[k + 2] is >= 1 and <= 31)
            {
                excluded[k] = excluded[k + 1] = excluded[k + 2] = true;
            }
            else if (b.Joint != PhoneJoint.Space && ((b.Length <= 2 && vb is >= 1 and <= 12) || (b.Length == 4 && IsYear(vb))))
            {
                excluded[k] = excluded[k + 1] = true;
            }

            return;
        }

        // Day and month first, in either order: 01.03.2016, 03-01-2016, 1 3 2016.
        if (sameJointThird && a.Length <= 2 && b.Length <= 2 && va is >= 1 and <= 31 && vb is >= 1 and <= 31 && (va <= 12 || vb <= 12)
            && groups[k + 2].Length == 4 && IsYear(values[k + 2]))
        {
            excluded[k] = excluded[k + 1] = excluded[k + 2] = true;
        }
    }

    private static void MarkIpv4(ReadOnlySpan<PhoneDigitGroup> groups, ReadOnlySpan<int> values, int k, Span<bool> excluded)
    {
        // Exactly four dotted groups: a fifth (06.12.34.56.78, a French number) makes it something else.
        if (k + 3 >= groups.Length || (k > 0 && groups[k].Joint == PhoneJoint.Dot) || (k + 4 < groups.Length && groups[k + 4].Joint == PhoneJoint.Dot))
        {
            return;
        }

        for (int j = k; j < k + 4; j++)
        {
            if (groups[j].Length > 3 || values[j] > 255 || (j > k && groups[j].Joint != PhoneJoint.Dot))
            {
                return;
            }
        }

        excluded[k..(k + 4)].Fill(true);
    }

    private static void MarkThousands(ReadOnlySpan<char> text, ReadOnlySpan<PhoneDigitGroup> groups, int k, Span<bool> excluded, Span<bool> thousandsLike)
    {
        // An amount starts with one to three digits, not a trunk 0, and goes on in groups of exactly three.
        PhoneDigitGroup first = groups[k];
        if (first.Length > 3 || text[first.Start] == '0')
        {
            return;
        }

        int end = k + 1;
        PhoneJoint joint = end < groups.Length ? groups[end].Joint : PhoneJoint.None;
        if (joint is not (PhoneJoint.Space or PhoneJoint.Dot))
        {
            return;
        }

        while (end < groups.Length && groups[end].Joint == joint && groups[end].Length == 3)
        {
            end++;
        }

        int threes = end - k - 1;
        if (threes >= 3 || (threes == 2 && joint == PhoneJoint.Dot))
        {
            // 12 345 678 901, 1.234.567: an amount, whatever else it could be.
            excluded[k..end].Fill(true);
        }
        else if (threes == 2)
        {
            // 912 345 678 is a Spanish or Polish number as often as an amount: only a valid number counts.
            thousandsLike[k..end].Fill(true);
        }
    }

    private static void MarkCardGroups(ReadOnlySpan<PhoneDigitGroup> groups, int k, Span<bool> excluded)
    {
        // Three or more groups of exactly four digits with one separator are how cards and IBANs are written.
        int end = k;
        while (end < groups.Length && groups[end].Length == 4 && (end == k || groups[end].Joint == groups[k + 1].Joint))
        {
            end++;
        }

        if (end - k >= 3)
        {
            excluded[k..end].Fill(true);
        }
    }

    private static void MarkLuhnRuns(ReadOnlySpan<char> text, ReadOnlySpan<PhoneDigitGroup> groups, Span<bool> excluded)
    {
        // Any run of whole groups with 13 to 19 digits that passes Luhn is a card (PaymentCardDetector reports it).
        for (int first = 0; first < groups.Length; first++)
        {
            int digits = 0;
            for (int last = first; last < groups.Length; last++)
            {
                if (last > first && groups[last].Joint is not (PhoneJoint.Space or PhoneJoint.Dash or PhoneJoint.Dot))
                {
                    break;
                }

                digits += groups[last].Length;
                if (digits > 19)
                {
                    break;
                }

                if (digits >= 13 && PaymentCardDetector.IsCardNumber(text[groups[first].Start..groups[last].End]))
                {
                    excluded[first..(last + 1)].Fill(true);
                }
            }
        }
    }

    private static bool IsYear(int value) => value is >= 1900 and <= 2099;

    private static int Value(ReadOnlySpan<char> text, PhoneDigitGroup group)
    {
        if (group.Length > 6)
        {
            return int.MaxValue;
        }

        int value = 0;
        foreach (char c in text[group.Start..group.End])
        {
            value = (value * 10) + (c - '0');
        }

        return value;
    }
}
