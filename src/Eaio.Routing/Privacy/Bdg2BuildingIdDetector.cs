using System.Collections.Frozen;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Eaio.Routing;

/// <summary>
/// Finds building ids shaped like BDG2's, <c>&lt;Site&gt;_&lt;usage&gt;_&lt;Name&gt;</c> (<c>Panther_office_Hannah</c>),
/// without any configuration: in prose, CSV headers, JSON keys and values, and file names (<c>Panther_office_Hannah.csv</c>).
/// </summary>
/// <remarks>
/// <para>
/// The middle word must be one of BDG2's usage words (<see cref="UsageWords"/>: the simplified usage of every BDG2
/// building id, and the words of the <c>primaryspaceusage</c> column). The id is then reported in either of two forms:
/// </para>
/// <list type="bullet">
/// <item>the site is one of BDG2's 19 site code names (<see cref="SiteNames"/>): in any letter case
/// (<c>PANTHER_OFFICE_HANNAH</c>, <c>panther_office_hannah</c>), because people and models change the case;</item>
/// <item>any other site: only in BDG2's own spelling, capitalised site and name around a lower-case usage
/// (<c>Koala_office_Maria</c>). In other spellings the shape is also a code identifier (<c>max_office_hours</c>,
/// <c>MAX_OFFICE_HOURS</c>) or a document name (<c>Annual_Office_Report</c>), so it is left alone.</item>
/// </list>
/// <para>
/// The parts are ASCII letters; the id may sit inside a longer token (<c>meter_Panther_office_Hannah_kwh</c>) and may
/// have Markdown-escaped underscores (<c>Panther\_office\_Hannah</c>). An upper-case name followed by <c>_n</c> is the
/// start of a placeholder (<c>Panther_office_BUILDING_1</c>), never an id. A host's own id formats need a
/// <see cref="BuildingRegistryDetector"/> or a <see cref="PatternDetector"/>.
/// </para>
/// </remarks>
public sealed class Bdg2BuildingIdDetector : ISensitiveDataDetector
{
    private const int MinSiteLength = 3;
    private const int MinNameLength = 2;
    private const int MaxPartLength = 24;
    private const double KnownSiteConfidence = 0.95;
    private const double ShapeConfidence = 0.85;

    // Declared before the lookups built from them: static fields initialise in textual order.
    private static readonly string[] s_usageWords =
    [
        "education", "office", "assembly", "lodging", "public", "other", "health", "parking", "unknown", "warehouse",
        "industrial", "retail", "services", "science", "food", "utility", "religion",
        "entertainment", "residential", "healthcare", "storage", "manufacturing", "technology", "service", "sales", "religious", "worship",
    ];

    private static readonly string[] s_siteNames =
    [
        "Bear", "Bobcat", "Bull", "Cockatoo", "Crow", "Eagle", "Fox", "Gator", "Hog", "Lamb", "Moose", "Mouse", "Panther",
        "Peacock", "Rat", "Robin", "Shrew", "Swan", "Wolf",
    ];

