namespace Eaio.Routing;

/// <summary>
/// The words written in front of a person's identity number or bank account number: <c>my SSN is 078-05-1120</c>,
/// <c>passport number 19824624</c>, <c>Steuer-ID: 12345678901</c>, <c>bank account 09884624524, routing 045795241</c>.
/// </summary>
internal static class IdentityLabels
{
    /// <summary>Gets the reader of these labels.</summary>
    public static LabelReader Reader { get; } = new(Words());

    private static Dictionary<string, LabelWord> Words()
    {
        LabelWord id = new(LabelRole.Label, EntityTypes.IdentityNumber, MinDigits: 4);
        LabelWord idBeforeTail = id with { Role = LabelRole.BeforeTail };
        LabelWord account = new(LabelRole.Label, EntityTypes.BankAccount, MinDigits: 6);
        Dictionary<string, LabelWord> words = new(StringComparer.OrdinalIgnoreCase)
        {
            ["routing"] = account with { ExactDigits = 9 }, ["aba"] = account with { ExactDigits = 9 }, ["rtn"] = account with { ExactDigits = 9 },
            ["bsb"] = account with { ExactDigits = 6 }, ["transit"] = account with { ExactDigits = 5 },
            // "my policy is INS123456": the word alone labels an id of five digits or more.
            ["policy"] = id with { MinDigits = 5 },
        };

        foreach (string word in (string[])[
            // Social security, national insurance and national ids.
            "ssn", "nino", "bsn", "dni", "nie", "nif", "nir", "cpf", "aadhaar", "tfn", "medicare", "fiscale", "steuer-id",
            "steueridentifikationsnummer", "steuernummer", "idnr", "sozialversicherungsnummer", "personalausweis", "ausweisnummer",
            "personalausweisnummer", "reisepass", "reisepassnummer", "passport", "passeport", "pasaporte", "passaporto", "paspoort",
            "paszport", "paszportu", "license", "licence", "führerschein", "führerscheinnummer", "permis", "patente", "identité",
            "sécurité", "séjour", "burgerservicenummer", "identifikationsnummer", "pesel", "personnummer", "cpr", "fødselsnummer",
            "fodselsnummer", "brp", "tie", "dowodu", "osobistego", "documentnummer", "identiteitsbewijs", "rijbewijs",
            // Numbers an employer, insurer or supplier gives a person.
            "personalnummer", "kundennummer", "klantnummer", "vertragsnummer", "mitgliedsnummer", "versichertennummer", "policennummer"])
        {
            words[word] = id;
        }

        foreach (string word in (string[])["security", "insurance", "national", "identity", "tax", "tin", "employee", "personnel", "staff",
            "voter", "visa", "member", "membership", "customer", "client", "patient", "student", "loan", "driver's", "drivers", "driving",
            "tenant", "lease", "contrat", "contrato", "contratto", "umowy", "cliente", "klienta", "klant"])
        {
            words[word] = idBeforeTail;
        }

        foreach (string word in (string[])["account", "acct", "konto", "kontonummer", "rekeningnummer", "iban", "rachunku", "rachunek", "vertragskonto"])
        {
            words[word] = account;
        }

        words["sort"] = account with { Role = LabelRole.BeforeTail, ExactDigits = 6 };

        words["card"] = LabelWord.Tail;

        foreach (string word in (string[])["social", "bank", "sociale", "seria", "i", "documento", "del", "conduttore", "des"])
        {
            words[word] = LabelWord.Filler;
        }

        LabelWords.AddNumberWordsAndFillers(words);

        return words;
    }
}
