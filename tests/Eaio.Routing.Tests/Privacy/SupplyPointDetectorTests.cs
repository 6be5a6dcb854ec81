using NUnit.Framework;
using static Eaio.Routing.Tests.DetectorAssert;

namespace Eaio.Routing.Tests;

/// <summary>
/// Supply point ids and meter numbers: the forms utilities print on bills and in exports, found alone or after their
/// label, and the numbers that look like them and are not.
/// </summary>
[TestFixture]
public sealed class SupplyPointDetectorTests
{
    private static readonly SupplyPointDetector s_detector = new();

    // Check digits computed here by the published rules, independently of the detector's code.
    private static string Gs1(string digits) =>
        digits + ((10 - (digits.Reverse().Select((c, i) => (c - '0') * (i % 2 == 0 ? 3 : 1)).Sum() % 10)) % 10);

    private static string Mpan(string twelve) =>
        twelve + (twelve.Zip(new[] { 3, 5, 7, 13, 17, 19, 23, 29, 31, 37, 41, 43 }, (c, w) => (c - '0') * w).Sum() % 11 % 10);

    private static string Cups(string sixteen)
    {
        const string Letters = "TRWAGMYFPDXBNJZSQVHLCKE";
        int remainder = (int)(ulong.Parse(sixteen, System.Globalization.CultureInfo.InvariantCulture) % 529);
        return "ES" + sixteen + Letters[remainder / 23] + Letters[remainder % 23];
    }

    [TestCase("Zählpunkt laut Rechnung: DE0005611234500000000000012345678, bitte prüfen.", "DE0005611234500000000000012345678")]
    [TestCase("melo;DE0005611234500000000000012345678;Hauptzähler", "DE0005611234500000000000012345678")]
    [TestCase("{\"zp\": \"de0005611234500000000000012345678\"}", "de0005611234500000000000012345678")]
    [TestCase("CUPS: ES0031824628194821EP", "ES0031824628194821EP")]
    [TestCase("el suministro ES0031824628194821EP0F de la oficina", "ES0031824628194821EP0F")]
    [TestCase("POD IT001E12345678 (Milano)", "IT001E12345678")]
    [TestCase("il punto it001e87654321 non risponde", "it001e87654321")]
    [TestCase("Der Zähler 1ESY1160123456 zeigt Fehler F.F", "1ESY1160123456")]
    [TestCase("EAN 871687452601815900 staat op de factuur", "871687452601815900")]
    [TestCase("Le code EAN de notre site belge : 541483016613186090.", "541483016613186090")]
    [TestCase("aansluiting 871687452601815900\n", "871687452601815900")]
    [TestCase("en la factura aparece el CUPS ES 0031 8246 2819 4821 EP, ¿es correcto?", "ES 0031 8246 2819 4821 EP")]
    public void A_self_evident_form_is_found(string text, string id) =>
        Assert.That(Found(s_detector, text), Is.EqualTo(new[] { id }));

    [TestCase("MPAN: 16 1390 9960 308", "16 1390 9960 308")]
    [TestCase("Our MPAN is 1613909960308.", "1613909960308")]
    [TestCase("the supply number (MPAN) 1613909960308 on page 2", "1613909960308")]
    [TestCase("Supply number: 1613909960308", "1613909960308")]
    [TestCase("MPRN 10012345678 (gas)", "10012345678")]
    [TestCase("GPRN: 1234567", "1234567")]
    [TestCase("Marktlokation 51238696781 laut Netzbetreiber", "51238696781")]
    [TestCase("MaLo-ID: 51238696781", "51238696781")]
    [TestCase("Zählpunkt-Nr.: 0005611234500000000000012345678", "0005611234500000000000012345678")]
    [TestCase("numéro de PDL : 14 2589 3657 4125", "14 2589 3657 4125")]
    [TestCase("PRM n° 14258936574125 (Enedis)", "14258936574125")]
    [TestCase("Point de livraison 14258936574125", "14258936574125")]
    [TestCase("PCE GI123456 (gaz)", "GI123456")]
    [TestCase("PCE 12345678901234", "12345678901234")]
    [TestCase("EAN 871687452601815901", "871687452601815901")] // after its label, a mistyped check digit is still the site's code
    [TestCase("CUPS ES0031824628194821EQ", "ES0031824628194821EQ")]
    [TestCase("PDR 00881234567890 del condominio", "00881234567890")]
    [TestCase("NMI: 4103123456", "4103123456")]
    [TestCase("NMI QCCC123456 in Brisbane", "QCCC123456")]
    [TestCase("ESI ID 10443720001234567", "10443720001234567")]
    [TestCase("ICP 0000012345NR9CF", "0000012345NR9CF")]
    [TestCase("metering point 123456789012", "123456789012")]
    [TestCase("meter serial number: 19K0123456", "19K0123456")]
    [TestCase("Meter number 00123456 was replaced", "00123456")]
    [TestCase("Zählernummer 12345678", "12345678")]
    [TestCase("n° de compteur 123456789", "123456789")]
    [TestCase("MSN: 21E5012345", "21E5012345")]
    [TestCase("<Marktlokation>51238696781</Marktlokation>", "51238696781")]
    [TestCase("la référence PCE est 12345678901234.", "12345678901234")]
    [TestCase("numer licznika energii 41207733", "41207733")]
    [TestCase("site,mpan,kwh\nDepot,1613909960308,3120.5\n", "1613909960308")]
    public void A_labelled_id_is_found(string text, string id) =>
        Assert.That(Found(s_detector, text), Is.EqualTo(new[] { id }));

