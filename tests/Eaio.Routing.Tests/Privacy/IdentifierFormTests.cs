using NUnit.Framework;
using static Eaio.Routing.Tests.DetectorAssert;

namespace Eaio.Routing.Tests;

/// <summary>Listed names and sites in the forms people write them: surname first, without accents, another letter case.</summary>
[TestFixture]
public sealed class IdentifierFormTests
{
    private static readonly PersonNameDetector s_people = new(["Jürgen Hoffmann", "Siobhán O'Connell", "Fatima Al-Zahra Haddad"]);

    [TestCase("Ask HOFFMANN, Jürgen about the boiler.", "HOFFMANN, Jürgen")]
    [TestCase("Signed: Hoffmann Jurgen, facilities", "Hoffmann Jurgen")]
    [TestCase("cc jurgen hoffmann", "jurgen hoffmann")]
    [TestCase("Siobhan O'Connell approved it.", "Siobhan O'Connell")]
    [TestCase("From: Haddad, Fatima Al-Zahra", "Haddad, Fatima Al-Zahra")]
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
}
