using NUnit.Framework;
using static Eaio.Routing.Tests.DetectorAssert;

namespace Eaio.Routing.Tests;

[TestFixture]
public sealed class NumberDetectorTests
{
    [TestCase("My credit card is 4539 1488 0343 6467, exp 12/28", "4539 1488 0343 6467")]
    [TestCase("card 4111-1111-1111-1111.", "4111-1111-1111-1111")]
    [TestCase("Amex 378282246310005 ok", "378282246310005")]
    [TestCase("card 4539 1488 0343 6467 12 28", "4539 1488 0343 6467")]
    [TestCase("Discover 6011000990139424009 (19 digits)", "6011000990139424009")]
    [TestCase("UnionPay 6221 2600 0000 0000 001.", "6221 2600 0000 0000 001")]
    [TestCase("Visa 4012-8888-8888-1881-003 ok", "4012-8888-8888-1881-003")]
    public void Card_found(string text, string expected)
        => Assert.That(Found(new PaymentCardDetector(), text), Is.EqualTo(new[] { expected }));

    [TestCase("Process with card 4916 6418 5936 9085")] // fails Luhn (benchmark label noise)
    [TestCase("card 4111 1111 1111 1112")] // one digit off: Luhn fails
    [TestCase("The test card is 0000 0000 0000 0000")]
    [TestCase("cards like 1111 1111 1111 1111")]
    [TestCase("id 0378282246310005")] // leading 0
    [TestCase("ref AB4539148803436467")]
    [TestCase("v1.4539148803436467")]
    [TestCase("Discover 6011000990139424008")] // 19 digits, Luhn fails
    [TestCase("twenty digits 60110009901394240091")] // 20 digits is no card, whatever the checksum
    public void Card_not_found(string text)
        => Assert.That(Found(new PaymentCardDetector(), text), Is.Empty);

    [TestCase("IBAN GB82 WEST 1234 5698 7654 32 please", "GB82 WEST 1234 5698 7654 32")]
    [TestCase("DE89370400440532013000", "DE89370400440532013000")]
    [TestCase("to DE89 3704 0044 0532 0130 00 THANKS", "DE89 3704 0044 0532 0130 00")]
    public void Iban_found(string text, string expected)
        => Assert.That(Found(new IbanDetector(), text), Is.EqualTo(new[] { expected }));

    [TestCase("IBAN GB82 WEST 1234 5698 7654 33")] // check digits fail mod 97
    [TestCase("GB00 WEST 1234 5698 7654 32")]
    [TestCase("XGB82WEST12345698765432")]
    [TestCase("DE89 3704")]
    public void Iban_not_found(string text)
        => Assert.That(Found(new IbanDetector(), text), Is.Empty);

    [TestCase("My IP address is 192.168.1.1, check", "192.168.1.1")]
    [TestCase("The device IP is192.168.1.1.", "192.168.1.1")]
    [TestCase("host 2001:db8::1 is down", "2001:db8::1")]
    [TestCase("link fe80::1ff:fe23:4567:890a.", "fe80::1ff:fe23:4567:890a")]
    [TestCase("mapped ::ffff:10.0.0.1", "::ffff:10.0.0.1")]
    [TestCase("documentation range 192.0.2.10 stands in for a real host", "192.0.2.10")]
    [TestCase("not a resolver: 1.1.1.4", "1.1.1.4")]
    [TestCase("neighbour of Google DNS 8.8.8.9", "8.8.8.9")]
    public void Ip_found(string text, string expected)
        => Assert.That(Found(new IpAddressDetector(), text), Is.EqualTo(new[] { expected }));

    [TestCase("The test IP is 0.0.0.0, for demo?")]
    [TestCase("listen on ::")]
    [TestCase("256.1.1.1")]
    [TestCase("1.2.3.4.5")]
    [TestCase("010.1.1.1")]
    [TestCase("at 10:30:00 sharp")]
    [TestCase("MAC 11:47:78:52:47:24")]
    [TestCase("Note:: nothing")]
    [TestCase("Does it use 1.1.1.1 as default?")]
    [TestCase("DNS 8.8.8.8 and 8.8.4.4, or 9.9.9.9 / 208.67.222.222")]
    [TestCase("resolver 2001:4860:4860::8888 and 2606:4700:4700::1111")]
    public void Ip_not_found(string text)
        => Assert.That(Found(new IpAddressDetector(), text), Is.Empty);

    [TestCase("1.1.1.1", true)]
    [TestCase("2620:fe::fe", true)]
    [TestCase("192.168.1.1", false)]
    [TestCase("2001:db8::1", false)]
    public void Public_resolvers_are_recognised(string address, bool expected)
        => Assert.That(IpAddressDetector.IsPublicResolver(System.Net.IPAddress.Parse(address)), Is.EqualTo(expected));

    [Test]
    public void Card_and_phone_do_not_overlap_on_a_card()
    {
        SensitiveDataScanner scanner = new([new PaymentCardDetector(), new PhoneNumberDetector(), new IpAddressDetector()]);
        SensitiveDataScanResult result = scanner.Scan("card 4539 1488 0343 6467 and call 415-555-0132");
        Assert.That(result.Spans.Select(s => s.EntityType), Is.EqualTo(new[] { EntityTypes.PaymentCard, EntityTypes.Phone }));
    }
}
