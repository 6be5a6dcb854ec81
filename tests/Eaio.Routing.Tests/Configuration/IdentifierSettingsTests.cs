using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>The <c>Privacy:*</c> settings (BDG2 metadata, building and site ids, person names, equipment patterns) and case-insensitive privacy maps.</summary>
public sealed class IdentifierSettingsTests
{
    private static string Metadata => RepositoryPaths.Data("bdg2", "metadata.csv");

    private static EaioHybridChatOptions Bind(Dictionary<string, string?> values, Dictionary<string, string>? environment = null)
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        return EaioOptionsBinder.Bind(configuration, name => environment?.GetValueOrDefault(name));
    }

    [Test]
    public void Structured_keys_bind_lists_as_arrays_or_comma_separated()
    {
        EaioHybridChatOptions o = Bind(new()
        {
            ["Privacy:BuildingsMetadata"] = Metadata,
            ["Privacy:BuildingIds:0"] = "HQ-North",
            ["Privacy:BuildingIds:1"] = " Plant 7 ",
            ["Privacy:SiteIds"] = "Koala, Wombat",
            ["Privacy:MatchSiteIds"] = "false",
            ["Privacy:PersonNames:0"] = "Grace Thompson",
            ["Privacy:EquipmentPatterns:0"] = @"\bMTR-\d{6}\b",
            ["Privacy:EquipmentPatterns:1"] = @"\bAHU-\d{2}\b",
        });

        Assert.Multiple(() =>
        {
            Assert.That(o.Privacy.BuildingsMetadata, Is.EqualTo(Metadata));
            Assert.That(o.Privacy.BuildingIds, Is.EqualTo(new[] { "HQ-North", "Plant 7" }));
            Assert.That(o.Privacy.SiteIds, Is.EqualTo(new[] { "Koala", "Wombat" }));
            Assert.That(o.Privacy.MatchSiteIds, Is.False);
            Assert.That(o.Privacy.PersonNames, Is.EqualTo(new[] { "Grace Thompson" }));
            Assert.That(o.Privacy.EquipmentPatterns, Is.EqualTo(new[] { @"\bMTR-\d{6}\b", @"\bAHU-\d{2}\b" }));
        });
    }

    [Test]
    public void Flat_names_bind_from_the_environment_and_lists_add_to_the_sections()
    {
        string names = Path.GetTempFileName();
        try
        {
            EaioHybridChatOptions o = Bind(
                new() { ["Privacy:PersonNames:0"] = "Ada Lovelace", ["Privacy:EquipmentPatterns:0"] = @"\bAHU-\d{2}\b" },
                new()
                {
                    ["EAIO_BUILDINGS_METADATA"] = Metadata, ["EAIO_BUILDING_IDS"] = "HQ-North,Plant 7", ["EAIO_SITE_IDS"] = "Koala",
                    ["EAIO_MATCH_SITE_IDS"] = "0", ["EAIO_PERSON_NAMES"] = "Grace Thompson, Alan Turing", ["EAIO_PERSON_NAMES_FILE"] = names,
                    ["EAIO_EQUIPMENT_PATTERN"] = @"\bMTR-\d{6}\b|\bCHW-[0-9]{3}\b",
                });

            Assert.Multiple(() =>
            {
                Assert.That(o.Privacy.BuildingsMetadata, Is.EqualTo(Metadata));
                Assert.That(o.Privacy.BuildingIds, Is.EqualTo(new[] { "HQ-North", "Plant 7" }));
                Assert.That(o.Privacy.SiteIds, Is.EqualTo(new[] { "Koala" }));
                Assert.That(o.Privacy.MatchSiteIds, Is.False);
                Assert.That(o.Privacy.PersonNames, Is.EquivalentTo(new[] { "Grace Thompson", "Alan Turing", "Ada Lovelace" }));
                Assert.That(o.Privacy.PersonNamesFile, Is.EqualTo(names));
                Assert.That(o.Privacy.EquipmentPatterns, Is.EquivalentTo(new[] { @"\bMTR-\d{6}\b|\bCHW-[0-9]{3}\b", @"\bAHU-\d{2}\b" }));
                Assert.That(EaioOptionsBinder.EnvironmentNames, Is.SupersetOf(new[]
                {
                    "EAIO_BUILDINGS_METADATA", "EAIO_BUILDING_IDS", "EAIO_SITE_IDS", "EAIO_MATCH_SITE_IDS", "EAIO_PERSON_NAMES",
                    "EAIO_PERSON_NAMES_FILE", "EAIO_EQUIPMENT_PATTERN",
                }));
            });
        }
        finally
        {
            File.Delete(names);
        }
    }

    [Test]
    public void A_relative_metadata_path_is_found_beside_the_program()
    {
        // The test project copies the gateway's data/bdg2/metadata.csv beside itself, as the samples do.
        Assume.That(File.Exists(Path.Combine(AppContext.BaseDirectory, "data", "bdg2", "metadata.csv")), Is.True);
        EaioHybridChatOptions o = Bind(new() { ["Privacy:BuildingsMetadata"] = "data/bdg2/metadata.csv" });
        Assert.That(IdentifierDetectorFactory.Create(o.Privacy).OfType<BuildingRegistryDetector>().Single(), Is.Not.Null);
    }

    [Test]
    public void Bad_values_name_their_key_and_what_is_allowed()
    {
        EaioConfigurationException? error = Assert.Throws<EaioConfigurationException>(() => Bind(
            new()
            {
                ["Privacy:BuildingsMetadata"] = "no/such/metadata.csv",
                ["Privacy:MatchSiteIds"] = "sometimes",
                ["Privacy:EquipmentPatterns:0"] = @"\bMTR-(\d{6}\b",
                ["Privacy:EquipmentPatterns:1"] = "x*",
            },
            new() { ["EAIO_PERSON_NAMES_FILE"] = "/no/such/names.txt", ["EAIO_EQUIPMENT_PATTERN"] = "[a-" }));

        Assert.That(error!.Errors, Has.Count.EqualTo(6));
        Assert.Multiple(() =>
        {
            Assert.That(error.Errors, Has.One.StartsWith("Privacy:BuildingsMetadata='no/such/metadata.csv' is not valid: expected the path of a BDG2 metadata.csv").And.Contains("no such file in"));
            Assert.That(error.Errors, Has.One.StartsWith("Privacy:MatchSiteIds='sometimes' is not valid: expected true or false"));
            Assert.That(error.Errors, Has.One.StartsWith("EAIO_PERSON_NAMES_FILE='/no/such/names.txt' is not valid: expected the path of a UTF-8 text file"));
            Assert.That(error.Errors, Has.One.StartsWith("EAIO_EQUIPMENT_PATTERN='[a-' is not valid: expected a .NET regular expression").And.Contains("Unterminated [] set"));
            Assert.That(error.Errors, Has.One.StartsWith(@"Privacy:EquipmentPatterns:0='\bMTR-(\d{6}\b' is not valid: expected a .NET regular expression").And.Contains("Not enough )'s"));
            Assert.That(error.Errors, Has.One.StartsWith("Privacy:EquipmentPatterns:1='x*' is not valid").And.Contains("matches the empty string"));
        });
    }

    [Test]
    public void Options_set_in_code_are_checked_when_the_router_is_registered()
    {
        string notCsv = Path.GetTempFileName();
        File.WriteAllText(notCsv, "id;name\n1;x\n");
        try
        {
            EaioConfigurationException? error = Assert.Throws<EaioConfigurationException>(() => new ServiceCollection().AddEaioHybridChat(o =>
            {
                o.DataDirectory = TestDataDirectory.Path;
                o.Privacy.BuildingsMetadata = notCsv;
                o.Privacy.PersonNamesFile = Path.Combine(TestDataDirectory.Path, "missing-names.txt");
                o.Privacy.EquipmentPatterns.Add("(");
            }));

            Assert.That(error!.Errors, Has.Count.EqualTo(3));
            Assert.That(error.Errors, Has.One.StartsWith($"EAIO_BUILDINGS_METADATA (Privacy:BuildingsMetadata)='{notCsv}' is not valid: expected the path of a BDG2 metadata.csv with the columns building_id, site_id, lat and lng ("));
            Assert.That(error.Errors, Has.One.StartsWith("EAIO_PERSON_NAMES_FILE (Privacy:PersonNamesFile)=").And.Contains("no such file"));
            Assert.That(error.Errors, Has.One.StartsWith("EAIO_EQUIPMENT_PATTERN (Privacy:EquipmentPatterns)='(' is not valid"));
        }
        finally
        {
            File.Delete(notCsv);
        }
    }

    [Test]
    public void Building_and_client_privacy_ignore_case_when_bound_and_when_set_in_code()
    {
        EaioHybridChatOptions bound = Bind(new()
        {
            ["BuildingPrivacy:Panther_office_Hannah"] = "PRIVATE",
            ["ClientPrivacy:Acme-Energy"] = "ENHANCED",
        });
        EaioHybridChatOptions code = new();
        code.BuildingPrivacy["Panther_office_Hannah"] = PrivacyLevel.Private;
        code.ClientPrivacy["Acme-Energy"] = PrivacyLevel.Enhanced;

        foreach (EaioHybridChatOptions o in new[] { bound, code })
        {
            Assert.That(o.BuildingPrivacy.TryGetValue("panther_office_hannah", out PrivacyLevel building), Is.True);
            Assert.That(building, Is.EqualTo(PrivacyLevel.Private));
            Assert.That(o.BuildingPrivacy.ContainsKey("PANTHER_OFFICE_HANNAH"), Is.True);
            Assert.That(o.ClientPrivacy["acme-energy"], Is.EqualTo(PrivacyLevel.Enhanced));
        }
    }
}
