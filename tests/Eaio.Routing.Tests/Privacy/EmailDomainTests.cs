using System.Text.RegularExpressions;
using CsCheck;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>
/// <see cref="EmailDomain"/> reads by hand the domain that <see cref="EmailDetector"/> used to match with a regex; it must
/// match exactly what that regex matched, from every position of every text.
/// </summary>
[TestFixture]
public sealed partial class EmailDomainTests
{
    // Letters of several scripts, decimal and other numbers (Arabic-Indic three, superscript two, Roman twelve), and the
    // characters that end or join labels.
    private const string Alphabet = "abxnXNéß中10٣²Ⅻ-._@ ,";

    [TestCase("example.com", 11)]
    [TestCase("example.com.", 11)]
    [TestCase("example.com. Next", 11)] // a trailing dot before a non-label character ends the domain
    [TestCase("example.com.x", -1)] // ...but before a label it does not, and "x" is no top-level domain
    [TestCase("a.b.example.de", 14)]
    [TestCase("stadtwerke-köln.de", 18)]
    [TestCase("a.b-.com", -1)] // a label may not end with '-'
    [TestCase("-a.com", -1)]
    [TestCase("a.c0m", -1)]
    [TestCase("a.com_", -1)]
    [TestCase("a.com-", -1)]
    [TestCase("a.com2", -1)]
    [TestCase("a.abcdefghijklmnopqrstuvwx", 26)] // 24 letters
    [TestCase("a.abcdefghijklmnopqrstuvwxy", -1)] // 25 letters
    [TestCase("münchen.xn--mnchen-3ya", 22)]
    [TestCase("a.XN--p1ai)", 10)]
    [TestCase("a.xn--", -1)]
    [TestCase("a.xn--é", -1)]
    [TestCase("a..com", -1)]
    [TestCase("²³.com", 6)] // numbers of any kind are label characters
    [TestCase("a.com.²", -1)]
    public void Reads_the_domain_as_the_regex_did(string text, int end)
    {
        Assert.Multiple(() =>
        {
            Assert.That(RegexEnd(text, 0), Is.EqualTo(end), "regex");
            Assert.That(EmailDomain.Match(text, 0), Is.EqualTo(end), "hand-written");
        });
    }

    [Test]
    public void Label_of_63_characters_is_read_and_one_of_64_is_not()
    {
        string label63 = new('a', 63);
        Assert.Multiple(() =>
        {
            Assert.That(EmailDomain.Match(label63 + ".com", 0), Is.EqualTo(67));
            Assert.That(EmailDomain.Match("a" + label63 + ".com", 0), Is.EqualTo(-1));
            Assert.That(RegexEnd("a" + label63 + ".com", 0), Is.EqualTo(-1));
        });
    }

    [Test]
    public void Matches_the_domain_regex_from_every_position_of_generated_text()
    {
        Gen<string> piece = Gen.Frequency(
            (14, Gen.Char[Alphabet].Select(c => c.ToString())),
            (3, Gen.OneOf("xn--", "Xn--", ".com", "a.b", "ab.", "-a", "a-", "\U0001D49C")),

            // Runs around the limits: 24 letters of a top-level domain, 63 characters of a label, 59 of punycode.
            (1, Gen.String[Gen.Char["qé"], 20, 70]),
            (1, Gen.String[Gen.Char["qé1²"], 55, 70]),
            (1, Gen.String[Gen.Char["a7-"], 54, 64].Select(s => "xn--" + s)));
        Gen<string> texts = piece.Array[0, 24].Select(string.Concat);

        texts.Sample(
            text =>
            {
                for (int start = 0; start <= text.Length; start++)
                {
                    if (EmailDomain.Match(text, start) != RegexEnd(text, start))
                    {
                        return false;
                    }
                }

                return true;
            },
            iter: 20_000);
    }

    private static int RegexEnd(string text, int start)
    {
        Match match = DomainPattern().Match(text, start);
        return match.Success ? match.Index + match.Length : -1;
    }

    // The pattern EmailDetector ran until the domain was read by hand, kept as the reference.
    [GeneratedRegex(
        @"\G(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+(?:\p{L}{2,24}|[Xx][Nn]--[A-Za-z0-9-]{1,59})(?![\p{L}\p{N}_-]|\.[\p{L}\p{N}])",
        RegexOptions.CultureInvariant)]
    private static partial Regex DomainPattern();
}
