using System.Collections.Frozen;
using System.Text;

namespace Eaio.Routing;

/// <summary>
/// The words written in front of a supply point id or a meter number, in the languages of the utilities whose ids
/// <see cref="SupplyPointDetector"/> knows, read backwards from a number: <c>MPAN: 12 3456 7890 123</c>,
/// <c>Zählpunkt-Nr.: DE…</c>, <c>numéro de PDL 12345678901234</c>, <c>meter serial number 19K0123456</c>.
/// </summary>
internal static class SupplyPointLabels
{
    /// <summary>What a word in front of a number says about it.</summary>
    public enum Kind
    {
        /// <summary>Nothing: the number is not labelled.</summary>
        None,

        /// <summary>A word that may stand between a label and its number ("no.", "number", "id", "code").</summary>
        Filler,

        /// <summary>The id of a supply or metering point.</summary>
        SupplyPoint,

        /// <summary>"EAN": a metering point's code only when the number has its 18 digits (a product's EAN-13 is not one).</summary>
        Ean,

        /// <summary>A meter's number.</summary>
        Meter,

        /// <summary>A word that names a supply point only before "point" or "number" ("supply", "metering").</summary>
        SupplyBeforeTail,

        /// <summary>A word that names a meter only before "number", "serial" or "id" ("meter", "Zähler", "compteur").</summary>
        MeterBeforeTail,

        /// <summary>"point", "number", "serial", "id": a filler, or the end of a two-word label.</summary>
        Tail,
    }

    /// <summary>The longest word looked up.</summary>
    public const int MaxWordLength = 24;

    // Two tables: with only ASCII keys the frozen dictionary hashes a word with ASCII case folding; one non-ASCII key
    // (Zählpunkt, n°) made every look-up fold Unicode case, a third of the detector's time on an 8 KB prompt.
    private static readonly FrozenDictionary<string, Kind>.AlternateLookup<ReadOnlySpan<char>> s_asciiWords = Words(ascii: true);
    private static readonly FrozenDictionary<string, Kind>.AlternateLookup<ReadOnlySpan<char>> s_otherWords = Words(ascii: false);

    // The first letters of the ASCII words: a word that starts with another ("or", "to", "call") is no label and no filler,
    // known without hashing it, which is most words in front of a number in prose.
    private static readonly uint s_asciiFirstLetters = FirstLetters(s_asciiWords.Dictionary.Keys);

    private static uint FirstLetters(IEnumerable<string> words)
    {
        uint letters = 0;
        foreach (string word in words)
        {
            letters |= 1u << (char.ToLowerInvariant(word[0]) - 'a');
        }

        return letters;
    }

