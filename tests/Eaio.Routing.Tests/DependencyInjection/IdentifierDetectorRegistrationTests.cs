using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>The identifier settings register their detectors, which mask through the whole router; building privacy ignores case there.</summary>
[CancelAfter(60_000)]
public sealed class IdentifierDetectorRegistrationTests
{
    private static readonly ChatOptions s_public = RouterHarness.Options(p => { p.Privacy = PrivacyLevel.Public; p.Complexity = 0.9; });

    [Test]
    public void Configured_identifiers_register_one_detector_each_beside_the_built_in_ones()
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Eaio:DataDirectory"] = TestDataDirectory.Path,
            ["Eaio:Privacy:BuildingsMetadata"] = RepositoryPaths.Data("bdg2", "metadata.csv"),
            ["Eaio:Privacy:BuildingIds:0"] = "HQ-North",
            ["Eaio:Privacy:PersonNames:0"] = "Grace Thompson",
            ["Eaio:Privacy:EquipmentPatterns:0"] = @"\bMTR-\d{6}\b",
            ["Eaio:Privacy:EquipmentPatterns:1"] = @"\bAHU-\d{2}\b",
        }).Build();
        ServiceCollection services = new();
        services.AddEaioHybridChat(configuration.GetSection("Eaio"));
        using ServiceProvider provider = services.BuildServiceProvider();

        ISensitiveDataDetector[] detectors = [.. provider.GetServices<ISensitiveDataDetector>()];
        Assert.Multiple(() =>
        {
            Assert.That(detectors.OfType<Bdg2BuildingIdDetector>().Count(), Is.EqualTo(1), "the BDG2-shaped ids are on by default");
            Assert.That(detectors.OfType<BuildingRegistryDetector>().Count(), Is.EqualTo(1));
            Assert.That(detectors.OfType<PersonNameDetector>().Single().Names, Is.EqualTo(new[] { "Grace Thompson" }));
            Assert.That(detectors.OfType<PatternDetector>().Select(d => d.EntityType), Is.EqualTo(new[] { EntityTypes.Building, EntityTypes.Equipment, EntityTypes.Equipment }));
        });

        const string Text = "hq-north and Panther_office_Hannah at the Fox site: MTR-000123, AHU-07";
        SensitiveDataScanner scanner = new(detectors);
        Assert.That(
            scanner.Scan(Text).Spans.Select(s => (Text.Substring(s.Start, s.Length), s.EntityType)).Distinct(),
            Is.EqualTo(new[]
            {
                ("hq-north", EntityTypes.Building), ("Panther_office_Hannah", EntityTypes.Building), ("Fox", EntityTypes.Site),
                ("MTR-000123", EntityTypes.Equipment), ("AHU-07", EntityTypes.Equipment),
            }));
    }

    [Test]
    public void Without_identifier_settings_only_the_built_in_detectors_are_registered()
    {
        ServiceCollection services = new();
        services.AddEaioHybridChat(o => o.DataDirectory = TestDataDirectory.Path);
        using ServiceProvider provider = services.BuildServiceProvider();

        Assert.That(provider.GetServices<ISensitiveDataDetector>().Select(d => d.GetType()), Is.EqualTo(SensitiveDataScanner.CreateDefault().Detectors.Select(d => d.GetType())));
    }

    [Test]
    public async Task A_bdg2_id_in_any_case_is_masked_by_default_on_its_way_out()
    {
        await using RouterHarness h = await RouterHarness.StartAsync();

        ChatResponse response = await h.Chat.GetResponseAsync("How does panther_office_hannah compare with BEAR_EDUCATION_ALISSA?", s_public);

        Assert.That(response.GetRouteDecision()!.Tier, Is.EqualTo(ProviderTier.External));
        string body = h.ExternalRequests.Single().Body;
        Assert.That(body, Does.Not.Contain("hannah").IgnoreCase.And.Not.Contain("alissa").IgnoreCase);
        Assert.That(body, Does.Contain("BUILDING_1").And.Contain("BUILDING_2"));
    }

    [Test]
    public async Task Configured_names_ids_and_equipment_patterns_are_masked_on_their_way_out()
    {
        await using RouterHarness h = await RouterHarness.StartAsync(o =>
        {
            o.Privacy.BuildingsMetadata = RepositoryPaths.Data("bdg2", "metadata.csv");
            o.Privacy.BuildingIds.Add("HQ-North");
            o.Privacy.SiteIds.Add("Koala");
            o.Privacy.PersonNames.Add("Grace  Thompson");
            o.Privacy.EquipmentPatterns.Add(@"\bMTR-\d{6}\b");
        });

        const string Prompt = "grace\r\n  THOMPSON says meter MTR-004512 at HQ-North (Koala site) reads high, like Panther_parking_Asia near 28.5176.";
        ChatResponse response = await h.Chat.GetResponseAsync(Prompt, s_public);

        Assert.That(response.GetRouteDecision()!.Tier, Is.EqualTo(ProviderTier.External));
        string body = h.ExternalRequests.Single().Body;
        foreach (string value in new[] { "grace", "thompson", "MTR-004512", "HQ-North", "Koala", "Panther_parking_Asia", "28.5176" })
        {
            Assert.That(body, Does.Not.Contain(value).IgnoreCase);
        }

        Assert.That(body, Does.Contain("PERSON_1").And.Contain("EQUIPMENT_1").And.Contain("SITE_1"));
    }

    [Test]
    public async Task A_private_building_asked_about_in_another_case_stays_local()
    {
        await using RouterHarness h = await RouterHarness.StartAsync(o =>
        {
            o.DefaultPrivacy = PrivacyLevel.Public;
            o.BuildingPrivacy["Panther_office_Hannah"] = PrivacyLevel.Private;
        });

        foreach (string id in new[] { "Panther_office_Hannah", "panther_office_hannah", "PANTHER_OFFICE_HANNAH" })
        {
            ChatOptions options = RouterHarness.Options(p => { p.BuildingId = id; p.Complexity = 0.9; p.Privacy = PrivacyLevel.Public; });
            ChatResponse response = await h.Chat.GetResponseAsync("Summarise last month's heating demand.", options);
            Assert.That(response.GetRouteDecision()!.Tier, Is.EqualTo(ProviderTier.Local), id);
        }

        Assert.That(h.ExternalChatRequests, Is.Zero);
    }
}
