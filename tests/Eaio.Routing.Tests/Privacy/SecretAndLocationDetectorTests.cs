using NUnit.Framework;
using static Eaio.Routing.Tests.DetectorAssert;

namespace Eaio.Routing.Tests;

[TestFixture]
public sealed class SecretAndLocationDetectorTests
{
    [TestCase("key sk-proj-abcdefghijklmnopqrstuvwxyz123456 here", "sk-proj-abcdefghijklmnopqrstuvwxyz123456")]
    [TestCase("OPENAI_API_KEY=sk-abcdefghijklmnopqrstuvwxyz", "sk-abcdefghijklmnopqrstuvwxyz")]
    [TestCase("google AIzaSyA1234567890abcdefghijklmnopqrstuv.", "AIzaSyA1234567890abcdefghijklmnopqrstuv")]
    [TestCase("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig")]
    [TestCase("Server=db;User Id=sa;Password=Hunter2!x;Encrypt=true", "Hunter2!x")]
    [TestCase("Host=db;Pwd='s3cr3t'", "s3cr3t")]
    [TestCase("postgres://app:p4ss@db.local:5432/x", "p4ss")]
    [TestCase("token ghp_abcdefghijklmnopqrstuvwxyz0123456789", "ghp_abcdefghijklmnopqrstuvwxyz0123456789")]
    [TestCase("redis://:Qp4mZ8rTx2@cache.local:6379/0", "Qp4mZ8rTx2")]
    [TestCase("<appSettings><add key=\"MailPassword\" value=\"Vb7!kR2mQz\" /></appSettings>", "Vb7!kR2mQz")]
    [TestCase("<datasource><user>eaio</user><password>Jw5$nT8pLx</password></datasource>", "Jw5$nT8pLx")]
    public void Secret_found(string text, string expected)
        => Assert.That(Found(new SecretDetector(), text), Is.EqualTo(new[] { expected }));

    [TestCase("we use sk-learn for models")]
    [TestCase("the bearer of bad news")]
    [TestCase("AIza too short")]
    [TestCase("My API key is API-26395f12686")]
    [TestCase("How do I reset my password without sharing it?")]
    [TestCase("<add key=\"TimeoutSeconds\" value=\"30\" /> and <add key=\"SmtpPassword\" value=\"${SMTP_PASSWORD}\" />")]
    [TestCase("<password>${DB_PASSWORD}</password> and <password/>")]
    [TestCase("proxy http://:8080@gateway and redis://:6379@cache")]
    public void Secret_not_found(string text)
        => Assert.That(Found(new SecretDetector(), text), Is.Empty);

    [TestCase("tracked me at 37.7749 N, 122.4194 W, check", "37.7749 N, 122.4194 W")]
    [TestCase("at 48.8566 N, 2.3522 E last week", "48.8566 N, 2.3522 E")]
    [TestCase("fix N 37.7749 W 122.4194", "N 37.7749 W 122.4194")]
    [TestCase("site 28.5177, -81.3790 in Orlando", "28.5177, -81.3790")]
    [TestCase("lat: 28.51, lng: -81.37", "28.51, lng: -81.37")]
    [TestCase("at 37°46'29.6\"N 122°25'9.8\"W", "37°46'29.6\"N 122°25'9.8\"W")]
    public void Coordinates_found(string text, string expected)
        => Assert.That(Found(new CoordinatesDetector(), text), Is.EqualTo(new[] { expected }));

    [TestCase("The test coord is 0.0000 N, 0.0000 W, for demo?")]
    [TestCase("Does it use 00.0000 N, 00.0000 E as default?")]
    [TestCase("values 95.1234, 10.1234")] // latitude out of range
    [TestCase("prices 12.50, 13.75")] // too few decimals for a bare pair
    [TestCase("around latitude 37 north and longitude 122 west")]
    [TestCase("2016-03-01 00:00:00,1.1356,11.0913,4.2")] // neighbouring readings in a CSV row
    [TestCase("Panther_office_Hannah,Panther,,0.0,Office,,508.8,5477.0,28.5176885788321,-81.3790387999998,US/Eastern")]
    [TestCase("values 1.1234 2.2345 3.3456")]
    public void Coordinates_not_found(string text)
        => Assert.That(Found(new CoordinatesDetector(), text), Is.Empty);

    [Test]
    public void Pattern_detector_reports_host_type()
    {
        PatternDetector detector = new(EntityTypes.Equipment, @"\bMTR-\d{6}\b");
        List<SensitiveSpan> spans = Spans(detector, "meters MTR-000123 and MTR-12");
        Assert.That(spans, Is.EqualTo(new[] { new SensitiveSpan(7, 10, EntityTypes.Equipment, 0.9) }));
    }

    [Test]
    public void Pattern_detector_skips_empty_matches()
        => Assert.That(Found(new PatternDetector("X", "a*"), "bbb"), Is.Empty);
}