    private static readonly FrozenSet<string> s_usages = s_usageWords.ToFrozenSet(StringComparer.OrdinalIgnoreCase);
    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> s_usageLookup = s_usages.GetAlternateLookup<ReadOnlySpan<char>>();
    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> s_siteLookup =
        s_siteNames.ToFrozenSet(StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();

    private static readonly int s_minUsageLength = s_usageWords.Min(w => w.Length);
    private static readonly int s_maxUsageLength = s_usageWords.Max(w => w.Length);

    /// <summary>
    /// Gets the usage words accepted in the middle of an id: the 17 simplified usages of BDG2's building ids and the
    /// words of its <c>primaryspaceusage</c> values (for example <c>Technology/science</c>, <c>Religious worship</c>).
    /// </summary>
    public static IReadOnlyList<string> UsageWords { get; } = Array.AsReadOnly(s_usageWords);

    /// <summary>Gets BDG2's site code names, which are matched in any letter case.</summary>
    public static IReadOnlyList<string> SiteNames { get; } = Array.AsReadOnly(s_siteNames);

    /// <inheritdoc />
    public void Detect(ReadOnlySpan<char> text, ICollection<SensitiveSpan> spans)
    {
        ArgumentNullException.ThrowIfNull(spans);

        // Every id has an underscore and underscores are rare in prose: a vectorised IndexOf finds the one before the
        // usage word, and the site and name around it are checked by hand.
        int from = 0;
        while (from < text.Length)
        {
            int underscore = NextUnderscoreBeforeLetter(text, from);
            if (underscore < 0)
            {
                return;
            }

            int usageStart = underscore + 1;
            int usageEnd = LettersForward(text, usageStart);
            int usageLength = usageEnd - usageStart;
            if (usageLength < s_minUsageLength || usageLength > s_maxUsageLength)
            {
                from = usageEnd;
                continue;
            }

            int nameStart = AfterSeparator(text, usageEnd);
            if (nameStart < 0 || !s_usageLookup.Contains(text[usageStart..usageEnd]))
            {
                from = usageEnd;
                continue;
            }

            int siteEnd = underscore > 0 && text[underscore - 1] == '\\' ? underscore - 1 : underscore;
            int siteStart = LettersBackward(text, siteEnd);
            int nameEnd = LettersForward(text, nameStart);
            if (IsId(text, siteStart, siteEnd, usageStart, usageEnd, nameStart, nameEnd, out double confidence))
            {
                spans.Add(new SensitiveSpan(siteStart, nameEnd - siteStart, EntityTypes.Building, confidence));
                from = nameEnd;
            }
            else
            {
                // The underscore after the usage may itself start the next id's usage ("x_office_Panther_office_Hannah").
                from = usageEnd;
            }
        }
    }

    private static bool IsId(ReadOnlySpan<char> text, int siteStart, int siteEnd, int usageStart, int usageEnd, int nameStart, int nameEnd, out double confidence)
    {
        confidence = 0;
        int siteLength = siteEnd - siteStart;
        int nameLength = nameEnd - nameStart;
        if (siteLength is < MinSiteLength or > MaxPartLength || nameLength is < MinNameLength or > MaxPartLength)
        {
            return false;
        }

        // Whole words only: a letter (of any script) glued on either side makes it a different word.
        if ((siteStart > 0 && char.IsLetter(text[siteStart - 1])) || (nameEnd < text.Length && char.IsLetter(text[nameEnd])))
        {
            return false;
        }

        ReadOnlySpan<char> site = text[siteStart..siteEnd];
        ReadOnlySpan<char> name = text[nameStart..nameEnd];
        if (IsPlaceholderStart(text, name, nameEnd))
        {
            return false;
        }

        if (s_siteLookup.Contains(site))
        {
            confidence = KnownSiteConfidence;
            return true;
        }

        if (IsCapitalised(site) && IsCapitalised(name) && !text[usageStart..usageEnd].ContainsAnyInRange('A', 'Z'))
        {
            confidence = ShapeConfidence;
            return true;
        }

        return false;
    }

    /// <summary>An upper-case name followed by <c>_n</c> (or <c>\_n</c>) ending the word is a placeholder's stem (<c>BUILDING_1</c>).</summary>
    private static bool IsPlaceholderStart(ReadOnlySpan<char> text, ReadOnlySpan<char> name, int nameEnd)
    {
        if (name.ContainsAnyInRange('a', 'z'))
        {
            return false;
        }

        int digits = AfterSeparator(text, nameEnd);
        if (digits < 0 || digits >= text.Length || text[digits] is < '1' or > '9')
        {
            return false;
        }

        int end = digits;
        while (end < text.Length && char.IsAsciiDigit(text[end]))
        {
            end++;
        }

        return end == text.Length || !(char.IsAsciiLetterOrDigit(text[end]) || text[end] == '_');
    }

    /// <summary>The index after an underscore (or a Markdown-escaped one) at <paramref name="at"/>, or -1.</summary>
    private static int AfterSeparator(ReadOnlySpan<char> text, int at)
    {
        if (at < text.Length && text[at] == '_')
        {
            return at + 1;
        }

        return at + 1 < text.Length && text[at] == '\\' && text[at + 1] == '_' ? at + 2 : -1;
    }

    /// <summary>The first '_' at or after <paramref name="from"/> with an ASCII letter after it (a usage word's first), or -1.</summary>
    /// <remarks>
    /// A masked payload has an underscore in every placeholder (EMAIL_1), one per value, and a search per underscore cost
    /// about 10 ns each: one vector pass passes over the underscores a digit follows, sixteen characters at a time.
    /// </remarks>
    private static int NextUnderscoreBeforeLetter(ReadOnlySpan<char> text, int from)
    {
        int i = from;
        if (Vector256.IsHardwareAccelerated)
        {
            ref ushort chars = ref MemoryMarshal.GetReference(MemoryMarshal.Cast<char, ushort>(text));
            for (; i <= text.Length - Vector256<ushort>.Count - 1; i += Vector256<ushort>.Count)
            {
                Vector256<ushort> underscores = Vector256.Equals(Vector256.LoadUnsafe(ref chars, (nuint)i), Vector256.Create((ushort)'_'));
                if (underscores == Vector256<ushort>.Zero)
                {
                    continue;
                }

                uint bits = (underscores & AsciiVectors.IsLetter(Vector256.LoadUnsafe(ref chars, (nuint)(i + 1)))).ExtractMostSignificantBits();
                if (bits != 0)
                {
                    return i + BitOperations.TrailingZeroCount(bits);
                }
            }
        }

        for (; i < text.Length - 1; i++)
        {
            if (text[i] == '_' && char.IsAsciiLetter(text[i + 1]))
            {
                return i;
            }
        }

        return -1;
    }

    private static int LettersForward(ReadOnlySpan<char> text, int start)
    {
        int end = start;
        while (end < text.Length && end - start <= MaxPartLength && char.IsAsciiLetter(text[end]))
        {
            end++;
        }

        return end;
    }

    private static int LettersBackward(ReadOnlySpan<char> text, int end)
    {
        int start = end;
        while (start > 0 && end - start <= MaxPartLength && char.IsAsciiLetter(text[start - 1]))
        {
            start--;
        }

        return start;
    }

    /// <summary>BDG2's spelling of a site or a name: one capital, then lower case (<c>Hannah</c>, <c>Cockatoo</c>).</summary>
    private static bool IsCapitalised(ReadOnlySpan<char> word) =>
        char.IsAsciiLetterUpper(word[0]) && !word[1..].ContainsAnyInRange('A', 'Z');
}
