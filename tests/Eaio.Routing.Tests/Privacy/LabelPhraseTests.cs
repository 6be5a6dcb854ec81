using NUnit.Framework;
using static Eaio.Routing.Tests.DetectorAssert;

namespace Eaio.Routing.Tests;

/// <summary>
/// A label a phrase away from its value, joined by "is" or its like ("the account number on the gas bill is 5701 1150 87"):
/// every combination of labels, joining phrases and copulas in the languages read is found, and the phrases that do not
/// hang on the label (no linking word, a clause between) are not. And a label right after its value ("72487704 is my
/// customer number").
/// </summary>
[TestFixture]
public sealed class LabelPhraseTests
{
    private static readonly IdentityNumberDetector s_identity = new();
    private static readonly SupplyPointDetector s_supply = new();

    // Labels, each with the phrases that may follow it in its language and that language's "is".
    private static readonly (string Label, string[] Phrases, string Copula)[] s_identityLabels =
    [
        ("my account number", ["on the gas bill", "at the old bank", "for the refund", "that the landlord has", "you asked for"], "is"),
        ("The customer number", ["on our last invoice", "which the supplier uses", "in their portal"], "was"),
        ("Mijn klantnummer", ["bij de energieleverancier", "op de jaarafrekening", "van het contract"], "is"),
        ("Die Kundennummer", ["auf der letzten Rechnung", "bei den Stadtwerken", "laut dem Schreiben"], "lautet"),
        ("Le numéro de client", ["sur la facture", "chez le fournisseur", "que le fournisseur utilise"], "est"),
        ("El número de cliente", ["que figura en la factura", "en el contrato"], "es"),
        ("Numer klienta", ["na fakturze", "w umowie od sprzedawcy"], "to"),
        ("Il codice cliente", ["sulla bolletta", "nella lettera del fornitore"], "è"),
    ];

    private static readonly string[] s_values = ["72487704", "5701 1150 87", "3383387479", "4410-772-391"];

    [Test]
    public void A_label_a_joined_phrase_before_its_copula_names_the_value()
    {
        List<string> missed = [];
        int cases = 0;
        foreach ((string label, string[] phrases, string copula) in s_identityLabels)
        {
            foreach (string phrase in phrases)
            {
                foreach (string value in s_values)
                {
                    string text = $"Hi, {label} {phrase} {copula} {value} and the bill doubled.";
                    cases++;
                    if (!Found(s_identity, text).Contains(value))
                    {
                        missed.Add(text);
                    }
                }
            }
        }

        Assert.That(missed, Is.Empty, $"{missed.Count} of {cases} missed");
    }

    [TestCase("El número de contador que figura en la factura es SAG7100898465 y el de la placa es distinto.", "SAG7100898465")]
    [TestCase("the meter serial number on the plate in the plant room is 19K0123456", "19K0123456")]
    [TestCase("Die Zählernummer auf der Rechnung ist 1ESY1160412345", "1ESY1160412345")]
    public void A_meter_number_a_phrase_away_from_its_label_is_found(string text, string value) =>
        Assert.That(Found(s_supply, text), Does.Contain(value));

    [TestCase("the account no. on the gas bill is 57011150", "57011150")] // an abbreviation's dot is no sentence end
    [TestCase("account no. is 57011150", "57011150")]
    [TestCase("account, is 57011150", "57011150")]
    public void A_dot_or_comma_next_to_the_label_is_read_as_before(string text, string value) =>
        Assert.That(Found(s_identity, text), Does.Contain(value));

    [TestCase("The account dropped and the total is 45218733 this month.")] // no linking word joins "dropped" to the label
    [TestCase("Check the account. The gas bill is 45218733 in total.")] // a sentence between
    [TestCase("We closed the account, and the meter reading is 45218733.")] // a clause between
    [TestCase("We closed the account, in the end the reading is 45218733.")] // a clause between, though it starts with "in"
    [TestCase("Ask for the account. On the gas bill the total is 45218733.")] // a sentence between, though it starts with "On"
    [TestCase("The customer with the highest bill is 45218733.")] // "customer" names nothing without "number"
    [TestCase("The account number on the gas bill is 42.")] // too few digits for an account
    [TestCase("The account number on the gas bill of the tenant in the flat upstairs next door is 45218733.")] // too far
    [TestCase("Our account manager says the peak demand at the site is 45218733 W.")] // "says the peak demand at" is no phrase of the label
    public void A_phrase_that_does_not_hang_on_the_label_names_nothing(string text) =>
        Assert.That(Found(s_identity, text), Is.Empty);