    [Test]
    public void Labelled_ids_have_their_types()
    {
        Assert.That(Spans(s_detector, "MPAN 1613909960308").Single().EntityType, Is.EqualTo(EntityTypes.SupplyPoint));
        Assert.That(Spans(s_detector, "meter serial 19K0123456").Single().EntityType, Is.EqualTo(EntityTypes.Equipment));
        Assert.That(Spans(s_detector, "unit 1ESY1160123456").Single().EntityType, Is.EqualTo(EntityTypes.Equipment));
        Assert.That(Spans(s_detector, "CUPS ES0031824628194821EP").Single().EntityType, Is.EqualTo(EntityTypes.SupplyPoint));
    }

    [TestCase("The chiller plant ran at 78 % of rated capacity in 2016.")]
    [TestCase("Invoice 2016-03-01 for 12345 kWh, call 415-555-0112.")]
    [TestCase("EAN 4006381333931 is the filter cartridge's barcode.")] // a product's EAN-13
    [TestCase("871687452601815901")]
    [TestCase("Reference 871687452601815900123 is twenty-one digits long.")]
    [TestCase("MPAN consumption was 1234.5 kWh")]
    [TestCase("MPAN 1234.5")]
    [TestCase("MPAN share 12.5 %")]
    [TestCase("site ES0031824628194821EQ")] // wrong check letters, no label
    [TestCase("order 3ABC-1234567890 shipped")]
    [TestCase("sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")]
    [TestCase("DE89370400440532013000")] // an IBAN, not a Zählpunkt
    [TestCase("meter 12 reads 1234")]
    [TestCase("The meter hotline is 0800 123 4567.")]
    [TestCase("serial port 12345678")]
    [TestCase("ITX001E12345678")]
    [TestCase("---- 16 1390 9960 308 ----")] // dashes are no word: read without failing
    [TestCase("- / 1613909960308")]
    public void A_look_alike_is_not_found(string text) =>
        Assert.That(Found(s_detector, text), Is.Empty);

    [Test]
    public void Generated_ids_of_each_form_are_found_and_one_wrong_check_digit_is_not()
    {
        Random random = new(42);
        string Digits(int n) => string.Concat(Enumerable.Range(0, n).Select(_ => (char)('0' + random.Next(10))));
        for (int i = 0; i < 200; i++)
        {
            string ean = Gs1((i % 2 == 0 ? "871" : "54") + Digits(i % 2 == 0 ? 14 : 15));
            string cups = Cups("00" + Digits(14));
            string mpan = Mpan((10 + random.Next(20)).ToString(System.Globalization.CultureInfo.InvariantCulture) + Digits(10));
            Assert.That(Found(s_detector, $"code {ean} ok"), Is.EqualTo(new[] { ean }), ean);
            Assert.That(Found(s_detector, $"site {cups}."), Is.EqualTo(new[] { cups }), cups);
            Assert.That(Found(s_detector, $"MPAN {mpan[..2]} {mpan[2..6]} {mpan[6..10]} {mpan[10..]}"), Has.Count.EqualTo(1), mpan);

            string wrong = ean[..^1] + (char)('0' + ((ean[^1] - '0' + 1) % 10));
            Assert.That(Found(s_detector, $"code {wrong} ok"), Is.Empty, wrong);
        }
    }

    [Test]
    public void Random_text_never_makes_it_throw_or_report_outside_the_text()
    {
        Random random = new(7);
        const string Alphabet = "0123456789012345678901234567890123456789 -.,:/()°nNmMpPaAeEsSdDzZäÄé_\n";
        for (int n = 0; n < 20_000; n++)
        {
            string text = new([.. Enumerable.Range(0, random.Next(0, 120)).Select(_ => Alphabet[random.Next(Alphabet.Length)])]);
            foreach (SensitiveSpan span in Spans(s_detector, "MPAN " + text))
            {
                Assert.That(span.Start >= 0 && span.End <= text.Length + 5, text);
            }
        }
    }

    [Test]
    public void The_default_scanner_masks_a_supply_point_as_sensitive()
    {
        SensitiveDataScanner scanner = SensitiveDataScanner.CreateDefault();
        SensitiveDataScanResult result = scanner.Scan("Why did the site on MPAN 16 1390 9960 308 use more gas in March?");

        Assert.That(result.Spans.Select(s => s.EntityType), Does.Contain(EntityTypes.SupplyPoint));
        Assert.That(result.Sensitivity, Is.EqualTo(DataSensitivity.Sensitive));
    }
}
