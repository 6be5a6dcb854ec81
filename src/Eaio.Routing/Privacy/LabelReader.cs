using System.Collections.Frozen;
using System.Text;

namespace Eaio.Routing;

/// <summary>
/// Reads the words in front of a value backwards, on its line, and says which label among its words names the value:
/// a label right in front, or with fillers between ("MPAN no.", "meter serial number:", "numéro de PDL", "my SSN is").
/// </summary>
internal sealed class LabelReader
{
    /// <summary>The longest word looked up.</summary>
    private const int MaxWordLength = 24;

    /// <summary>How many words are read at most.</summary>
    private const int MaxWords = 6;

    /// <summary>How many words of a phrase between a label and its copula are passed over at most.</summary>
    private const int MaxPhraseWords = 6;

    // The words that join a phrase to the noun before it, in the languages read: prepositions ("account number on the
    // bill"), relative pronouns ("número de contador que figura"), and the subject of a relative clause without one ("the
    // account number you gave us").
    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> s_linkingWords = FrozenSet.ToFrozenSet(
        [
            "on", "in", "at", "from", "with", "for", "of", "by", "under", "that", "which", "you", "we", "they", "i", "he", "she",
            "auf", "im", "am", "bei", "von", "vom", "für", "mit", "unter", "laut", "das", "die", "der", "den", "dem", "welche",
            "bij", "van", "op", "voor", "met", "dat",
            "sur", "dans", "de", "du", "des", "pour", "chez", "que", "qui", "à",
            "del", "en", "para", "con", "por", "di", "della", "su", "sulla", "nella", "che", "per", "do", "da", "na", "no", "em",
            "w", "z", "ze", "od", "dla", "przy", "który", "która", "które",
            "på", "för", "som", "hos", "fra", "från",
        ],
        StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();

    // Two tables: with only ASCII keys the frozen dictionary hashes a word with ASCII case folding; one non-ASCII key
    // (Zählpunkt, n°) made every look-up fold Unicode case, a third of the supply point detector's time on 8 KB.
    private readonly FrozenDictionary<string, LabelWord>.AlternateLookup<ReadOnlySpan<char>> _asciiWords;
    private readonly FrozenDictionary<string, LabelWord>.AlternateLookup<ReadOnlySpan<char>> _otherWords;

    // The first two letters of the ASCII words, a bit for each of the 26 x 26 pairs: a word that starts with another pair
    // ("or", "to", "call") is neither label nor filler, known without hashing it, which is most words in front of a number
    // in prose. A word whose second character is no letter ("d'", "s/n") is looked up.
    private readonly ulong[] _asciiFirstPairs = new ulong[((26 * 26) + 63) / 64];

    /// <summary>Initializes a new instance of the <see cref="LabelReader"/> class.</summary>
    /// <param name="words">The words, compared ignoring case.</param>
    public LabelReader(IReadOnlyDictionary<string, LabelWord> words)
    {
        _asciiWords = words.Where(w => Ascii.IsValid(w.Key)).ToFrozenDictionary(StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();
        _otherWords = words.Where(w => !Ascii.IsValid(w.Key)).ToFrozenDictionary(StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();
        foreach (string word in _asciiWords.Dictionary.Keys)
        {
            if (word.Length >= 2 && char.IsAsciiLetter(word[0]) && char.IsAsciiLetter(word[1]))
            {
                int pair = Pair(word[0], word[1]);
                _asciiFirstPairs[pair >> 6] |= 1UL << pair;
            }
        }
    }

    private static int Pair(char first, char second) => (((first | 0x20) - 'a') * 26) + ((second | 0x20) - 'a');

    /// <summary>The label in front of the value, else the header of the column it stands in when it is a cell of a pasted
    /// table (<see cref="TableHeaders"/>), or <see langword="null"/>.</summary>
    /// <param name="text">The text.</param>
    /// <param name="start">Where the value starts.</param>
    /// <returns>The label's word, whose role is a label's.</returns>
    public LabelWord? For(ReadOnlySpan<char> text, int start) =>
        Before(text, start) ?? (TableHeaders.Above(text, start) is { IsEmpty: false } header ? Before(header, header.Length) : null);

    /// <summary>
    /// The label in front of the value, else the header of its column, else the label right after it (<see cref="After"/>),
    /// or <see langword="null"/>.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <param name="start">Where the value starts.</param>
    /// <param name="end">Where the value ends.</param>
    /// <returns>The label's word, whose role is a label's.</returns>
    public LabelWord? For(ReadOnlySpan<char> text, int start, int end) => For(text, start) ?? OnLineAbove(text, start, end) ?? After(text, end);

    /// <summary>
    /// The label that ends the line above a value that stands alone at the start of its line, as a form or an e-mail
    /// signature lays them out ("Kundennummer:" and "72487704" on the next line), or <see langword="null"/>.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <param name="start">Where the value starts.</param>
    /// <param name="end">Where the value ends.</param>
    /// <returns>The label's word, whose role is a label's.</returns>
    public LabelWord? OnLineAbove(ReadOnlySpan<char> text, int start, int end)
    {
        // Alone: nothing but blanks and a closing mark after it on its line ("72487704 kWh" is a quantity).
        int after = end;
        while (after < text.Length && text[after] is ' ' or '\t' or '.' or ',' or ';')
        {
            after++;
        }

        if (after < text.Length && text[after] is not ('\n' or '\r'))
        {
            return null;
        }

        int lineStart = start;
        while (lineStart > 0 && text[lineStart - 1] is ' ' or '\t')
        {
            lineStart--;
        }

        // One line break (LF or CR LF), no blank line between.
        if (lineStart == 0 || text[lineStart - 1] != '\n')
        {
            return null;
        }

        int above = lineStart - 1;
        if (above > 0 && text[above - 1] == '\r')
        {
            above--;
        }

        return above > 0 && text[above - 1] is not ('\n' or '\r') ? Before(text, above) : null;
    }

    /// <summary>
    /// The label that names the value ending at <paramref name="end"/> from after it, or <see langword="null"/>: "72487704 is
    /// my customer number", "5701 1150 87 (account number)", "SAG7100898465 — el número de contador". Only fillers and
    /// "is" may stand between, and the label must end its phrase: "1234567 is the account balance" names nothing.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <param name="end">Where the value ends.</param>
    /// <returns>The label's word, whose role is a label's.</returns>
    public LabelWord? After(ReadOnlySpan<char> text, int end)
    {
        int position = end;
        LabelWord? pending = null;
        bool afterTail = false;
        for (int words = 0; words < MaxWords; words++)
        {
            position = SkipForward(text, position);
            int wordStart = position;
            while (position < text.Length && position - wordStart <= MaxWordLength && (char.IsLetter(text[position]) || text[position] is '\'' or '\u2019' or '°' or 'º'))
            {
                position++;
            }

            if (wordStart == position || position - wordStart > MaxWordLength || (position < text.Length && char.IsAsciiDigit(text[position])))
            {
                return null;
            }

            if (Find(text[wordStart..position].Trim("'\u2019")) is not { } word)
            {
                return null;
            }

            switch (word.Role)
            {
                case LabelRole.Label:
                case LabelRole.BeforeTail or LabelRole.DirectOrBeforeTail when afterTail:
                    return EndsPhrase(text, position) ? word : null;
                case LabelRole.BeforeTail or LabelRole.DirectOrBeforeTail:
                    pending ??= word;
                    break;
                case LabelRole.Tail when pending is not null:
                    return EndsPhrase(text, position) ? pending : null;
                case LabelRole.Tail:
                    afterTail = true;
                    break;
                default:
                    if (pending is not null)
                    {
                        // "customer of the month": a filler between a noun and its tail ends the label.
                        return null;
                    }

                    break;
            }
        }

        return null;
    }

    // Nothing but punctuation, or a word this table knows (a tail, a filler), follows the label: "account." or "account
    // number", not "account balance".
    private bool EndsPhrase(ReadOnlySpan<char> text, int position)
    {
        // "passport-photo": the word goes on.
        if (position + 1 < text.Length && text[position] is '-' or '_' && char.IsLetter(text[position + 1]))
        {
            return false;
        }

        int next = position;
        while (next < text.Length && text[next] is ' ' or '\t' or '\u00A0')
        {
            next++;
        }

        int wordEnd = next;
        while (wordEnd < text.Length && wordEnd - next <= MaxWordLength && char.IsLetter(text[wordEnd]))
        {
            wordEnd++;
        }

        return wordEnd == next || Find(text[next..wordEnd]) is not null;
    }

    private static int SkipForward(ReadOnlySpan<char> text, int position)
    {
        while (position < text.Length && text[position] is ' ' or '\t' or '(' or '[' or ',' or ':' or '=' or '-' or '\u2013' or '\u2014' or '\u00A0')
        {
            position++;
        }

        return position;
    }

    /// <summary>The label that names the value starting at <paramref name="start"/>, or <see langword="null"/>.</summary>
    /// <remarks>
    /// Words are read backwards, and a key's parts as words of their own (<c>accountNumber</c>, <c>ni_number</c>,
    /// <c>Reisepass-Nr.</c>). A noun that names an id with a number word ("client", "contrat") is a label when that word
    /// follows it ("client number") or comes before it, as the Romance and Slavic languages write it ("numéro de client",
    /// "N° client", "numer klienta").
    /// </remarks>
    /// <param name="text">The text.</param>
    /// <param name="start">Where the value starts.</param>
    /// <returns>The label's word, whose role is a label's.</returns>
    public LabelWord? Before(ReadOnlySpan<char> text, int start)
    {
        int position = start;
        int words = 0;
        bool afterTail = false;
        LabelWord? pending = null;

        // A copula right before the value ("… is 72487704") lets a phrase stand between it and the label: words no table
        // knows are passed over, within the clause, as long as the phrase is joined to the label by a linking word ("account
        // number on the gas bill is", "klantnummer bij de energieleverancier is"): "account dropped and the total is" is not.
        bool far = false;
        int skipped = 0;
        bool linksBack = false;
        bool phraseJoined = false;
        bool abbreviation = false;
        bool afterTo = false;
        while (words < Limit(far, skipped))
        {
            while (position > 0 && text[position - 1] is ' ' or '\t' or ':' or '=' or '#' or '"' or '\'' or '(' or ')' or '[' or ']' or '{' or '}'
                or '<' or '>' or '.' or ',' or ';' or '|' or '*' or '\u00A0')
            {
                // The phrase ends with its clause; only an abbreviation's dot ("account no. on the bill is") may stand
                // between it and the label.
                if (text[position - 1] is '.' or ',' or ';' && !phraseJoined)
                {
                    if (skipped > 0 && text[position - 1] != '.')
                    {
                        return null;
                    }

                    abbreviation = skipped > 0;
                    far = false;
                }

                position--;
            }

            // Read with what decides the look-ups: whether the word has parts (a separator or a capital after a small letter).
            int end = position;
            bool parts = false;
            while (position > 0 && end - position <= MaxWordLength)
            {
                char c = text[position - 1];
                if (char.IsAsciiLetterLower(c))
                {
                    parts |= position < end && char.IsAsciiLetterUpper(text[position]);
                }
                else if (c is '-' or '_' or '/')
                {
                    parts = true;
                }
                else if (!char.IsLetter(c) && c is not ('°' or 'º' or '\'' or '\u2019'))
                {
                    break;
                }

                position--;
            }

            if (end == position || end - position > MaxWordLength || (position > 0 && char.IsAsciiDigit(text[position - 1])))
            {
                return null;
            }

            // The word whole ("Steuer-ID", "MaLo-ID"), else its parts, last first: "accountNumber" is read as "Number",
            // "account"; "Reisepass-Nr" as "Nr", "Reisepass".
            ReadOnlySpan<char> word = text[position..end].Trim("-'\u2019");
            LabelWord? known = Find(word);
            if (known is { Role: not (LabelRole.Filler or LabelRole.Copula) } && skipped > 0 && !phraseJoined)
            {
                if ((abbreviation && known.Value.Role != LabelRole.Tail) || !JoinPhrase(linksBack, ref phraseJoined, ref afterTail, ref pending))
                {
                    return null;
                }
            }
            else if (abbreviation && !phraseJoined)
            {
                return null;
            }

            if (known is { } whole)
            {
                if (whole.Role == LabelRole.Copula && words == 0)
                {
                    far = true;

                    // Polish "to" ("numer klienta na fakturze to …") is also English "to": right after a label it is
                    // an amount ("raise the limit on my account to 2500000"), so it only ends a phrase.
                    afterTo = word.Equals("to", StringComparison.OrdinalIgnoreCase);
                }

                linksBack = IsLinkingWord(word);
                if (Step(whole, ++words, ref afterTail, ref pending) is { } label)
                {
                    return Unless(afterTo && skipped == 0, label);
                }

                continue;
            }

            if (far && skipped < MaxPhraseWords && !phraseJoined && (!parts || !EndsWithKnownPart(word)))
            {
                skipped++;
                words++;
                linksBack = IsLinkingWord(word);
                continue;
            }

            if (!parts)
            {
                return null;
            }

            if (skipped > 0 && !phraseJoined && !JoinPhrase(linksBack, ref phraseJoined, ref afterTail, ref pending))
            {
                return null;
            }

            for (int segmentEnd = word.Length; segmentEnd > 0 && words < Limit(far, skipped);)
            {
                int segmentStart = word[..segmentEnd].LastIndexOfAny("-_/") + 1;
                ReadOnlySpan<char> segment = word[segmentStart..segmentEnd];
                segmentEnd = segmentStart - 1;
                if (segment.IsEmpty)
                {
                    continue;
                }

                // A segment whole ("MaLo"), else its camel-case parts ("account", "Number").
                LabelWord? found = Find(segment);
                int partEnd = segment.Length;
                for (int i = segment.Length - 1; found is null && i > 0; i--)
                {
                    if (char.IsUpper(segment[i]) && char.IsLower(segment[i - 1]))
                    {
                        if (Find(segment[i..partEnd]) is not { } part)
                        {
                            return null;
                        }

                        if (Step(part, ++words, ref afterTail, ref pending) is { } fromPart)
                        {
                            return Unless(afterTo && skipped == 0, fromPart);
                        }

                        partEnd = i;
                    }
                }

                found ??= partEnd < segment.Length ? Find(segment[..partEnd]) : null;
                if (found is null)
                {
                    return null;
                }

                if (Step(found.Value, ++words, ref afterTail, ref pending) is { } label)
                {
                    return Unless(afterTo && skipped == 0, label);
                }
            }
        }

        return null;
    }

    // The phrase met its label: only when a linking word joins them. A number word read before the phrase was the
    // phrase's own ("the highest order number is"), so the label starts afresh here.
    private static bool JoinPhrase(bool linksBack, ref bool phraseJoined, ref bool afterTail, ref LabelWord? pending)
    {
        if (!linksBack)
        {
            return false;
        }

        phraseJoined = true;
        afterTail = false;
        pending = null;
        return true;
    }

    // A label found right after "to" with no phrase between is no label: "my account to 2500000" is an amount.
    private static LabelWord? Unless(bool amountAfterTo, LabelWord label) => amountAfterTo ? null : label;

    // How many words are read: more once a copula lets a phrase stand between the label and the value.
    private static int Limit(bool far, int skipped) => far || skipped > 0 ? MaxWords + MaxPhraseWords : MaxWords;

    // One word read: the label it completes, or null to read on with the state updated.
    private static LabelWord? Step(LabelWord found, int words, ref bool afterTail, ref LabelWord? pending)
    {
        switch (found.Role)
        {
            case LabelRole.Label:
            case LabelRole.BeforeTail when afterTail:
            case LabelRole.DirectOrBeforeTail when afterTail || words == 1:
                return found;
            case LabelRole.BeforeTail or LabelRole.DirectOrBeforeTail:
                pending ??= found;
                return null;
            case LabelRole.Tail when pending is not null:
                return pending;
            case LabelRole.Tail:
                afterTail = true;
                return null;
            default:
                return null;
        }
    }

    private static bool IsLinkingWord(ReadOnlySpan<char> word) => s_linkingWords.Contains(word);

    // A word with parts that may be a label ("Reisepass-Nr", "accountNumber") is read by its parts, not passed over.
    private bool EndsWithKnownPart(ReadOnlySpan<char> word)
    {
        int start = word.LastIndexOfAny("-_/") + 1;
        if (start >= word.Length)
        {
            return false;
        }

        int i = word.Length - 1;
        while (i > start && !(char.IsUpper(word[i]) && char.IsLower(word[i - 1])))
        {
            i--;
        }

        return Find(word[i..]) is { Role: not (LabelRole.Filler or LabelRole.Copula) };
    }

    private LabelWord? Find(ReadOnlySpan<char> word)
    {
        bool ascii = Ascii.IsValid(word);
        if (ascii && word.Length >= 2 && char.IsAsciiLetter(word[0]) && char.IsAsciiLetter(word[1])
            && (_asciiFirstPairs[Pair(word[0], word[1]) >> 6] & (1UL << Pair(word[0], word[1]))) == 0)
        {
            return null;
        }

        return (ascii ? _asciiWords : _otherWords).TryGetValue(word, out LabelWord found) ? found : null;
    }
}
