using NUnit.Framework;
using static Eaio.Routing.Tests.DetectorAssert;

namespace Eaio.Routing.Tests;

/// <summary>Listed names and sites in the forms people write them: surname first, without accents, another letter case.</summary>
[TestFixture]
public sealed class IdentifierFormTests
{
    private static readonly PersonNameDetector s_people = new(["Jürgen Hoffmann", "Siobhán O'Connell", "Fatima Al-Zahra Haddad", "Kübra Aydın", "Łukasz Wróbel", "Søren Bækgaard", "Ruth Weiß"]);

    [TestCase("Ask HOFFMANN, Jürgen about the boiler.", "HOFFMANN, Jürgen")]
    [TestCase("Signed: Hoffmann Jurgen, facilities", "Hoffmann Jurgen")]
    [TestCase("cc jurgen hoffmann", "jurgen hoffmann")]
    [TestCase("Siobhan O'Connell approved it.", "Siobhan O'Connell")]
    [TestCase("From: Haddad, Fatima Al-Zahra", "Haddad, Fatima Al-Zahra")]
    [TestCase("Our system has no Turkish letters: Kubra Aydin signs off.", "Kubra Aydin")]
    [TestCase("Lukasz Wrobel will attend.", "Lukasz Wrobel")]
    [TestCase("Approved by Soren Baekgaard.", "Soren Baekgaard")]
    [TestCase("Contact: Ruth Weiss", "Ruth Weiss")]
    public void Listed_names_are_found_in_every_form(string text, string expected)
        => Assert.That(Found(s_people, text), Is.EqualTo(new[] { expected }));

    [TestCase("Hoffmann's boiler report")] // a surname alone is not a listed name
    [TestCase("Fatima asked about Al-Zahra street")]
    public void Parts_of_a_name_alone_are_not_reported(string text)
        => Assert.That(Found(s_people, text), Is.Empty);

    [TestCase("How does the robin site compare?", "robin")]
    [TestCase("Campus WOLF had a chiller failure.", "WOLF")]
    [TestCase("site: fox", "fox")]
    public void Site_ids_in_another_case_are_found_next_to_the_word_site(string text, string expected)
    {
        BuildingRegistry registry = new([new BuildingInfo("Robin_office_Ann", "Robin"), new BuildingInfo("Wolf_public_Ben", "Wolf"), new BuildingInfo("Fox_lodging_Cy", "Fox")]);
        Assert.That(Found(new BuildingRegistryDetector(registry), text), Is.EqualTo(new[] { expected }));
    }

    [TestCase("A robin nested on the wolf statue near the fox den.")]
    public void Site_words_in_another_case_without_context_are_not_sites(string text)
    {
        BuildingRegistry registry = new([new BuildingInfo("Robin_office_Ann", "Robin"), new BuildingInfo("Wolf_public_Ben", "Wolf"), new BuildingInfo("Fox_lodging_Cy", "Fox")]);
        Assert.That(Found(new BuildingRegistryDetector(registry), text), Is.Empty);
    }

    [TestCase("does NE17SZ count as london for the heat network?", "NE17SZ")]
    [TestCase("Check the flood risk for G80EY first.", "G80EY")]
    public void Uk_postcodes_without_their_space_are_addresses(string text, string expected)
        => Assert.That(Found(new StreetAddressDetector(), text), Is.EqualTo(new[] { expected }));

    [TestCase("Order part QX12AB and the FJ22XY kit.")] // not a UK postcode area
    public void Part_numbers_outside_the_postcode_areas_are_not_postcodes(string text)
        => Assert.That(Found(new StreetAddressDetector(), text), Is.Empty);

    [TestCase("Tel. 0221 543256-48 - Durchwahl 184. Bitte Anschreiben entwerfen.", "184")]
    [TestCase("Appelez le 01 42 68 53 00, poste 2214.", "2214")]
    [TestCase("Call (415) 555-0132 ext. 204 today", "204")]
    public void Extensions_in_several_languages_belong_to_the_number(string text, string extension)
        => Assert.That(Found(new PhoneNumberDetector(), text).Single(), Does.EndWith(extension));

    [TestCase("Het wachtwoord is Fh0TQZQF7u?417; de meteruitlezing lukt niet.", "Fh0TQZQF7u")]
    [TestCase("La contraseña es Admin#2017! y el portal dice que caducó.", "Admin#2017!")]
    [TestCase("Kennwort: Meter#2018! (vom Installateur).", "Meter#2018!")]
    [TestCase("mdp : cbByXuBxab&440 -- c'est celui du compte admin", "cbByXuBxab&440")]
    public void Password_labels_in_other_languages_are_found(string text, string expected)
        => Assert.That(Found(new SecretDetector(), text).Single(), Does.StartWith(expected));

    [Test]
    public void An_ampersand_ends_a_password_only_where_a_query_string_goes_on()
        => Assert.That(Found(new SecretDetector(), "https://bms.local/login?user=ops&pwd=Hx7!kq2&lang=en"), Is.EqualTo(new[] { "Hx7!kq2" }));

    [TestCase("Coordonnées du poste de livraison : 52.329 ; 4.883. Quelle zone climatique ?", "52.329 ; 4.883")]
    [TestCase("Koordinaten des Standorts: 48.137, 11.575", "48.137, 11.575")]
    [TestCase("Coordinates of the new substation: 40.713, -74.006", "40.713, -74.006")]
    public void Coordinate_labels_in_several_languages_with_words_before_the_colon(string text, string expected)
        => Assert.That(Found(new CoordinatesDetector(), text), Is.EqualTo(new[] { expected }));

    [TestCase("Coordinates of the problem: see section 4.2 and table 12.5.")]
    public void A_coordinates_label_without_a_pair_is_nothing(string text)
        => Assert.That(Found(new CoordinatesDetector(), text), Is.Empty);
}
