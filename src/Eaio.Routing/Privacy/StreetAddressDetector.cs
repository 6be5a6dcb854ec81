using System.Buffers;
using System.Collections.Frozen;
using System.Text.RegularExpressions;

namespace Eaio.Routing;

/// <summary>
/// Finds street addresses: a house number, one to four capitalised words (or a numbered street, <c>455 3rd St</c>) and a
/// street type (<c>742 Evergreen Terrace</c>, <c>1600 Pennsylvania Ave NW</c>), with a following suite or apartment;
/// the same in lower case (<c>12 baker street</c>); number-last streets (<c>Hauptstraße 5</c>, <c>Friedrichstr. 12</c>,
/// <c>Keizersgracht 123</c>, <c>Calle Mayor 5</c>, <c>Via Roma 12</c>); French streets (<c>12 rue de Rivoli</c>);
/// suites and apartments alone (<c>Suite 400</c>, <c>Apt 5B</c>); UK postcodes (<c>SW1A 2AA</c>, <c>m1 1ae</c>); and
/// US ZIP+4 codes after a state (<c>CA 94043-1351</c>, the code alone reported).
/// </summary>
/// <remarks>
/// <para>
/// House numbers that start with 0 (<c>000 Main St</c>) are not reported: no street numbers a house 0. Addresses
/// without a street type are not found. Street types that are also everyday words (Run, Walk, Hill, Row, Close) are
/// left out: "5 Ways To Run" is not an address. In lower case every word between the number and the street type must
/// be a name word ("3 apples on the street" is no address), and a street type followed by lighting, lamps and the like is
/// an adjective ("Street lighting"). A year before a capitalised name and street type ("in 2020 Supreme Court") is a
/// known false positive.
/// </para>
/// <para>
/// An address whose street name contains a word that says the address is invented (<c>123 Fake St</c>,
/// <c>1 Example Road</c>, <c>9 Dummy Lane</c>; see <see cref="IsInventedNameWord"/>) is not reported: nobody lives on
/// such a street, and these are the stand-ins of forms and documentation. Stand-ins with an ordinary name
/// (<c>123 Main St</c>) are reported like any address.
/// </para>
/// </remarks>
public sealed partial class StreetAddressDetector : ISensitiveDataDetector
{
    // Every match ends in one of these words, so a vectorised search for them (case-sensitive, as in the regex) finds the
    // few places worth running the regex; prose without any of them costs one pass. Kept in step with AddressPattern.
    private static readonly string[] StreetTypeWords =
    [
        "Street", "Avenue", "Road", "Boulevard", "Lane", "Drive", "Court", "Place", "Terrace", "Way", "Parkway", "Circle",
        "Highway", "Square", "Trail", "Alley", "Plaza", "Crescent", "Mews", "Gardens", "Grove", "Pike",
        "St", "Ave", "Rd", "Blvd", "Ln", "Dr", "Ct", "Pl", "Ter", "Pkwy", "Cir", "Hwy", "Sq", "Trl", "Aly", "Plz", "Cres",
    ];

    private static readonly SearchValues<string> StreetTypes = SearchValues.Create(StreetTypeWords, StringComparison.Ordinal);

