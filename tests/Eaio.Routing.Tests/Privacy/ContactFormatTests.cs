using NUnit.Framework;
using PhoneNumbers;
using static Eaio.Routing.Tests.DetectorAssert;

namespace Eaio.Routing.Tests;

/// <summary>
/// The wider contact and account formats: phone numbers of many regions (checked with libphonenumber's own example
/// numbers), non-ASCII and obfuscated e-mail addresses, lower-case and hyphenated IBANs, dotted card numbers, and the
/// benign numbers of energy-management prompts that must give no span.
/// </summary>
[TestFixture]
public sealed class ContactFormatTests
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    private static readonly ISensitiveDataDetector[] ContactDetectors =
        [new PhoneNumberDetector(), new EmailDetector(), new IbanDetector(), new PaymentCardDetector()];

    // Regions whose national form has eight digits and no trunk prefix are found in their + form only (see the remarks on
    // PhoneNumberDetector).
    private static readonly HashSet<string> PlusOnlyRegions = new(StringComparer.Ordinal) { "DK", "NO", "SG" };

    private static IEnumerable<TestCaseData> ExampleNumbers()
    {
        PhoneNumberType[] types = [PhoneNumberType.FIXED_LINE, PhoneNumberType.MOBILE];
        foreach (string region in PhoneNumberDetector.DefaultRegions)
        {
            foreach (PhoneNumberType type in types)
            {
                PhoneNumber? number = Util.GetExampleNumberForType(region, type);
                if (number is null)
                {
                    continue;
                }

                List<PhoneNumberFormat> formats = [PhoneNumberFormat.INTERNATIONAL, PhoneNumberFormat.E164];
                if (!PlusOnlyRegions.Contains(region))
                {
                    formats.Add(PhoneNumberFormat.NATIONAL);
                }

                foreach (PhoneNumberFormat format in formats)
                {
                    string formatted = Util.Format(number, format);
                    yield return new TestCaseData(formatted).SetName($"Example_{region}_{type}_{format}");
                }
            }
        }
    }

    [TestCaseSource(nameof(ExampleNumbers))]
    public void Example_numbers_are_found_in_sentences(string number)
    {
        PhoneNumberDetector detector = new();
        string[] sentences =
        [
            $"Please call {number} tomorrow.",
            $"Contact: {number}",
            $"({number}) is the desk line",
            $"Tel. {number}, ask for the facility manager.",
        ];
        foreach (string sentence in sentences)
        {
            Assert.That(Found(detector, sentence), Is.EqualTo(new[] { number }), sentence);
        }
    }

    [TestCase("London 020 7946 0958, ask for Ana", "020 7946 0958")]
    [TestCase("mobile +44 7700 900123.", "+44 7700 900123")]
    [TestCase("mobile 07700 900123.", "07700 900123")]
    [TestCase("Berlin +49 30 12345678", "+49 30 12345678")]
    [TestCase("Berlin 030 12345678", "030 12345678")]
    [TestCase("Berlin +49 (0)30 1234 5678 (Zentrale)", "+49 (0)30 1234 5678")]
    [TestCase("Pune +91 98765 43210", "+91 98765 43210")]
    [TestCase("Pune 098765 43210", "098765 43210")]
    [TestCase("Beijing +86 138 0013 8000", "+86 138 0013 8000")]
    [TestCase("Beijing 010-1234 5678", "010-1234 5678")]
    [TestCase("Sydney +61 2 9876 5432", "+61 2 9876 5432")]
    [TestCase("Sydney (02) 9876 5432", "(02) 9876 5432")]
    [TestCase("Sydney 0412 345 678", "0412 345 678")]
    [TestCase("Amsterdam +31 20 123 4567", "+31 20 123 4567")]
    [TestCase("Amsterdam 020 123 4567", "020 123 4567")]
    [TestCase("Rotterdam mobiel 06-12345678", "06-12345678")]
    [TestCase("Madrid +34 912 345 678", "+34 912 345 678")]
    [TestCase("Madrid 912 345 678", "912 345 678")]
    [TestCase("móvil 612 34 56 78", "612 34 56 78")]
    [TestCase("Paris +33 1 23 45 67 89", "+33 1 23 45 67 89")]
    [TestCase("Paris 01 23 45 67 89", "01 23 45 67 89")]
    [TestCase("portable 06.12.34.56.78", "06.12.34.56.78")]
    [TestCase("US (415) 555-0132", "(415) 555-0132")]
    [TestCase("US 415.555.0132", "415.555.0132")]
    [TestCase("toll free 1-800-555-0199", "1-800-555-0199")]
    [TestCase("Toronto +1 (416) 555-0199", "+1 (416) 555-0199")]
    [TestCase("Telefon 089/2180 3470 (Zentrale)", "089/2180 3470")]
    [TestCase("Tel.: 0711/6844 2210", "0711/6844 2210")]
    [TestCase("Wien, Tel. 01/53114 0", "01/53114 0")]
    [TestCase("Berlin 0049 30 12345678", "0049 30 12345678")]
    [TestCase("Paris 0033 1 23 45 67 89", "0033 1 23 45 67 89")]
    [TestCase("London office: 0044 20 7946 0958.", "0044 20 7946 0958")]
    public void Phone_found_in_national_and_international_forms(string text, string expected)
        => Assert.That(Found(new PhoneNumberDetector(), text), Is.EqualTo(new[] { expected }));

    [TestCase("Durchwahl 030/5439600-90, Fax 030/5439600-91", new[] { "030/5439600", "030/5439600" })]
    public void A_German_number_with_a_slash_after_its_area_code_is_found_with_or_without_its_extension(string text, string[] numbers)
    {
        // The extension may or may not be taken with the number; what must not be left is the number itself.
        List<string> found = Found(new PhoneNumberDetector(), text);
        Assert.That(found, Has.Count.EqualTo(numbers.Length));
        Assert.That(found.Zip(numbers).All(p => p.First.StartsWith(p.Second, StringComparison.Ordinal)), Is.True, string.Join(" | ", found));
    }

    // Regions outside the defaults, and the eight-digit plans the defaults find in their + form only.
    private static readonly string[] LabelledRegions =
    [
        "KR", "RU", "TR", "ID", "PH", "VN", "TH", "MY", "NG", "EG", "PK", "AR", "CO", "CL", "SA", "AE", "IL", "UA", "RO", "CZ",
        "PT", "GR", "HU", "FI", "NZ", "HK", "TW", "KE", "SG", "DK", "NO", "LU",
    ];

    private static IEnumerable<TestCaseData> LabelledNumbers()
    {
        foreach (string region in LabelledRegions)
        {
            foreach (PhoneNumberType type in new[] { PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE })
            {
                PhoneNumber? number = Util.GetExampleNumberForType(region, type);
                if (number is null)
                {
                    continue;
                }

                string national = Util.Format(number, PhoneNumberFormat.NATIONAL);
                string e164 = Util.Format(number, PhoneNumberFormat.E164);
                yield return new TestCaseData(national).SetName($"Labelled_{region}_{type}_national");
                yield return new TestCaseData(new string([.. national.Where(char.IsAsciiDigit)])).SetName($"Labelled_{region}_{type}_unspaced");
                yield return new TestCaseData(e164[1..]).SetName($"Labelled_{region}_{type}_e164_without_plus");
            }
        }
    }

    // A phone label lets through the forms that are readings or codes as often elsewhere: national numbers of regions not
    // configured, one run of digits, E.164 without its '+', and eight digits without a trunk prefix.
    [TestCaseSource(nameof(LabelledNumbers))]
    public void Labelled_numbers_of_any_region_are_found(string number)
    {
        // Numbers whose national form starts with the trunk prefix keep it (0, 8 in Russia).
        PhoneNumberDetector detector = new();
        string[] sentences =
        [
            $"WhatsApp: {number}",
            $"\"mobilePhone\": \"{number}\",",
            $"Tel. {number} (site office)",
            $"call me on {number} after nine",
            $"You can reach the caretaker on his mobile, it is {number}.",
            $"phone_number={number}&site=7",
        ];
        foreach (string sentence in sentences)
        {
            Assert.That(Found(detector, sentence), Is.EqualTo(new[] { number }), sentence);
        }
    }

    // National numbers with a trunk prefix in the groupings of regions not configured, valid there.
    [TestCase("Istanbul office 0532 123 45 67 today", "0532 123 45 67")]
    [TestCase("Manila desk 0917 123 4567.", "0917 123 4567")]
    [TestCase("Taipei 02-2345-6789 now", "02-2345-6789")]
    [TestCase("Bangkok 02 123 4567", "02 123 4567")]
    [TestCase("Auckland 09 123 4567", "09 123 4567")]
    [TestCase("Kyiv 044 123 4567", "044 123 4567")]
    public void Trunk_numbers_of_other_regions_are_found(string text, string expected)
        => Assert.That(Found(new PhoneNumberDetector(), text), Is.EqualTo(new[] { expected }));

    [TestCase("M: 9123 4567 | E: ops@example.com", "9123 4567")]
    [TestCase("T. 6123 4567", "6123 4567")]
    [TestCase("contact: 0812-3456-7890 (Jakarta)", "0812-3456-7890")]
    [TestCase("Telefon: 8 916 123-45-67", "8 916 123-45-67")]
    public void Signature_and_grouped_labelled_numbers_are_found(string text, string expected)
        => Assert.That(Found(new PhoneNumberDetector(), text), Is.EqualTo(new[] { expected }));

    // A table whose header names a phone column: CSV, semicolon and tab separated, Markdown; E.164 without '+', national
    // numbers of regions not configured, and Singapore's eight digits.
    [TestCase("name,phone,site\nAna Ruiz,{0},Berlin\nBo Tan,{1},Depot")]
    [TestCase("| Name | Mobile number | Site |\n|---|---|---|\n| Tan | {0} | SG |\n| Kim | {1} | Seoul |")]
    [TestCase("name;tel;city\nLee;{0};Seoul\nPark;{1};Busan")]
    [TestCase("\"id\"\t\"whatsapp\"\n\"7\"\t\"{0}\"\n\"8\"\t\"{1}\"")]
    [TestCase("phone_number,name\n{0},Ana\n{1},Bo")]
    public void Numbers_in_a_phone_column_are_found(string table)
    {
        string[][] pairs =
        [
            ["4915112345678", "6591234567"], ["9123 4567", "01012345678"], ["0212345678", "05321234567"], ["447911123456", "33612345678"],
        ];
        foreach (string[] pair in pairs)
        {
            string text = string.Format(System.Globalization.CultureInfo.InvariantCulture, table, pair[0], pair[1]);
            Assert.That(Found(new PhoneNumberDetector(), text), Is.EqualTo(pair), text);
        }
    }

    [TestCase("meter,kwh,site\nM1,12345678,A\nM2,23456789,B")]
    [TestCase("date,phone_calls\n2016-03-01,12345678\n2016-03-02,23456789")]
    [TestCase("| site | phone | kWh |\n|---|---|---|\n| A | n/a | 12345678 |")]
    [TestCase("mobile_app_installs,region\n12345678,EU")]
    public void Numbers_outside_a_phone_column_give_nothing(string text)
        => Assert.That(Found(new PhoneNumberDetector(), text), Is.Empty);

    // A phone word near numbers that are none: a date, a unit, an identifier, a word that only looks like a label, a
    // verb far from the number, a label in another sentence.
    [TestCase("text 20160301 00:00 12.5 and call 20160301")]
    [TestCase("call volume 12345678 kWh this month")]
    [TestCase("The call centre handled 12345678 requests in 2016.")]
    [TestCase("Phone the site. Meter 12345678 is read monthly.")]
    [TestCase("phone firmware 2016-03-01 build 12345678")]
    [TestCase("mobile app v2.3.12345678 and mobile 1.234.567.890")]
    [TestCase("M 12345678 and T 87654321 are meter ids")]
    [TestCase("WhatsApp group of 12 345 678 users")]
    [TestCase("phone 11111111 and fax 00000000")]
    public void Phone_labels_before_other_numbers_give_nothing(string text)
        => Assert.That(Found(new PhoneNumberDetector(), text), Is.Empty);

    [TestCase("desk 020 7946 0958 ext. 204 today", "020 7946 0958 ext. 204")]
    [TestCase("desk 020 7946 0958 x204.", "020 7946 0958 x204")]
    [TestCase("desk 020 7946 0958 #204", "020 7946 0958 #204")]
    [TestCase("desk +1 415-555-0132 extension 12", "+1 415-555-0132 extension 12")]
    [TestCase("desk (415) 555-0132, ext 7", "(415) 555-0132, ext 7")]
    public void Phone_extension_belongs_to_the_span(string text, string expected)
        => Assert.That(Found(new PhoneNumberDetector(), text), Is.EqualTo(new[] { expected }));

    [Test]
    public void Phone_regions_are_configurable()
    {
        // Only GB: a Chinese mobile number in its national form is not recognised, the same number with +86 is.
        PhoneNumberDetector britishOnly = new(["gb"]);
        Assert.Multiple(() =>
        {
            Assert.That(britishOnly.Regions, Is.EqualTo(new[] { "GB" }));
            Assert.That(Found(britishOnly, "call 020 7946 0958"), Is.EqualTo(new[] { "020 7946 0958" }));
            Assert.That(Found(britishOnly, "mobile 138-1234-5678"), Is.Empty);
            Assert.That(Found(new PhoneNumberDetector(), "mobile 138-1234-5678"), Is.EqualTo(new[] { "138-1234-5678" }));
            Assert.That(Found(britishOnly, "mobile +86 138 1234 5678"), Is.EqualTo(new[] { "+86 138 1234 5678" }));
            Assert.That(() => new PhoneNumberDetector(["XX"]), Throws.ArgumentException);
        });
    }

    [TestCase("Meter readings 2016-03-01 00:00:00,12.5 and 2016-03-01 00:15:00,13.1")]
    [TestCase("dates 2016-03-01, 01/03/2016, 01.03.2016, 03-01-2016 and 2016/03/01")]
    [TestCase("from 2016-03-01 2016-03-31 inclusive")]
    [TestCase("timestamp 2016-03-01T00:00:00Z and 10:30:00 and 20160301T000000")]
    [TestCase("usage 1,234.5 kWh and 45000 kWh and 912 345 678 kWh")]
    [TestCase("cost 1 234 567 EUR, 12 345 678 901 and 12.345.678.901")]
    [TestCase("ASHRAE 90.1-2019 and 2018-2019 and the year 2016")]
    [TestCase("ZIP 90210-1234 and 10115 Berlin and SW1A 1AA")]
    [TestCase("Invoice 2016-0042-17 and invoice no. 0412 345 678, Rechnung 030 1234567")]
    [TestCase("order # 415-555-0132 shipped")]
    [TestCase("Carrier 30XA-0802 and model 19XR-123-4567 and Trane CVHF-1067")]
    [TestCase("IP 192.168.1.77 and 10.0.0.1 gateway 10.20.30.41")]
    [TestCase("decimal 12345.6789 and 0.123456789 and 1234.5678 and 3.14159265358")]
    [TestCase("coords 51.5074, -0.1278 and -33.865143 151.209900 and 51.5074 -0.1278")]
    [TestCase("epoch 1456790400 and 1456790400000")]
    [TestCase("IBAN DE89 3704 0044 0532 0130 00 and nl91 abna 0417 1643 00")]
    [TestCase("card 4111-1111-1111-1111 and 378282246310005 and 3782 822463 10005 and 4539.1488.0343.6467")]
    [TestCase("readings 21 22 23 21 20 19 kWh and 120 135 140 128 122 kWh")]
    [TestCase("site Panther_office_Hannah 1234 5678 90 peak 78 % at 14:00")]
    [TestCase("GUID 12345678-1234-1234-1234-123456789012 and 01234567-1234")]
    [TestCase("Password=SECRET_1; PHONE_12 and [REDACTED_PHONE]")]
    [TestCase("version 10.0.19045.3803 and build 2016.03.01.1234")]
    [TestCase("serial 000-00-0000, test ID 111-11-1111, SSN 123-45-6789, billing 00-0000000")]
    [TestCase("dates 01/03/2016, 03/2016, 09/2023 and 1/2; season 2023/24; 0/1 switch; page 03/12345/2024")]
    [TestCase("batch 0012345678, lot 0049-12, code 00000000 and article 0031.2045.77")]
    public void Phone_not_found_in_benign_numbers(string text)
        => Assert.That(Found(new PhoneNumberDetector(), text), Is.Empty);

    [TestCase("schreibt jörg.müller@stadtwerke-köln.de heute", "jörg.müller@stadtwerke-köln.de")]
    [TestCase("IDN info@xn--stadtwerke-kln-vob.de.", "info@xn--stadtwerke-kln-vob.de")]
    [TestCase("quoted \"john doe\"@example.com ok", "\"john doe\"@example.com")]
    [TestCase("tag anna+energy@example.com", "anna+energy@example.com")]
    [TestCase("link https://x.example/?to=anna.berg%40example.com&x=1", "anna.berg%40example.com")]
    [TestCase("write anna [at] example [dot] com today", "anna [at] example [dot] com")]
    [TestCase("write bob(at)example.org.", "bob(at)example.org")]
    [TestCase("write dora {at} mail.example.de", "dora {at} mail.example.de")]
    [TestCase("write carl.b at example dot com", "carl.b at example dot com")]
    public void Email_found_in_wider_forms(string text, string expected)
        => Assert.That(Found(new EmailDetector(), text), Is.EqualTo(new[] { expected }));

    [TestCase("let us meet at 5 dot")]
    [TestCase("look at example.com and we are at home dot com")]
    [TestCase("I was at example dot com yesterday")]
    [TestCase("same as my name, only add at acme dot com.")]
    [TestCase("the chiller peaked at 78 % and the dot matrix printer")]
    [TestCase("Password=SECRET_1; EMAIL_1 and [REDACTED_EMAIL]")]
    [TestCase("a..b@example.com and user@localhost")]
    public void Email_not_found_in_prose(string text)
        => Assert.That(Found(new EmailDetector(), text), Is.Empty);

    [TestCase("iban de89 3704 0044 0532 0130 00 please", "de89 3704 0044 0532 0130 00")]
    [TestCase("IBAN DE89-3704-0044-0532-0130-00.", "DE89-3704-0044-0532-0130-00")]
    [TestCase("gb82 west 1234 5698 7654 32", "gb82 west 1234 5698 7654 32")]
    [TestCase("nl91abna0417164300", "nl91abna0417164300")]
    [TestCase("NL91 ABNA 0417 1643 00 FOR RENT", "NL91 ABNA 0417 1643 00")]
    public void Iban_found_in_any_case_with_spaces_or_hyphens(string text, string expected)
        => Assert.That(Found(new IbanDetector(), text), Is.EqualTo(new[] { expected }));

    [TestCase("iban de89 3704 0044 0532 0130 01")] // mod 97 fails
    [TestCase("DE89-3704 0044-0532 0130-00")] // mixed separators
    [TestCase("de89370400440532013000x")] // glued to a letter: longer than a German IBAN
    [TestCase("Password=SECRET_1; IBAN_3 and [REDACTED_IBAN]")]
    public void Iban_not_found(string text)
        => Assert.That(Found(new IbanDetector(), text), Is.Empty);

    [TestCase("card 4539.1488.0343.6467 exp", "4539.1488.0343.6467")]
    [TestCase("Amex 3782.822463.10005.", "3782.822463.10005")]
    [TestCase("card 4539-1488-0343-6467", "4539-1488-0343-6467")]
    [TestCase("card 4539 1488 0343 6467", "4539 1488 0343 6467")]
    public void Card_found_with_dots_spaces_or_hyphens(string text, string expected)
        => Assert.That(Found(new PaymentCardDetector(), text), Is.EqualTo(new[] { expected }));

    [TestCase("card 4539.1488.0343.6468")] // Luhn fails
    [TestCase("total 1.234.567.890.123 EUR")] // thousands separators, not a card's grouping
    [TestCase("card 4539.1488-0343.6467")] // mixed separators
    [TestCase("iban de89 3704 0044 0532 0130 01")] // an IBAN's tail that happens to pass Luhn
    [TestCase("Password=SECRET_1; PAYMENT_CARD_1")]
    public void Card_not_found(string text)
        => Assert.That(Found(new PaymentCardDetector(), text), Is.Empty);

    [Test]
    public void Benign_energy_prompt_gives_no_contact_span()
    {
        const string prompt =
            "Building Panther_office_Hannah used 1,234.5 kWh on 2016-03-01 and 45000 kWh in March 2016 (invoice 2016-0042-17, " +
            "meter 12345678). ASHRAE 90.1-2019 compliance needs the Carrier 30XA-0802 chiller at COP 3.2; setpoint 21.5 °C, " +
            "peak 78 % at 14:00. Readings: 2016-03-01 00:00:00,12.5 2016-03-01 00:15:00,13.1. Site at 51.5074, -0.1278, " +
            "gateway 10.20.30.41, epoch 1456790400, ZIP 90210. | site | kWh | 2016 | 2017 |\n| Fox_lodging_Alma | 912 345 | 1 023 456 | 998 001 |";
        List<string> found = [];
        foreach (ISensitiveDataDetector detector in ContactDetectors)
        {
            found.AddRange(Found(detector, prompt));
        }

        Assert.That(found, Is.Empty);
    }

    [Test]
    public void Placeholders_are_never_reported()
    {
        const string text = "Password=SECRET_1; mail EMAIL_1, call PHONE_2, IBAN_3, PAYMENT_CARD_4, [REDACTED_PHONE], [REDACTED_EMAIL], BUILDING_3";
        foreach (ISensitiveDataDetector detector in ContactDetectors)
        {
            Assert.That(Found(detector, text), Is.Empty, detector.GetType().Name);
        }
    }

    [Test]
    public void Phone_detection_is_safe_for_concurrent_use()
    {
        PhoneNumberDetector detector = new();
        string[] texts = ["call 020 7946 0958", "call +49 30 12345678", "call 415-555-0132", "on 2016-03-01"];
        string[][] expected = [.. texts.Select(t => Found(detector, t).ToArray())];
        Parallel.For(0, 2000, i =>
        {
            int k = i % texts.Length;
            Assert.That(Found(detector, texts[k]), Is.EqualTo(expected[k]));
        });
    }
}