    private static FrozenDictionary<string, Kind>.AlternateLookup<ReadOnlySpan<char>> Words(bool ascii) => new Dictionary<string, Kind>(StringComparer.OrdinalIgnoreCase)
    {
        // UK and Ireland: electricity MPAN (the "S" number), gas MPRN/GPRN.
        ["mpan"] = Kind.SupplyPoint, ["mprn"] = Kind.SupplyPoint, ["gprn"] = Kind.SupplyPoint,
        // Germany: market and metering locations, the Zählpunkt.
        ["malo"] = Kind.SupplyPoint, ["malo-id"] = Kind.SupplyPoint, ["melo"] = Kind.SupplyPoint, ["melo-id"] = Kind.SupplyPoint,
        ["marktlokation"] = Kind.SupplyPoint, ["messlokation"] = Kind.SupplyPoint, ["marktlokations-id"] = Kind.SupplyPoint,
        ["zählpunkt"] = Kind.SupplyPoint, ["zaehlpunkt"] = Kind.SupplyPoint, ["zählpunktbezeichnung"] = Kind.SupplyPoint,
        ["zählpunktnummer"] = Kind.SupplyPoint, ["zählpunkt-nr"] = Kind.SupplyPoint, ["zaehlpunkt-nr"] = Kind.SupplyPoint,
        // France (PDL/PRM electricity, PCE gas), Netherlands and Belgium (EAN code), Italy (POD, PDR), Spain (CUPS).
        ["pdl"] = Kind.SupplyPoint, ["prm"] = Kind.SupplyPoint, ["pce"] = Kind.SupplyPoint, ["livraison"] = Kind.SupplyPoint,
        ["ean"] = Kind.Ean, ["ean-code"] = Kind.Ean, ["eancode"] = Kind.Ean, ["aansluitnummer"] = Kind.SupplyPoint,
        ["pod"] = Kind.SupplyPoint, ["pdr"] = Kind.SupplyPoint, ["prelievo"] = Kind.SupplyPoint, ["riconsegna"] = Kind.SupplyPoint,
        ["cups"] = Kind.SupplyPoint,
        // Australia (NMI), Texas (ESI ID), New Zealand (ICP).
        ["nmi"] = Kind.SupplyPoint, ["esi"] = Kind.SupplyPoint, ["esiid"] = Kind.SupplyPoint, ["esi-id"] = Kind.SupplyPoint,
        ["icp"] = Kind.SupplyPoint,
        ["supply"] = Kind.SupplyBeforeTail, ["metering"] = Kind.SupplyBeforeTail, ["delivery"] = Kind.SupplyBeforeTail,

        ["zählernummer"] = Kind.Meter, ["zaehlernummer"] = Kind.Meter, ["zähler-nr"] = Kind.Meter, ["zaehler-nr"] = Kind.Meter,
        ["zählernr"] = Kind.Meter, ["meternummer"] = Kind.Meter, ["compteur"] = Kind.Meter, ["contatore"] = Kind.Meter,
        ["matricola"] = Kind.Meter, ["msn"] = Kind.Meter,
        ["meter"] = Kind.MeterBeforeTail, ["zähler"] = Kind.MeterBeforeTail, ["zaehler"] = Kind.MeterBeforeTail, ["meters"] = Kind.MeterBeforeTail,

        ["point"] = Kind.Tail, ["number"] = Kind.Tail, ["serial"] = Kind.Tail, ["id"] = Kind.Tail, ["nummer"] = Kind.Tail,
        ["no"] = Kind.Filler, ["nr"] = Kind.Filler, ["n°"] = Kind.Filler, ["nº"] = Kind.Filler, ["num"] = Kind.Filler, ["code"] = Kind.Filler,
        ["ref"] = Kind.Filler, ["reference"] = Kind.Filler, ["référence"] = Kind.Filler, ["numéro"] = Kind.Filler, ["numero"] = Kind.Filler,
        ["de"] = Kind.Filler, ["du"] = Kind.Filler, ["di"] = Kind.Filler, ["del"] = Kind.Filler, ["the"] = Kind.Filler, ["is"] = Kind.Filler,
        ["s/n"] = Kind.Filler, ["sn"] = Kind.Filler,
    }.Where(word => Ascii.IsValid(word.Key) == ascii).ToFrozenDictionary(StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>
    /// Reads up to four words backwards from <paramref name="start"/> on its line and says whether they label the number
    /// there: a label directly in front, or with fillers between ("MPAN no.", "meter serial number:", "numéro de PDL").
    /// </summary>
    /// <param name="text">The text.</param>
    /// <param name="start">Where the number starts.</param>
    /// <returns><see cref="Kind.SupplyPoint"/>, <see cref="Kind.Ean"/>, <see cref="Kind.Meter"/> or <see cref="Kind.None"/>.</returns>
    public static Kind Before(ReadOnlySpan<char> text, int start)
    {
        int position = start;
        bool afterTail = false;
        for (int words = 0; words < 4; words++)
        {
            while (position > 0 && text[position - 1] is ' ' or '\t' or ':' or '=' or '#' or '"' or '\'' or '(' or ')' or '[' or ']' or '.' or ',' or '\u00A0')
            {
                position--;
            }

            int end = position;
            while (position > 0 && end - position <= MaxWordLength
                && (char.IsLetter(text[position - 1]) || text[position - 1] is '-' or '_' or '/' or '°' or 'º'))
            {
                position--;
            }

            if (end == position || end - position > MaxWordLength || (position > 0 && char.IsAsciiDigit(text[position - 1])))
            {
                return Kind.None;
            }

            ReadOnlySpan<char> word = text[position..end].TrimEnd('-');
            bool ascii = Ascii.IsValid(word);
            if (word.IsEmpty || (ascii && (!char.IsAsciiLetter(word[0]) || (s_asciiFirstLetters & (1u << ((word[0] | 0x20) - 'a'))) == 0)))
            {
                return Kind.None;
            }

            Kind kind = (ascii ? s_asciiWords : s_otherWords).TryGetValue(word, out Kind found) ? found : Kind.None;
            switch (kind)
            {
                case Kind.SupplyPoint or Kind.Ean or Kind.Meter:
                    return kind;
                case Kind.SupplyBeforeTail when afterTail:
                    return Kind.SupplyPoint;
                case Kind.MeterBeforeTail when afterTail:
                    return Kind.Meter;
                case Kind.MeterBeforeTail when words == 0:
                    // "Meter 19K0123456": the word alone, right before the number.
                    return Kind.Meter;
                case Kind.Tail:
                    afterTail = true;
                    break;
                case Kind.Filler:
                    break;
                default:
                    return Kind.None;
            }
        }

        return Kind.None;
    }
}
