using System.Text;
using NUnit.Framework;
using static Eaio.Routing.Tests.DetectorAssert;

namespace Eaio.Routing.Tests;

/// <summary>
/// The identity detector's document forms that hold no run of three digits or are no single word: document numbers that
/// mix capitals and digits after their label, a passport's machine-readable zone, a cheque's MICR line, and a contract
/// number written with slashes.
/// </summary>
[TestFixture]
public sealed class IdentityDocumentTests
{
    private static readonly IdentityNumberDetector s_detector = new();
    private static readonly SupplyPointDetector s_supply = new();

    // German passport and identity card numbers use these: no vowels, no B, D, Q, S.
    private const string DocumentAlphabet = "CFGHJKLMNPRTVWXYZ0123456789";

    private static readonly string[] s_labels =
    [
        "Reisepass-Nr.", "Personalausweisnummer", "documentnummer paspoort", "passport number:", "Passport no.", "numéro de passeport",
        "pasaporte n.º", "identity card no.", "driver's licence", "identiteitsbewijs nr.", "numer paszportu",
    ];

    [Test]
    public void A_document_number_without_three_digits_in_a_row_is_found_after_its_label()
    {
        Random random = new(20261208);
        List<string> missed = [];
        for (int i = 0; i < 2000; i++)
        {
            string number = DocumentNumber(random, 6 + random.Next(7));
            string label = s_labels[random.Next(s_labels.Length)];
            string text = $"Mieterselbstauskunft: {label} {number}, gültig bis 2031.";
            if (!Found(s_detector, text).Contains(number))
            {
                missed.Add(text);
            }
        }

        Assert.That(missed, Is.Empty);
    }

    [TestCase("Reisepass-Nr. C2FFFYW70, Personalausweisnummer LWL7PNF7Y", new[] { "C2FFFYW70", "LWL7PNF7Y" })]
    [TestCase("documentnummer paspoort CMLBH4ZW6.", new[] { "CMLBH4ZW6" })]
    [TestCase("{\"passportNumber\": \"CJCX08GFJ\"}", new[] { "CJCX08GFJ" })]
    public void Document_numbers_as_people_and_forms_write_them(string text, string[] numbers) =>
        Assert.That(Found(s_detector, text), Is.EquivalentTo(numbers));

    [TestCase("The chiller uses R410A and the flat has a CO2 sensor; print it on A4.")] // too short
    [TestCase("Order part RTU4X9KL2 for the roof unit.")] // no label
    [TestCase("passport photo 35x45mm, model ABC7DEF8G.")] // the label names no number here: "photo" stands between
    [TestCase("passport C2FFFYW70x")] // part of a longer word
    [TestCase("passport C2FFFYW70ABCDEFGHIJK")] // longer than a document number
    [TestCase("the account number MXQ7RT2KL")] // a bank account has no letters
    public void Capitals_and_digits_that_are_no_labelled_document_number_are_not_found(string text) =>
        Assert.That(Found(s_detector, text), Is.Empty);

    [Test]
    public void Generated_machine_readable_zones_are_found_whole_and_a_wrong_check_digit_is_not()
    {
        Random random = new(9303);
        for (int i = 0; i < 300; i++)
        {
            string[] zone = (i % 3) switch
            {
                0 => PassportZone(random),
                1 => VisaZone(random),
                _ => IdCardZone(random),
            };
            string newline = i % 2 == 0 ? "\n" : "\r\n";
            string text = $"The scanner produced this:{newline}{string.Join(newline, zone.Select(l => "  " + l))}{newline}which field is the number?";
            Assert.That(Found(s_detector, text), Is.SupersetOf(zone), text);

            // The date of birth's check digit, one off: the lines are no zone any more.
            string[] broken = [.. zone];
            const int dataLine = 1;
            int checkAt = zone.Length == 3 ? 6 : 19;
            char wrong = (char)('0' + ((broken[dataLine][checkAt] - '0' + 1) % 10));
            broken[dataLine] = string.Concat(broken[dataLine].AsSpan(0, checkAt), wrong.ToString(), broken[dataLine].AsSpan(checkAt + 1));
            string brokenText = string.Join("\n", broken);
            Assert.That(Found(s_detector, brokenText).Intersect(broken), Is.Empty, brokenText);
        }
    }

