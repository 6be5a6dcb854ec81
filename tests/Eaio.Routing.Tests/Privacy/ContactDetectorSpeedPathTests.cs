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
}
