using NUnit.Framework;
using static Eaio.Routing.Tests.DetectorAssert;

namespace Eaio.Routing.Tests;

[TestFixture]
public sealed class ContactDetectorTests
{
    [TestCase("Mail john.smith@acme.com, please.", "john.smith@acme.com")]
    [TestCase("<first+tag@sub.example.co.uk>", "first+tag@sub.example.co.uk")]
    public void Email_found(string text, string expected)
        => Assert.That(Found(new EmailDetector(), text), Is.EqualTo(new[] { expected }));

    [TestCase("anything ending with @somedomain.com")]
    [TestCase("a..b@example.com")]
    [TestCase(".a@example.com")]
    [TestCase("user@localhost")]
    [TestCase("user@-bad.com")]
    public void Email_not_found(string text)
        => Assert.That(Found(new EmailDetector(), text), Is.Empty);

    [Test]
    public void Email_span_type_and_position()
    {
        SensitiveSpan span = Spans(new EmailDetector(), "to a@b.io").Single();
        Assert.That(span, Is.EqualTo(new SensitiveSpan(3, 6, EntityTypes.Email, span.Confidence)));
    }

    [TestCase("Call me at 415-555-0132 today.", "415-555-0132")]
    [TestCase("Call (415) 555-0132.", "(415) 555-0132")]
    [TestCase("My number is +1-202-555-0187 for callback", "+1-202-555-0187")]
    [TestCase("Office: +44 20 7946 0958", "+44 20 7946 0958")]
    [TestCase("Büro +49 30 901820", "+49 30 901820")]
    [TestCase("London office 020 7946 0958, ask for Ana", "020 7946 0958")]
    [TestCase("portable 06 12 34 56 78.", "06 12 34 56 78")]
    [TestCase("portable 06.12.34.56.78", "06.12.34.56.78")]
    [TestCase("mobile 138-1234-5678 (China)", "138-1234-5678")]
    [TestCase("My contact list has John at 598-4834-5687, share the list.", "598-4834-5687")]
    public void Phone_found(string text, string expected)
        => Assert.That(Found(new PhoneNumberDetector(), text), Is.EqualTo(new[] { expected }));

    [TestCase("Order 4155550132 shipped")]
    [TestCase("Local 555-1234 only")]
    [TestCase("On 2016-03-01 at 10:00")]
    [TestCase("Are +1- area codes needed?")]
    [TestCase("Area code 115-555-0132 starts with 1")]
    [TestCase("Card 4539 1488 0343 6467")]
    [TestCase("old French form 60-56-85-91")] // eight digits: decided not to report (see PhoneNumberDetector remarks)
    [TestCase("readings 21 22 23 21 20 19 kWh")] // space-separated small numbers without trunk prefix
    [TestCase("population 12 345 678 901")] // thousands separators
    [TestCase("total 12.345.678.901 EUR")]
    [TestCase("gateway 10.20.30.41")] // IPv4 form
    [TestCase("part 12-34-56-78-90-12")] // six groups: longer than any national number form
    [TestCase("order 1234-5678-9012")] // twelve digits
    public void Phone_not_found(string text)
        => Assert.That(Found(new PhoneNumberDetector(), text), Is.Empty);

    [Test]
    public void Guids_and_their_fragments_are_not_phone_numbers()
    {
        // GUIDs made of decimal digits only are the hardest case: every group is a digit run joined by hyphens.
        Random random = new(20261124);
        PhoneNumberDetector detector = new();
        List<string> reported = [];
        for (int n = 0; n < 2000; n++)
        {
            string guid = string.Create(36, random, static (chars, r) =>
            {
                for (int i = 0; i < chars.Length; i++)
                {
                    chars[i] = i is 8 or 13 or 18 or 23 ? '-' : (char)('0' + r.Next(10));
                }
            });
            string[] groups = guid.Split('-');
            List<string> texts = [$"id {guid} failed", $"{{{guid}}}", $"ref {string.Join('-', groups[1..4])}", $"tail -{string.Join('-', groups[1..])}"];

            // Truncated GUIDs ("…-2345-6789-23") end in runs of 10 or 11 digits in groups of 2 to 4: phone-shaped but for
            // the hyphen that glues them to the rest of the GUID.
            for (int cut = 19; cut < 36; cut++)
            {
                texts.Add($"copied {guid[..cut]} only");
            }

            foreach (string text in texts)
            {
                reported.AddRange(Found(detector, text));
            }
        }

        Assert.That(reported, Is.Empty);
    }

    [Test]
    public void Phone_with_plus_one_reported_once()
        => Assert.That(Spans(new PhoneNumberDetector(), "+1 202 555 0187"), Has.Count.EqualTo(1));

    [TestCase("742 Evergreen Terrace, Springfield", "742 Evergreen Terrace")]
    [TestCase("at 308 Negra Arroyo Lane.", "308 Negra Arroyo Lane")]
    [TestCase("1600 Pennsylvania Ave NW, Washington", "1600 Pennsylvania Ave NW")]
    [TestCase("12B North Main St.", "12B North Main St.")]
    [TestCase("Ship to 12 Sample Road, Pompano Beach", "12 Sample Road")] // a real street: only words that say "invented" count
    [TestCase("Visit 9 Fakenham Road", "9 Fakenham Road")]
    public void Address_found(string text, string expected)
        => Assert.That(Found(new StreetAddressDetector(), text), Is.EqualTo(new[] { expected }));

    [TestCase("The test address is 000 Business St, for demo?")]
    [TestCase("5 Ways To Run faster")]
    [TestCase("Turn left on Main Street")]
    [TestCase("I have 3 apples on the street")]
    [TestCase("Does shipping cover 123 Fake St demo locations?")]
    [TestCase("e.g. 1 Example Road, 9 Dummy Lane or 4 Fictional Ave.")]
    public void Address_not_found(string text)
        => Assert.That(Found(new StreetAddressDetector(), text), Is.Empty);

    [Test]
    public void Person_names_whole_word_case_insensitive_longest_first()
    {
        PersonNameDetector detector = new(["Grace", "Grace Thompson", " ", "O'Brien"]);
        Assert.Multiple(() =>
        {
            Assert.That(Found(detector, "grace   thompson called; Graceful is not a name; ask GRACE."), Is.EqualTo(new[] { "grace   thompson", "GRACE" }));
            Assert.That(Found(detector, "Mr O'Brien."), Is.EqualTo(new[] { "O'Brien" }));
            Assert.That(Spans(detector, "Grace").Single().EntityType, Is.EqualTo(EntityTypes.Person));
            Assert.That(detector.Names, Has.Count.EqualTo(3));
        });
    }

    [Test]
    public void Person_names_empty_list_finds_nothing()
        => Assert.That(Found(new PersonNameDetector([]), "Grace"), Is.Empty);
}
