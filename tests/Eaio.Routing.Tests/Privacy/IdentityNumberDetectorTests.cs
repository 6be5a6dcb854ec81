using System.Globalization;
using NUnit.Framework;
using static Eaio.Routing.Tests.DetectorAssert;

namespace Eaio.Routing.Tests;

/// <summary>
/// Identity and bank account numbers: national forms found by their check digits alone, any id after its label, and the
/// numbers of ordinary energy talk that must stay as they are.
/// </summary>
[TestFixture]
public sealed class IdentityNumberDetectorTests
{
    private static readonly IdentityNumberDetector s_detector = new();

    [TestCase("The tenant's SSN, 536-27-4418, was on the lease.", "536-27-4418")]
    [TestCase("ssn:401-73-2286", "401-73-2286")]
    [TestCase("NI number JG103759A on the payslip", "JG103759A")]
    [TestCase("Sozialversicherung laut Brief: AB123456A", "AB123456A")]
    [TestCase("DNI 12345678Z del administrador", "12345678Z")]
    [TestCase("con DNI 12345678-Z firmado", "12345678-Z")]
    [TestCase("NIE X1234567L", "X1234567L")]
    [TestCase("codice fiscale RSSMRA85T10A562S per il contratto", "RSSMRA85T10A562S")]
    [TestCase("il manutentore (RSSMRA85T10A562S) ha firmato", "RSSMRA85T10A562S")]
    [TestCase("n° sécu 1 84 12 76 451 089 46 du gardien", "1 84 12 76 451 089 46")]
    [TestCase("NIR 184127645108946", "184127645108946")]
    public void A_self_evident_form_is_found(string text, string id) =>
        Assert.That(Found(s_detector, text), Is.EqualTo(new[] { id }));

    [TestCase("Passport no. 53174290 for the site badge.", "53174290", EntityTypes.IdentityNumber)]
    [TestCase("driver's license: WA7720419", "WA7720419", EntityTypes.IdentityNumber)]
    [TestCase("Driving licence number MORGA753116SM9IJ", "MORGA753116SM9IJ", EntityTypes.IdentityNumber)]
    [TestCase("the contractor's national id: 771503328", "771503328", EntityTypes.IdentityNumber)]
    [TestCase("Tax ID 27-4410968 of the landlord", "27-4410968", EntityTypes.IdentityNumber)]
    [TestCase("Steuer-ID: 12345678901", "12345678901", EntityTypes.IdentityNumber)]
    [TestCase("BSN 123456782 van de huurder", "123456782", EntityTypes.IdentityNumber)]
    [TestCase("employee ID FM2207 opened the ticket", "FM2207", EntityTypes.IdentityNumber)]
    [TestCase("staff number 004512", "004512", EntityTypes.IdentityNumber)]
    [TestCase("Kundennummer 123456789", "123456789", EntityTypes.IdentityNumber)]
    [TestCase("customer number: 7700123456", "7700123456", EntityTypes.IdentityNumber)]
    [TestCase("our policy is HX4419027", "HX4419027", EntityTypes.IdentityNumber)]
    [TestCase("member id GYM-330817", "GYM-330817", EntityTypes.IdentityNumber)]
    [TestCase("Visa number K8830172 for the auditor", "K8830172", EntityTypes.IdentityNumber)]
    [TestCase("bank account 40129933718 for the refund", "40129933718", EntityTypes.BankAccount)]
    [TestCase("routing 121000358", "121000358", EntityTypes.BankAccount)]
    [TestCase("Kontonummer 1234567890", "1234567890", EntityTypes.BankAccount)]
    [TestCase("account no. 12345678", "12345678", EntityTypes.BankAccount)]
    [TestCase("DNI 12345678A", "12345678A", EntityTypes.IdentityNumber)] // after its label, a mistyped check letter is still the id
    [TestCase("{\"accountNumber\": \"7305518264\", \"holder\": \"x\"}", "7305518264", EntityTypes.BankAccount)]
    [TestCase("{\"tenant_id\": \"T-408812\"}", "T-408812", EntityTypes.IdentityNumber)]
    [TestCase("<CustomerNumber>55018273</CustomerNumber>", "55018273", EntityTypes.IdentityNumber)]
    [TestCase("N° client : 6621 904 177, merci", "6621 904 177", EntityTypes.IdentityNumber)]
    [TestCase("Référence contrat : 4410772391", "4410772391", EntityTypes.IdentityNumber)]
    [TestCase("numer klienta 9182736450", "9182736450", EntityTypes.IdentityNumber)]
    [TestCase("código de cliente: 77120394", "77120394", EntityTypes.IdentityNumber)]
    [TestCase("Reisepass-Nr. C73405521", "C73405521", EntityTypes.IdentityNumber)]
    [TestCase("PESEL: 44051401458", "44051401458", EntityTypes.IdentityNumber)]
    [TestCase("customer ref PQ-A7730981", "PQ-A7730981", EntityTypes.IdentityNumber)]
    [TestCase("{\"leaseRef\":\"LSE8830127\"}", "LSE8830127", EntityTypes.IdentityNumber)]
    [TestCase("patente n. RM7730412K", "RM7730412K", EntityTypes.IdentityNumber)]
    public void A_labelled_id_is_found(string text, string id, string entityType)
    {
        List<SensitiveSpan> spans = Spans(s_detector, text);
        Assert.That(spans.Select(s => text.Substring(s.Start, s.Length)), Is.EqualTo(new[] { id }));
        Assert.That(spans[0].EntityType, Is.EqualTo(entityType));
    }