    [Test]
    public void A_label_right_after_its_value_names_it()
    {
        (string After, string Type)[] afters =
        [
            (" is my account number.", EntityTypes.BankAccount), (", that's my customer number.", EntityTypes.IdentityNumber),
            (" (account no.)", EntityTypes.BankAccount), (" = Kundennummer;", EntityTypes.IdentityNumber), (" ist meine Kundennummer.", EntityTypes.IdentityNumber),
            (" est mon numéro de client.", EntityTypes.IdentityNumber), (" - número de cliente,", EntityTypes.IdentityNumber),
            (" is the passport number.", EntityTypes.IdentityNumber), (" is my account.", EntityTypes.BankAccount),
        ];
        List<string> missed = [];
        foreach ((string after, string type) in afters)
        {
            foreach (string value in s_values)
            {
                string text = $"Please note: {value}{after} Thanks.";
                List<SensitiveSpan> spans = Spans(s_identity, text);
                if (!spans.Any(span => text.Substring(span.Start, span.Length) == value && span.EntityType == type))
                {
                    missed.Add(text);
                }
            }
        }

        Assert.That(missed, Is.Empty);
    }

    [TestCase("The bill says 45218733 is the account balance.")] // the label does not end its phrase
    [TestCase("Please note: 45218733 is the total of all meters.")] // no label
    [TestCase("Please note: 45218733 customers in the region.")] // "customers" is no label
    [TestCase("Please note: 45218733 is high for a customer of our size.")] // a word no table knows first
    [TestCase("Please note: 4521 is my account number.")] // too few digits for an account
    public void A_word_after_a_value_that_is_no_label_of_it_names_nothing(string text) =>
        Assert.That(Found(s_identity, text), Is.Empty);

    [TestCase("Kundennummer:\n72487704\nVertragsbeginn: 01.03.2026", "72487704")]
    [TestCase("Account number\r\n   5701 1150 87\r\nSort code", "5701 1150 87")]
    [TestCase("Best regards,\nJan\nmy klantnummer is\n3383387479", "3383387479")]
    public void A_label_that_ends_the_line_above_a_value_alone_on_its_line_names_it(string text, string value) =>
        Assert.That(Found(s_identity, text), Does.Contain(value));

    [TestCase("Kundennummer:\n\n72487704 Einträge")] // a blank line between
    [TestCase("Kundennummer:\nsee 72487704 for the count")] // the value does not start its line
    [TestCase("Total consumption\n45218733")] // no label above
    public void A_line_above_that_is_no_label_of_the_value_names_nothing(string text) =>
        Assert.That(Found(s_identity, text), Is.Empty);

    // Found by a review of this rule: a label written as one key word at the end of a long phrase, and words that must
    // not complete a label across the phrase.
    [TestCase("my passport_number on the gas bill is 45218733", "45218733")]
    [TestCase("my accountNumber on the old gas bill is 45218733", "45218733")]
    [TestCase("Die Reisepass-Nr auf der alten Rechnung vom Amt ist 45218733.", "45218733")]
    [TestCase("my passport_number on the gas bill is C2FFFYW70", "C2FFFYW70")]
    public void A_key_word_label_a_long_phrase_away_is_found(string text, string value) =>
        Assert.That(Found(s_identity, text), Does.Contain(value));

    [TestCase("The customer with the highest order number is 45218733.")] // "number" is the order's
    [TestCase("The patient in the next room number is 45218733.")] // "number" is the room's
    [TestCase("Please raise the overdraft on my account to 2500000")] // "to" right after a label is an amount
    [TestCase("45218733 is the passport-photo count.")] // the label word goes on
    [TestCase("Kundennummer:\n72487704 Einträge wurden gelöscht")] // not alone on its line
    [TestCase("Customer number\n45218733 kWh were used last year")] // not alone on its line
    public void Words_that_do_not_label_the_value_name_nothing(string text) =>
        Assert.That(Found(s_identity, text), Is.Empty);

    [TestCase("The meter in the plant room is 45218733 mm from the wall.")]
    [TestCase("The meter that failed last winter was 20 years old.")]
    public void A_meter_noun_alone_a_phrase_away_names_nothing(string text) =>
        Assert.That(Found(s_supply, text), Is.Empty);
}
