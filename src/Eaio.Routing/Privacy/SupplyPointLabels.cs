namespace Eaio.Routing;

/// <summary>
/// The words written in front of a supply point id or a meter number, in the languages of the utilities whose ids
/// <see cref="SupplyPointDetector"/> knows: <c>MPAN: 12 3456 7890 123</c>, <c>Zählpunkt-Nr.: DE…</c>,
/// <c>numéro de PDL 12345678901234</c>, <c>meter serial number 19K0123456</c>.
/// </summary>
internal static class SupplyPointLabels
{
    /// <summary>Gets the reader of these labels.</summary>
    public static LabelReader Reader { get; } = new(Words());

    private static Dictionary<string, LabelWord> Words()
    {
        LabelWord supply = new(LabelRole.Label, EntityTypes.SupplyPoint, MinDigits: 6);
        LabelWord meter = new(LabelRole.Label, EntityTypes.Equipment);
        Dictionary<string, LabelWord> words = new(StringComparer.OrdinalIgnoreCase)
        {
            // An "EAN" is a metering point's code only with its 18 digits: a product's EAN-13 is not one.
            ["ean"] = supply with { ExactDigits = 18 }, ["ean-code"] = supply with { ExactDigits = 18 }, ["eancode"] = supply with { ExactDigits = 18 },
            ["supply"] = supply with { Role = LabelRole.BeforeTail }, ["metering"] = supply with { Role = LabelRole.BeforeTail },
            ["delivery"] = supply with { Role = LabelRole.BeforeTail },
            ["meter"] = meter with { Role = LabelRole.DirectOrBeforeTail }, ["meters"] = meter with { Role = LabelRole.DirectOrBeforeTail },
            ["zähler"] = meter with { Role = LabelRole.DirectOrBeforeTail }, ["zaehler"] = meter with { Role = LabelRole.DirectOrBeforeTail },
        };

        foreach (string word in (string[])[
            // UK and Ireland: electricity MPAN (the "S" number), gas MPRN/GPRN.
            "mpan", "mprn", "gprn",
            // Germany: market and metering locations, the Zählpunkt.
            "malo", "malo-id", "melo", "melo-id", "marktlokation", "messlokation", "marktlokations-id", "zählpunkt", "zaehlpunkt",
            "zählpunktbezeichnung", "zählpunktnummer", "zählpunkt-nr", "zaehlpunkt-nr",
            // France (PDL/PRM electricity, PCE gas), the Netherlands, Italy (POD, PDR), Spain (CUPS).
            "pdl", "prm", "pce", "livraison", "aansluitnummer", "pod", "pdr", "prelievo", "riconsegna", "cups",
            // Australia (NMI), Texas (ESI ID), New Zealand (ICP).
            "nmi", "esi", "esiid", "esi-id", "icp"])
        {
            words[word] = supply;
        }

        foreach (string word in (string[])["zählernummer", "zaehlernummer", "zähler-nr", "zaehler-nr", "zählernr", "meternummer", "compteur", "contatore",
            "matricola", "msn", "licznika", "wodomierz", "gazomierz", "contador"])
        {
            words[word] = meter;
        }

        foreach (string word in (string[])["point", "serial"])
        {
            words[word] = LabelWord.Tail;
        }

        foreach (string word in (string[])["s/n", "sn", "energii", "gazu", "la", "le", "el", "référence"])
        {
            words[word] = LabelWord.Filler;
        }

        LabelWords.AddNumberWordsAndFillers(words);

        return words;
    }
}