    [Test]
    public void Ids_in_a_pasted_table_are_found_by_their_column_header()
    {
        string text = "Please total by unit:\nunit,amount,routing,account\n4B,310.50,121000358,40129933718\n5A,95.10,026009593,7730112045\n";
        Assert.That(Found(s_detector, text), Is.EqualTo(new[] { "121000358", "40129933718", "026009593", "7730112045" }));
        Assert.That(Found(s_detector, "unit,kwh,cost\n4B,3105,41.20\n5A,2210,29.35\n"), Is.Empty, "consumption columns are no ids");
    }

    [Test]
    public void Both_numbers_of_a_bank_detail_are_found()
    {
        string text = "Pay the deposit back to account 40129933718, routing 121000358, by Friday.";
        Assert.That(Found(s_detector, text), Is.EqualTo(new[] { "40129933718", "121000358" }));
    }

    [TestCase("The chiller plant ran at 78 % of rated capacity in 2016.")]
    [TestCase("Call 415-555-0112 about invoice 2016-03-01.")]
    [TestCase("Part 123-45-678 and 12-345-6789 are no SSNs")]
    [TestCase("SSN-shaped but invalid: 000-12-3456, 666-12-3456, 912-12-3456, 123-00-4567, 123-45-0000")]
    [TestCase("firma 12345678A")] // wrong check letter, no label
    [TestCase("codice RSSMRA85T10A562T")] // wrong check letter
    [TestCase("n° 184127645108947")] // wrong key, no label
    [TestCase("GB123456A and BG123456A are never issued, nor QQ123456C or JG103759E")]
    [TestCase("license 2016 terms")]
    [TestCase("Our policy is 2024-ready")]
    [TestCase("The account used 12.5 % more than the 2,345 kWh budget")]
    [TestCase("account 1234.56 kWh")]
    [TestCase("The national 2030 target is 55 % less CO2.")]
    [TestCase("routing 12345678")] // eight digits: no ABA routing number
    [TestCase("Transaction 1234567890 completed")]
    [TestCase("Is 111-11-1111 a test SSN? And account 000000000000, routing 111111111?")] // one digit throughout: placeholders
    [TestCase("passport V00000000 in the form template")]
    public void A_look_alike_is_not_found(string text) =>
        Assert.That(Found(s_detector, text), Is.Empty);

