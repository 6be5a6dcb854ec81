using System.Text;
using NUnit.Framework;
using static Eaio.Routing.Tests.DetectorAssert;

namespace Eaio.Routing.Tests;

/// <summary>
/// The fast paths of <see cref="IbanDetector"/> and <see cref="PhoneNumberDetector"/> (vectorised searches that skip
/// most of the text) must find what the plain character-by-character reading finds, wherever the value sits relative
/// to a vector block.
/// </summary>
[TestFixture]
public sealed class ContactDetectorSpeedPathTests
{
    [Test]
    public void Letter_before_digit_search_matches_a_plain_scan_at_every_position_and_length()
    {
        for (int length = 0; length <= 70; length++)
        {
            for (int at = 0; at + 1 < length; at++)
            {
                // Digits without letters before them, letters without digits after them, and non-ASCII letters around.
                char[] chars = [.. Enumerable.Range(0, length).Select(k => "7 b.é-Z"[k % 7])];
                chars[at] = at % 2 == 0 ? 'q' : 'Q';
                chars[at + 1] = '4';
                string text = new(chars);
                for (int from = 0; from <= length; from += 5)
                {
                    Assert.That(IbanDetector.IndexOfLetterBeforeDigit(text, from), Is.EqualTo(Plain(text, from)), $"{text} from {from}");
                }
            }
        }

        static int Plain(string text, int from)
        {
            for (int i = from; i + 1 < text.Length; i++)
            {
                if (char.IsAsciiLetter(text[i]) && char.IsAsciiDigit(text[i + 1]))
                {
                    return i;
                }
            }

            return -1;
        }
    }

    [TestCase("DE89370400440532013000")]
    [TestCase("nl91 abna 0417 1643 00")]
    [TestCase("NO9386011117947")] // the shortest IBAN, also at the very end of the text
    [TestCase("GB82-WEST-1234-5698-7654-32")]
    public void Iban_found_at_every_offset(string iban)
    {
        for (int pad = 0; pad <= 40; pad++)
        {
            string text = new string('a', pad) + (pad > 0 ? " " : string.Empty) + iban;
            Assert.That(Found(new IbanDetector(), text), Is.EqualTo(new[] { iban }), text);
            Assert.That(Found(new IbanDetector(), text + "."), Is.EqualTo(new[] { iban }), text + ".");
        }
    }

    [Test]
    public void Ibans_next_to_each_other_and_among_hex_are_all_found()
    {
        const string text = "a1b2c3d4 e5f6 DE89370400440532013000 NO9386011117947,nl91abna0417164300 9f8e7d6c GB82WEST12345698765432";
        Assert.That(
            Found(new IbanDetector(), text),
            Is.EqualTo(new[] { "DE89370400440532013000", "NO9386011117947", "nl91abna0417164300", "GB82WEST12345698765432" }));
    }

    [Test]
    public void Benign_text_with_many_letter_digit_pairs_gives_no_iban()
    {
        StringBuilder text = new();
        for (int k = 0; k < 50; k++)
        {
            text.Append("CO2 m2 AB12 x86 sha256 30XA-0802 ASHRAE 90.1-2019 v1.2.3 id ab12cd34ef56 UTF8 ");
        }

        Assert.That(Found(new IbanDetector(), text.ToString()), Is.Empty);
    }

    [Test]
    public void Candidate_run_search_matches_a_plain_scan()
    {
        Random random = new(7);
        const string alphabet = "0123456789012345 -.()a+:,";
        for (int trial = 0; trial < 3000; trial++)
        {
            int length = random.Next(0, 300);

            // Sparse texts (mostly letters) and dense ones (mostly digits and joints) both reach the window threshold.
            bool sparse = trial % 2 == 0;
            char[] chars = [.. Enumerable.Range(0, length).Select(_ => sparse && random.Next(6) > 0 ? 'e' : alphabet[random.Next(alphabet.Length)])];
            string text = new(chars);
            int from = 0;
            while (from < length)
            {
                int expected = PhoneDigitRuns.IndexOfCandidateRunScalar(text, from, 8);
                Assert.That(PhoneDigitRuns.IndexOfCandidateRun(text, from, 8), Is.EqualTo(expected), $"{text} from {from}");
                if (expected < 0)
                {
                    break;
                }

                // Go on from the end of the run, as the detector does.
                from = expected;
                while (from < length && char.IsAsciiDigit(text[from]))
                {
                    from++;
                }
            }
        }
    }

    [TestCase("+44 20 7946 0958")]
    [TestCase("415-555-0132")]
    [TestCase("020 7946 0958 ext. 12")]
    [TestCase("+49 (0)30 1234 5678")]
    [TestCase("06 12 34 56 78")]
    public void Phone_found_at_every_offset_among_other_numbers(string phone)
    {
        PhoneNumberDetector detector = new(["GB", "US", "DE", "FR"]);
        for (int pad = 0; pad <= 140; pad += 3)
        {
            // Short numbers before the phone number, which the search passes over, at every distance from it.
            string filler = string.Concat(Enumerable.Range(0, pad).Select(k => k % 9 == 0 ? '7' : k % 9 == 5 ? '%' : 'a'));
            string text = filler + " call " + phone;
            Assert.That(Found(detector, text), Is.EqualTo(new[] { phone }), text);
            Assert.That(Found(detector, text + " at 3 pm or 4.5 h later"), Is.EqualTo(new[] { phone }), text);
        }
    }

    [Test]
    public void Placeholders_are_not_reported_by_the_fast_paths()
    {
        const string text = "Password=SECRET_1; call PHONE_2 or PHONE_12, IBAN_3, [REDACTED_PHONE] [REDACTED_IBAN] BUILDING_30 EMAIL_1";
        Assert.That(Found(new PhoneNumberDetector(), text), Is.Empty);
        Assert.That(Found(new IbanDetector(), text), Is.Empty);
    }

    [Test]
    public void Benign_energy_text_with_dense_numbers_gives_no_phone()
    {
        const string text =
            "Meter readings: 2024-03-01 00:00,41.2 2024-03-01 00:15,40.8 kWh. Gateway 10.20.30.41 and 192.168.1.77. " +
            "ASHRAE 90.1-2019, Carrier 30XA-0802, invoice 2016-0042-17, epoch 1456790400, | 912 345 | 1 023 456 | 998 001 |";
        Assert.That(Found(new PhoneNumberDetector(), text), Is.Empty);
    }
}