    // The search above also stops inside longer words ("Please", "Status"); the regex ends the type at a word boundary, so
    // only a whole word that is a street type is a candidate.
    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> WholeStreetTypes =
        StreetTypeWords.ToFrozenSet(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();

    // Characters a match can never contain (it holds only \w, whitespace and ' ’ . -). A match therefore lies inside the
    // stretch between two of them, and the regex needs to run only over the stretch around a street type.
    private static readonly SearchValues<char> Breaks = SearchValues.Create(",;:!?()[]{}<>\"/\\|@#$%^&*+=~`");

    /// <inheritdoc />
    public void Detect(ReadOnlySpan<char> text, ICollection<SensitiveSpan> spans)
    {
        ArgumentNullException.ThrowIfNull(spans);
        Reported reported = new(spans);
        int from = 0;
        while (from < text.Length)
        {
            int found = text[from..].IndexOfAny(StreetTypes);
            if (found < 0)
            {
                break;
            }

            int type = from + found;

            // In a match the street type follows whitespace and is a whole word (the regex's \b: no \w after it).
            int typeEnd = type;
            while (typeEnd < text.Length && char.IsAsciiLetter(text[typeEnd]))
            {
                typeEnd++;
            }

            if (type == 0 || !char.IsWhiteSpace(text[type - 1]) || !WholeStreetTypes.Contains(text[type..typeEnd])
                || (typeEnd < text.Length && IsRegexWordChar(text[typeEnd])))
            {
                from = type + 1;
                continue;
            }

            int stretchStart = text[..type].LastIndexOfAny(Breaks) + 1;
            int nextBreak = text[type..].IndexOfAny(Breaks);
            int stretchEnd = nextBreak < 0 ? text.Length : type + nextBreak;

            // The text is cut at the break after the stretch, which no part of the pattern can match, so the regex behaves
            // as on the whole text; the lookbehind still sees the character before the stretch.
            foreach (ValueMatch match in AddressPattern().EnumerateMatches(text[..stretchEnd], stretchStart))
            {
                int end = match.Index + match.Length;
                if (!NamesInventedStreet(text.Slice(match.Index, match.Length)) && !IsStreetFurniture(text[end..]))
                {
                    reported.Add(match.Index, WithUnit(text, end) - match.Index, 0.8);
                }
            }

            from = stretchEnd + 1;
        }

        DetectOtherForms(text, reported);
    }

    /// <summary>Returns whether a word says that the street it names is invented.</summary>
    /// <param name="word">One word of a street name, as written.</param>
    /// <returns><see langword="true"/> for Fake, Example, Dummy, Placeholder, Fictional, Fictitious, Imaginary and Nonexistent.</returns>
    /// <remarks>
    /// Only words that state the address is not real are listed. Words that are also real street names (Sample Road,
    /// Test Lane, Demo Street exist) and ordinary stand-ins (Main, Elm) are not: a real address must never be let through.
    /// </remarks>
    public static bool IsInventedNameWord(ReadOnlySpan<char> word) =>
        word.Equals("Fake", StringComparison.OrdinalIgnoreCase)
        || word.Equals("Example", StringComparison.OrdinalIgnoreCase)
        || word.Equals("Dummy", StringComparison.OrdinalIgnoreCase)
        || word.Equals("Placeholder", StringComparison.OrdinalIgnoreCase)
        || word.Equals("Fictional", StringComparison.OrdinalIgnoreCase)
        || word.Equals("Fictitious", StringComparison.OrdinalIgnoreCase)
        || word.Equals("Imaginary", StringComparison.OrdinalIgnoreCase)
        || word.Equals("Nonexistent", StringComparison.OrdinalIgnoreCase);

    // What \w matches in .NET regular expressions.
    private static bool IsRegexWordChar(char c) =>
        char.IsLetterOrDigit(c) || c == '_' || char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.NonSpacingMark
            or System.Globalization.UnicodeCategory.SpacingCombiningMark or System.Globalization.UnicodeCategory.ConnectorPunctuation;

    private static bool NamesInventedStreet(ReadOnlySpan<char> address)
    {
        foreach (Range range in address.SplitAny(" \t\r\n\u00A0"))
        {
            if (IsInventedNameWord(address[range]))
            {
                return true;
            }
        }

        return false;
    }

    // Only an abbreviated street type takes a trailing dot ("St."); after "Lane" a dot ends the sentence.
    [GeneratedRegex(
        @"(?<![\w.,-])[1-9]\d{0,5}[A-Za-z]?(?:-\d{1,5})?\s+(?:(?:[NSEW]|North|South|East|West)\.?\s+)?(?:(?:[A-Z][\w'’.-]*|\d{1,3}(?:st|nd|rd|th))\s+){1,4}(?:(?:Street|Avenue|Road|Boulevard|Lane|Drive|Court|Place|Terrace|Way|Parkway|Circle|Highway|Square|Trail|Alley|Plaza|Crescent|Mews|Gardens|Grove|Pike)\b|(?:St|Ave|Rd|Blvd|Ln|Dr|Ct|Pl|Ter|Pkwy|Cir|Hwy|Sq|Trl|Aly|Plz|Cres)\b\.?)(?:\s+(?:NW|NE|SW|SE|N|S|E|W)\b)?",
        RegexOptions.CultureInvariant,
        matchTimeoutMilliseconds: 1000)]
    private static partial Regex AddressPattern();
}