    [Test]
    public void Generated_numbers_of_each_national_form_are_found_and_wrong_checks_are_not()
    {
        const string DniLetters = "TRWAGMYFPDXBNJZSQVHLCKE";
        Random random = new(11);
        for (int i = 0; i < 300; i++)
        {
            int dni = random.Next(10_000_000, 99_999_999);
            string valid = dni.ToString(CultureInfo.InvariantCulture) + DniLetters[dni % 23];
            string wrong = dni.ToString(CultureInfo.InvariantCulture) + DniLetters[(dni + 1) % 23];
            Assert.That(Found(s_detector, $"firma {valid}."), Is.EqualTo(new[] { valid }), valid);
            Assert.That(Found(s_detector, $"firma {wrong}."), Is.Empty, wrong);

            long nir13 = (random.Next(1, 3) * 1_000_000_000_000L) + (random.Next(0, 100) * 10_000_000_000L)
                + (random.Next(1, 13) * 100_000_000L) + random.Next(0, 100_000_000);
            string nir = nir13.ToString(CultureInfo.InvariantCulture) + (97 - (nir13 % 97)).ToString("00", CultureInfo.InvariantCulture);
            Assert.That(Found(s_detector, $"n° {nir} ok"), Is.EqualTo(new[] { nir }), nir);

            string ssn = $"{random.Next(1, 900):000}-{random.Next(1, 100):00}-{random.Next(1, 10_000):0000}";
            Assert.That(Found(s_detector, $"record {ssn} on file") is { Count: 1 } || ssn.StartsWith("666", StringComparison.Ordinal), ssn);
        }
    }

    [TestCase("NI number: AB 12 34 56 C, on the payslip", "AB 12 34 56 C", EntityTypes.IdentityNumber)]
    [TestCase("Her NINO is JG 10 37 59 A.", "JG 10 37 59 A", EntityTypes.IdentityNumber)]
    [TestCase("AB 12 34 56 C", "AB 12 34 56 C", EntityTypes.IdentityNumber)]
    [TestCase("the payroll has JG 103759 A for him", "JG 103759 A", EntityTypes.IdentityNumber)]
    [TestCase("Sort code 20-00-00, account 55779911", "20-00-00", EntityTypes.BankAccount)]
    [TestCase("sort code: 40 47 84", "40 47 84", EntityTypes.BankAccount)]
    public void A_number_printed_in_pairs_of_digits_is_found_by_its_letters_or_its_label(string text, string expected, string entityType)
    {
        List<SensitiveSpan> spans = Spans(s_detector, text);
        Assert.That(spans.Select(s => (text.Substring(s.Start, s.Length), s.EntityType)), Does.Contain((expected, entityType)));
    }

    // A prefix HMRC never issues, a suffix beyond D, letters glued to a word, pairs without a label: dates, times, scores.
    [TestCase("GB 12 34 56 C is not issued")]
    [TestCase("TN 103759 A is not issued either")]
    [TestCase("batch AB 103759 E has no such suffix")]
    [TestCase("AB 12 34 56 E is not a suffix")]
    [TestCase("XAB 12 34 56 C glued")]
    [TestCase("the meter was read on 12-03-21 and 14-03-21")]
    [TestCase("won 12 34 56 in the rounds; kick-off 19 30 00")]
    [TestCase("Sort code 20-00-00-11 has a fourth pair")]
    public void Pairs_of_digits_without_their_letters_or_label_are_not_ids(string text) =>
        Assert.That(Spans(s_detector, text), Is.Empty);

    [Test]
    public void Random_text_never_makes_it_throw_or_report_outside_the_text()
    {
        Random random = new(5);
        const string Alphabet = "0123456789012345678901234567890123456789 -.,:/()°XYZABQnNsSiIdDéä'_\n";
        for (int n = 0; n < 20_000; n++)
        {
            string text = "SSN " + new string([.. Enumerable.Range(0, random.Next(0, 120)).Select(_ => Alphabet[random.Next(Alphabet.Length)])]);
            foreach (SensitiveSpan span in Spans(s_detector, text))
            {
                Assert.That(span.Start >= 0 && span.End <= text.Length, text);
            }
        }
    }

    [Test]
    public void The_default_scanner_masks_identity_and_account_numbers_as_sensitive()
    {
        SensitiveDataScanResult result = SensitiveDataScanner.CreateDefault().Scan("Refund to account 40129933718 of the tenant, SSN 536-27-4418.");

        Assert.That(result.Spans.Select(s => s.EntityType), Is.SupersetOf(new[] { EntityTypes.BankAccount, EntityTypes.IdentityNumber }));
        Assert.That(result.Sensitivity, Is.EqualTo(DataSensitivity.Sensitive));
    }
}
