using System.Text.RegularExpressions;

namespace Eaio.Routing;

/// <summary>
/// Finds street addresses written the North American and British way: a house number, one to four capitalised
/// words and a street type (<c>742 Evergreen Terrace</c>, <c>308 Negra Arroyo Lane</c>, <c>1600 Pennsylvania Ave NW</c>).
/// </summary>
/// <remarks>
/// House numbers that start with 0 (<c>000 Main St</c>) are not reported: no street numbers a house 0. Addresses
/// written number-last (<c>Hauptstraße 5</c>) and addresses without a street type are not found. Street types that are
/// also everyday words (Run, Walk, Hill, Row, Close) are left out: "5 Ways To Run" is not an address.
/// A year before a capitalised name and street type ("in 2020 Supreme Court") is a known false positive.
/// </remarks>
public sealed partial class StreetAddressDetector : ISensitiveDataDetector
{
    /// <inheritdoc />
    public void Detect(ReadOnlySpan<char> text, ICollection<SensitiveSpan> spans)
    {
        ArgumentNullException.ThrowIfNull(spans);
        foreach (ValueMatch match in AddressPattern().EnumerateMatches(text))
        {
            spans.Add(new SensitiveSpan(match.Index, match.Length, EntityTypes.StreetAddress, 0.8));
        }
    }

    // Only an abbreviated street type takes a trailing dot ("St."); after "Lane" a dot ends the sentence.
    [GeneratedRegex(
        @"(?<![\w.,-])[1-9]\d{0,5}[A-Za-z]?(?:-\d{1,5})?\s+(?:(?:[NSEW]|North|South|East|West)\.?\s+)?(?:[A-Z][\w'’.-]*\s+){1,4}(?:(?:Street|Avenue|Road|Boulevard|Lane|Drive|Court|Place|Terrace|Way|Parkway|Circle|Highway|Square|Trail|Alley|Plaza|Crescent|Mews|Gardens|Grove|Pike)\b|(?:St|Ave|Rd|Blvd|Ln|Dr|Ct|Pl|Ter|Pkwy|Cir|Hwy|Sq|Trl|Aly|Plz|Cres)\b\.?)(?:\s+(?:NW|NE|SW|SE|N|S|E|W)\b)?",
        RegexOptions.CultureInvariant,
        matchTimeoutMilliseconds: 1000)]
    private static partial Regex AddressPattern();
}
