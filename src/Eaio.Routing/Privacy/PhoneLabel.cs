using System.Collections.Frozen;

namespace Eaio.Routing;

/// <summary>
/// Reads whether the writer says that the digits after a word are a phone number: a phone label right before them
/// (<c>Tel.</c>, <c>mobile:</c>, <c>WhatsApp</c>, <c>"phone_number": "</c>, <c>call me on</c>, <c>M:</c>).
/// </summary>
/// <remarks>
/// With such a label, <see cref="PhoneNumberDetector"/> accepts forms it rules out elsewhere, because in prose they are
/// as often readings or codes: one run of digits (<c>07911123456</c>), an E.164 number written without its
/// <c>+</c> (<c>4915112345678</c>, as WhatsApp's API and many CRMs store it), eight-digit numbers without a trunk
/// prefix (Singapore <c>9123 4567</c>, Denmark, Norway) and the groupings of regions not configured. Only labels are
/// read, a few words back, so the cost is paid at the few digit stretches that no other rule took.
/// </remarks>
internal static class PhoneLabel
{
    // Compared without case, after the label's trailing punctuation is dropped.
    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> Labels = new[]
    {
        "tel", "tél", "tele", "telephone", "téléphone", "telefon", "telefoon", "telefono", "teléfono", "telefone", "telf", "tlf",
        "phone", "ph", "mobile", "mobil", "mobiel", "móvil", "movil", "mob", "cell", "cellphone", "celular", "cel", "handy",
        "portable", "gsm", "whatsapp", "wa", "sms", "fax", "hotline", "msisdn", "wa_id", "landline", "helpline", "cellulare", "tfn",
        "rufnummer",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();

    // Verbs and words that say "phone" only right before the number or with fillers between ("call me on", "contact:
    // "): further back they are as often something else ("the call centre handled 12345678 requests").
    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> NearLabels = new[]
    {
        "call", "ring", "dial", "contact", "kontakt", "reach", "numéro", "número", "nummer", "anrufen", "appeler", "llamar",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();

    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> Fillers = new[]
    {
        "no", "nr", "number", "num", "is", "me", "us", "him", "her", "them", "on", "at", "to", "via", "under", "unter", "au",
        "al", "op", "or", "directly", "anytime", "sie", "mich", "uns", "nous", "moi", "me", "the", "our", "my",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>
    /// Returns whether a phone label stands before <paramref name="start"/>, at most five words back in its sentence
    /// ("call our Seoul office at", "WhatsApp: ", "\"mobilePhone\": \"").
    /// </summary>
    public static bool Precedes(ReadOnlySpan<char> text, int start)
    {
        int pos = start;
        bool onlyFillers = true;
        for (int words = 0; words < 5; words++)
        {
            bool punctuation = false;
            bool stop = false;
            while (pos > 0 && text[pos - 1] is ' ' or ':' or '=' or '"' or '\'' or '(' or '#' or '+' or '\t' or '.' or '/' or '>' or '-' or '–' or ',')
            {
                punctuation |= text[pos - 1] is not (' ' or '\t');
                stop |= text[pos - 1] is '.' or ',';
                pos--;
            }

            int wordEnd = pos;
            while (pos > 0 && wordEnd - pos < 24 && (char.IsLetter(text[pos - 1]) || text[pos - 1] == '_'))
            {
                pos--;
            }

            ReadOnlySpan<char> word = text[pos..wordEnd];
            if (word.IsEmpty || (pos > 0 && char.IsAsciiDigit(text[pos - 1])))
            {
                return false;
            }

            // A single letter (M: 9123 4567, T. 020 …) is a label only right before the number, with its punctuation,
            // as signatures write it.
            if (word.Length == 1 ? words == 0 && punctuation && word[0] is 'M' or 'T' or 'm' or 't' : IsLabel(word) || (onlyFillers && NearLabels.Contains(word)))
            {
                return true;
            }

            onlyFillers &= Fillers.Contains(word);

            // "Tel." and "Mob.," end with a dot; any other word before a dot or comma ends the clause the number is in.
            if (stop)
            {
                return false;
            }
        }

        return false;
    }

    /// <summary>
    /// Returns whether the number at <paramref name="start"/> opens a cell of a table (CSV, TSV, semicolon or Markdown)
    /// whose header names that column as a phone column (<c>phone</c>, <c>Tel.</c>, <c>Mobile number</c>, <c>msisdn</c>).
    /// </summary>
    public static bool InLabelledColumn(ReadOnlySpan<char> text, int start)
    {
        ReadOnlySpan<char> name = TableHeaders.Above(text, start);

        // Any word of the header: "Phone number", "Tel. (office)", "contact_phone".
        while (!name.IsEmpty)
        {
            int wordEnd = 0;
            while (wordEnd < name.Length && (char.IsLetter(name[wordEnd]) || name[wordEnd] == '_'))
            {
                wordEnd++;
            }

            if (wordEnd > 1 && IsLabel(name[..wordEnd]))
            {
                return true;
            }

            name = name[Math.Max(1, wordEnd)..];
        }

        return false;
    }

    // A label, or an identifier built on one whose last part still says what it holds: phone_number, mobilePhone,
    // contact_phone, whatsappNumber, tel_no (not phone_calls or mobile_app).
    private static bool IsLabel(ReadOnlySpan<char> word)
    {
        if (Labels.Contains(word))
        {
            return true;
        }

        bool labelled = false;
        ReadOnlySpan<char> last = [];
        int partStart = 0;
        for (int i = 1; i <= word.Length; i++)
        {
            if (i < word.Length && word[i] != '_' && !(char.IsUpper(word[i]) && char.IsLower(word[i - 1])))
            {
                continue;
            }

            last = word[partStart..i];
            labelled |= Labels.Contains(last);
            partStart = i < word.Length && word[i] == '_' ? i + 1 : i;
        }

        return labelled && (Labels.Contains(last) || last.Equals("number", StringComparison.OrdinalIgnoreCase) || last.Equals("no", StringComparison.OrdinalIgnoreCase)
            || last.Equals("nr", StringComparison.OrdinalIgnoreCase) || last.Equals("num", StringComparison.OrdinalIgnoreCase)
            || last.Equals("e164", StringComparison.OrdinalIgnoreCase));
    }
}
