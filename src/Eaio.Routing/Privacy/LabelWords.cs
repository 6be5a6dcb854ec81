namespace Eaio.Routing;

/// <summary>The words every label table shares: the words for "number" of the languages read, and the small words between a
/// label and its value.</summary>
internal static class LabelWords
{
    /// <summary>Adds the number words (as tails) and the fillers to a label table, keeping the table's own entries.</summary>
    /// <param name="words">The table.</param>
    public static void AddNumberWordsAndFillers(Dictionary<string, LabelWord> words)
    {
        foreach (string word in (string[])["number", "no", "nr", "n", "n°", "nº", "num", "id", "code", "nummer", "numéro", "numero", "número", "numer",
            "codice", "código", "ref", "reference", "référence", "riferimento", "referencia", "referentie", "kenmerk"])
        {
            words.TryAdd(word, LabelWord.Tail);
        }

        // "is" in the languages read: right before a value, the label may stand a phrase away (LabelReader).
        foreach (string word in (string[])["is", "was", "est", "ist", "es", "era", "è", "é", "lautet", "luidt", "är", "er", "jest", "to", "wynosi"])
        {
            words.TryAdd(word, LabelWord.Copula);
        }

        foreach (string word in (string[])["the", "my", "our", "your", "his", "her", "their", "of",
            "de", "du", "di", "del", "der", "des", "van", "het", "for", "on",
            // Possessives and articles of the other languages read ("ist meine Kundennummer", "est mon numéro de client").
            "mein", "meine", "unser", "unsere", "die", "mon", "ma", "notre", "le", "la", "mi", "el", "nuestro", "il", "mio",
            "mijn", "onze", "mój", "moja", "nasz", "min", "mitt",
            // "12345678, that's my account number".
            "that's", "that", "it's", "this", "which",
            // The ordinal sign of "n.º", "N.°", read as a word of its own after the dot.
            "º", "°"])
        {
            words.TryAdd(word, LabelWord.Filler);
        }
    }
}