    [Test]
    public void The_check_digit_is_that_of_the_icao_example()
    {
        // ICAO Doc 9303 part 3, 4.9: the check digit of 520727 is 3; of AB2134<<< it is 5.
        Assert.That(MachineReadableZones.IsCheckDigit("520727", '3'), Is.True);
        Assert.That(MachineReadableZones.IsCheckDigit("AB2134<<<", '5'), Is.True);
        Assert.That(MachineReadableZones.IsCheckDigit("520727", '4'), Is.False);
    }

    [TestCase("<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<")]
    [TestCase("std::cout << value << std::endl;")]
    [TestCase("HEADER<<SECTION<<A<<B<<C<<D<<E<<F<<G<<H<<I<<J<<<<")]
    public void Lines_of_fillers_that_are_no_zone_are_not_found(string text) =>
        Assert.That(Found(s_detector, text), Is.Empty);

    [TestCase("Cheque MICR line: ⑆80569-001⑆ 2416211⑈ - explain which part is which.", new[] { "80569-001", "2416211" })]
    [TestCase("⑈004512⑈ ⑆021000021⑆ 123456789⑈", new[] { "004512", "021000021", "123456789" })]
    [TestCase("bottom of the cheque reads ⑆ 11000⑉006 ⑆ 0012345 ⑈ 101", new[] { "11000⑉006", "0012345" })]
    public void The_numbers_of_a_micr_line_are_bank_accounts(string text, string[] numbers)
    {
        List<SensitiveSpan> spans = Spans(s_detector, text);
        Assert.That(spans.Select(s => text.Substring(s.Start, s.Length)), Is.EquivalentTo(numbers));
        Assert.That(spans.Select(s => s.EntityType), Is.All.EqualTo(EntityTypes.BankAccount));
    }

    [TestCase("numer klienta 8171637531, numer umowy UE/463366/2026.", "UE/463366/2026")]
    [TestCase("Vertragsnummer VK/2231984/24 laut Schreiben", "VK/2231984/24")]
    [TestCase("número de contrato AB/7731/2025", "AB/7731/2025")]
    [TestCase("numéro de contrat AB/7731", "AB/7731")]
    public void A_contract_number_with_slashes_is_found_whole_after_its_label(string text, string number) =>
        Assert.That(Found(s_detector, text), Does.Contain(number));

    [TestCase("files/2024/078-05-1120.pdf", "078-05-1120")] // a slashed number that goes on is no suffix: the SSN is read
    [TestCase("see doc/123456/078-05-1120 please", "078-05-1120")]
    [TestCase("Vertragsnummer UE/463366/2026-05", "UE/463366")]
    public void A_number_after_a_slashed_id_that_goes_on_is_read_on_its_own(string text, string id) =>
        Assert.That(Found(s_detector, text), Does.Contain(id));

    [TestCase("Invoice dated 12/03/2026 for March.")]
    [TestCase("Ticket UE/463366/2026 was closed.")] // no label
    [TestCase("the contract runs 2024/2026")]
    [TestCase("Contract no. SLA/4471/2025 requires 98 % uptime for the BMS.")] // a service contract of the building, no person's
    public void Slashed_numbers_without_a_label_are_not_found(string text) =>
        Assert.That(Found(s_detector, text), Is.Empty);

    [Test]
    public void Random_text_of_zones_symbols_labels_and_lines_never_makes_it_throw_or_report_outside_the_text()
    {
        Random random = new(44);
        string[] pieces = ["<", "<<", "\n", "\r\n", " ", "⑆", "⑈", "⑉", "-", "/", "P<", "C2F", "7", "12", "345", "passport ", "is ", "account number ", "meter ", "Zähler-", "_", "A-", ":", ".", "é"];
        int reported = 0;
        for (int n = 0; n < 20_000; n++)
        {
            string text = string.Concat(Enumerable.Range(0, random.Next(0, 60)).Select(_ => pieces[random.Next(pieces.Length)]));
            // The supply point detector reads labels with the same reader.
            foreach (SensitiveSpan span in Spans(s_detector, text).Concat(Spans(s_supply, text)))
            {
                Assert.That(span.Start >= 0 && span.Length > 0 && span.End <= text.Length, text);
                reported++;
            }
        }

        Assert.That(reported, Is.GreaterThan(1_000));
    }

