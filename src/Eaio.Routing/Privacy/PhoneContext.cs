using System.Buffers;
using System.Collections.Frozen;

namespace Eaio.Routing;

/// <summary>
/// Reads the words around a phone-number candidate: an extension that belongs to the number, a unit or currency that
/// makes it an amount, and a label (<c>invoice</c>, <c>order</c>, <c>model</c>) that makes it an identifier.
/// </summary>
internal static class PhoneContext
{
    private const int MaxExtensionDigits = 6;

    // Longest first: "extension" before "ext". English, German, French, Dutch, Spanish, Italian.
    private static readonly string[] s_extensionWords =
        ["extension", "extensión", "durchwahl", "nebenstelle", "toestel", "interno", "poste", "ext", "dw", "tst"];

    // The first characters of the extension words and markers: most numbers are followed by none of them, and then the
    // ten case-insensitive comparisons are skipped.
    private static readonly SearchValues<char> ExtensionStarts = SearchValues.Create("edntipxEDNTIPX#");

    // Units and currencies after a number make it a quantity ("45000 kWh", "912 345 678 EUR").
    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> Units = Words(
        [
            "kwh", "mwh", "gwh", "twh", "wh", "kw", "mw", "gw", "kva", "kvar", "kvah", "w", "va", "hz", "kj", "mj", "gj", "btu",
            "kbtu", "mmbtu", "therm", "therms", "eur", "usd", "gbp", "chf", "inr", "cny", "aud", "cad", "jpy", "sek", "nok", "dkk",
            "pln", "€", "$", "£", "¥", "%", "m2", "m²", "m3", "m³", "ft2", "sqft", "kg", "t", "tco2", "tco2e", "co2", "l", "km",
            "mi", "ms", "units", "pcs", "kvarh", "people", "users", "times", "bytes", "kb", "mb", "gb", "tb",
        ]);

    // Labels before a number that make it an identifier rather than a phone number; "no", "nr" and "#" between are skipped.
    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> Labels = Words(
        [
            "invoice", "inv", "order", "po", "ref", "reference", "account", "acct", "customer", "contract", "serial", "sn",
            "part", "model", "article", "item", "ticket", "case", "meter", "mpan", "mprn", "id", "iban", "bic", "sku", "batch",
            "lot", "policy", "claim", "tracking", "vat", "tax", "zip", "postcode", "isbn", "version", "build", "rechnung",
            "facture", "factura", "bestellung", "kundennummer", "auftrag", "eur", "usd", "gbp", "chf", "inr", "rs", "cny",
            "jpy", "aud", "cad", "€", "$", "£", "¥",
        ]);

    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> Fillers = Words(
        ["no", "nr", "number", "num", "#", "no.", "nr.", "nº"]);

    /// <summary>
    /// Reads an extension right after a number (<c>ext. 204</c>, <c>x204</c>, <c>#204</c>, <c>extension 204</c>).
    /// </summary>
    /// <returns>Where the extension ends, or <paramref name="end"/> when there is none.</returns>
    public static int ReadExtension(ReadOnlySpan<char> text, int end)
    {
        int pos = end;
        int spaces = 0;
        while (pos < text.Length && text[pos] == ' ' && spaces < 2)
        {
            pos++;
            spaces++;
        }

        // "…-48, ext. 184", "…-48 - Durchwahl 184", "… / poste 12"
        if (pos < text.Length && text[pos] is ',' or '-' or '–' or '/' or ';' or '(')
        {
            pos++;
            spaces = 0;
            while (pos < text.Length && text[pos] == ' ' && spaces < 2)
            {
                pos++;
                spaces++;
            }
        }

        ReadOnlySpan<char> rest = text[pos..];
        if (rest.IsEmpty || !ExtensionStarts.Contains(rest[0]))
        {
            return end;
        }

        int marker = 0;
        foreach (string word in s_extensionWords)
        {
            if (rest.StartsWith(word, StringComparison.OrdinalIgnoreCase) && (rest.Length == word.Length || !char.IsLetter(rest[word.Length])))
            {
                marker = word.Length + (rest.Length > word.Length && rest[word.Length] is '.' or ':' ? 1 : 0);
                break;
            }
        }

        if (marker == 0 && rest.Length > 0 && rest[0] is 'x' or 'X' or '#')
        {
            marker = 1;
        }

        if (marker == 0)
        {
            return end;
        }

        pos += marker;
        if (pos < text.Length && text[pos] == ' ')
        {
            pos++;
        }

        int digitsStart = pos;
        while (pos < text.Length && char.IsAsciiDigit(text[pos]) && pos - digitsStart < MaxExtensionDigits)
        {
            pos++;
        }

        bool whole = pos > digitsStart && (pos == text.Length || !char.IsAsciiLetterOrDigit(text[pos]));
        return whole ? pos : end;
    }

    /// <summary>Returns whether a unit or currency follows <paramref name="end"/> ("45000 kWh", "912 345 678 €").</summary>
    public static bool UnitFollows(ReadOnlySpan<char> text, int end)
    {
        int pos = end;
        if (pos < text.Length && text[pos] == ' ')
        {
            pos++;
        }

        int wordEnd = pos;
        while (wordEnd < text.Length && wordEnd - pos < 8 && !char.IsWhiteSpace(text[wordEnd]) && text[wordEnd] is not (',' or ';' or ')' or '/'))
        {
            wordEnd++;
        }

        ReadOnlySpan<char> word = text[pos..wordEnd].TrimEnd('.');
        return word.Length > 0 && IsOneOf(word, Units);
    }

    /// <summary>
    /// Returns whether a currency or an identifier label (<c>invoice</c>, <c>order no.</c>, <c>model</c>) stands right
    /// before <paramref name="start"/>, looking back over at most two words.
    /// </summary>
    public static bool LabelPrecedes(ReadOnlySpan<char> text, int start)
    {
        int pos = start;
        for (int words = 0; words < 3; words++)
        {
            while (pos > 0 && text[pos - 1] is ' ' or ':' or '=')
            {
                pos--;
            }

            int wordEnd = pos;
            while (pos > 0 && start - pos < 40 && !char.IsWhiteSpace(text[pos - 1]) && text[pos - 1] is not (':' or '=' or '(' or ','))
            {
                pos--;
            }

            ReadOnlySpan<char> word = text[pos..wordEnd];
            if (word.IsEmpty)
            {
                return false;
            }

            // "#inv." is looked up without its '#' as well; most words have none, and one look-up is enough for them.
            if (IsOneOf(word.TrimEnd('.'), Labels) || (word[0] == '#' && IsOneOf(word.TrimStart('#').TrimEnd('.'), Labels)))
            {
                return true;
            }

            if (!IsOneOf(word, Fillers))
            {
                return false;
            }
        }

        return false;
    }

    private static bool IsOneOf(ReadOnlySpan<char> word, FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> words)
        => word.Length > 0 && words.Contains(word);

    private static FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> Words(string[] words)
        => words.ToFrozenSet(StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();
}
