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
    public void Phone_found(string text, string expected)
        => Assert.That(Found(new PhoneNumberDetector(), text), Is.EqualTo(new[] { expected }));

    [TestCase("Order 4155550132 shipped")]
    [TestCase("Local 555-1234 only")]
    [TestCase("On 2016-03-01 at 10:00")]
    [TestCase("Are +1- area codes needed?")]
    [TestCase("Area code 115-555-0132 starts with 1")]
    [TestCase("Card 4539 1488 0343 6467")]
    public void Phone_not_found(string text)
        => Assert.That(Found(new PhoneNumberDetector(), text), Is.Empty);

    [Test]
    public void Phone_with_plus_one_reported_once()
        => Assert.That(Spans(new PhoneNumberDetector(), "+1 202 555 0187"), Has.Count.EqualTo(1));

    [TestCase("742 Evergreen Terrace, Springfield", "742 Evergreen Terrace")]
    [TestCase("at 308 Negra Arroyo Lane.", "308 Negra Arroyo Lane")]
    [TestCase("1600 Pennsylvania Ave NW, Washington", "1600 Pennsylvania Ave NW")]
    [TestCase("12B North Main St.", "12B North Main St.")]
    public void Address_found(string text, string expected)
        => Assert.That(Found(new StreetAddressDetector(), text), Is.EqualTo(new[] { expected }));

    [TestCase("The test address is 000 Business St, for demo?")]
    [TestCase("5 Ways To Run faster")]
    [TestCase("Turn left on Main Street")]
    [TestCase("I have 3 apples on the street")]
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