    [Test]
    public void No_default_detector_fails_on_such_text()
    {
        // A detector that throws blocks the request (fail closed): safe, but an outage for that text.
        SensitiveDataScanner scanner = SensitiveDataScanner.CreateDefault();
        Random random = new(45);
        string[] pieces = ["<", "<<", "\n", " ", "⑆", "⑈", "-", "/", "P<", "C2F", "7", "12", "345", "passport ", "is ", "account number ",
            "meter ", "Zähler-", "_", "A-", ":", ".", "é", "lat ", "deg ", "@", "=", "kWh", "2026-", "+44 "];
        List<string> failed = [];
        for (int n = 0; n < 5_000; n++)
        {
            string text = string.Concat(Enumerable.Range(0, random.Next(0, 80)).Select(_ => pieces[random.Next(pieces.Length)]));
            if (scanner.Scan(text).Failures.Count > 0)
            {
                failed.Add(text);
            }
        }

        Assert.That(failed, Is.Empty);
    }

    private static string DocumentNumber(Random random, int length)
    {
        // Capitals and digits, at least one of each, never three digits in a row.
        while (true)
        {
            StringBuilder number = new();
            int run = 0;
            while (number.Length < length)
            {
                char c = DocumentAlphabet[random.Next(DocumentAlphabet.Length)];
                if (char.IsAsciiDigit(c) && run == 2)
                {
                    continue;
                }

                run = char.IsAsciiDigit(c) ? run + 1 : 0;
                number.Append(c);
            }

            string value = number.ToString();
            if (value.Any(char.IsAsciiDigit) && value.Any(char.IsAsciiLetter))
            {
                return value;
            }
        }
    }

    private static string[] PassportZone(Random random)
    {
        string number = DocumentNumber(random, 9);
        string line1 = Pad($"P<{Country(random)}{Name(random)}<<{Name(random)}", 44);
        string data = $"{number}{Check(number)}{Country(random)}{Date(random, out string birth)}{Check(birth)}{(random.Next(2) == 0 ? 'M' : 'F')}"
            + $"{Date(random, out string expiry)}{Check(expiry)}";
        string optional = new('<', 14);
        data += optional + Check(optional);
        data += Check(data[..10] + data[13..20] + data[21..43]);
        return [line1, data];
    }

    private static string[] VisaZone(Random random)
    {
        string number = DocumentNumber(random, 9);
        string line1 = Pad($"V<{Country(random)}{Name(random)}<<{Name(random)}", 36);
        string data = $"{number}{Check(number)}{Country(random)}{Date(random, out string birth)}{Check(birth)}{(random.Next(2) == 0 ? 'M' : 'F')}"
            + $"{Date(random, out string expiry)}{Check(expiry)}";
        return [line1, Pad(data, 36)];
    }

    private static string[] IdCardZone(Random random)
    {
        string number = DocumentNumber(random, 9);
        string line1 = Pad($"I<{Country(random)}{number}{Check(number)}", 30);
        string line2 = $"{Date(random, out string birth)}{Check(birth)}{(random.Next(2) == 0 ? 'M' : 'F')}{Date(random, out string expiry)}{Check(expiry)}{Country(random)}";
        line2 = Pad(line2, 29);
        line2 += Check(line1[5..30] + line2[..7] + line2[8..15] + line2[18..29]);
        string line3 = Pad($"{Name(random)}<<{Name(random)}", 30);
        return [line1, line2, line3];
    }

    private static string Pad(string line, int length) => line.Length >= length ? line[..length] : line + new string('<', length - line.Length);

    private static string Country(Random random) => (string[])["GBR", "DEU", "NLD", "FRA", "UTO", "POL", "ESP"] is var c ? c[random.Next(c.Length)] : "";

    private static string Name(Random random)
    {
        string[] names = ["NGUYEN", "MUELLER", "DE<VRIES", "KOWALSKA", "GARCIA", "THI", "ANNA<MARIA", "ERIKSSON"];
        return names[random.Next(names.Length)];
    }

    private static string Date(Random random, out string date)
    {
        date = $"{random.Next(100):D2}{1 + random.Next(12):D2}{1 + random.Next(28):D2}";
        return date;
    }

    // ICAO Doc 9303's check digit, written out here apart from the detector's.
    private static char Check(string field)
    {
        int[] weights = [7, 3, 1];
        int sum = 0;
        for (int i = 0; i < field.Length; i++)
        {
            char c = field[i];
            sum += (c is >= '0' and <= '9' ? c - '0' : c is >= 'A' and <= 'Z' ? c - 'A' + 10 : 0) * weights[i % 3];
        }

        return (char)('0' + (sum % 10));
    }
}
