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

        foreach (string word in (string[])["is", "was", "est", "ist", "es", "è", "lautet", "the", "my", "our", "your", "his", "her", "their", "of",
            "de", "du", "di", "del", "der", "des", "van", "het", "for", "on"])
        {
            words.TryAdd(word, LabelWord.Filler);
        }
    }
}
