using System.Globalization;
using System.Text;
using NUnit.Framework;
using static Eaio.Routing.Tests.DetectorAssert;

namespace Eaio.Routing.Tests;

[TestFixture]
public sealed class Bdg2BuildingIdDetectorTests
{
    private static readonly Bdg2BuildingIdDetector s_detector = new();

    // {0} is the id; each shape is a place ids turn up in prompts, tool results and pasted files.
    private static readonly string[] s_shapes =
    [
        "How does {0} compare with last year?",
        "{0}",
        "timestamp,{0},Fox_education_Other\r\n2016-01-01 00:00:00,1.5,2\r\n",
        "{{\"{0}\": 412.5, \"unit\": \"kWh\"}}",
        "{{\"building_id\": \"{0}\", \"meter\": \"electricity\"}}",
        "Attached: {0}.csv and {0}-2017.parquet",
        "see data/meters/{0}_electricity.csv",
        "meter_{0}_kwh went up",
        "'{0}', \"{0}\" and `{0}`",
        "({0})",
        "Ask {0}'s manager.",
        "id={0};",
        "row 7: {0}\tdown 12%",
        "2016{0}",
    ];

    private static readonly string[] s_benign =
    [
        "max_office_hours = 10",
        "MAX_OFFICE_HOURS",
        "Max_Office_Hours",
        "public_health_data, get_public_key(), user_other_id, is_public_service",
        "IS_PUBLIC_SERVICE_ENABLED and set_max_office_hours_limit",
        "Annual_Office_Report.pdf and Monthly_Retail_Sales.xlsx",
        "Q3_office_Report and 2024_public_Budget",
        "the office, the parking garage and the retail space use 412 kWh",
        "ASHRAE 90.1-2019 Section 6.5 applies to the Carrier 30XA-0802 chiller; invoice INV-2024-00123 is due 2024-03-31.",
        "Education buildings: median EUI 128 kWh/m2 (n=617); office 171 (n=307); lodging 160 (n=168).",
        "df.groupby('primary_space_usage')['eui'].median()",
        "site_office_id and x_office_y",
        "Energy_office",
        "office_Hannah",
        "A_office_Bb and Ab_office_B",
    ];

    [Test]
    public void Generated_ids_of_every_bdg2_site_and_usage_are_found_in_any_case_and_any_text_shape()
    {
        Random random = new(20260412);
        for (int i = 0; i < 600; i++)
        {
            string site = Pick(random, Bdg2BuildingIdDetector.SiteNames);
            string usage = Pick(random, Bdg2BuildingIdDetector.UsageWords);
            string id = ChangeCase(random, $"{site}_{usage}_{RandomName(random)}");
            string text = string.Format(CultureInfo.InvariantCulture, Pick(random, s_shapes), id);

            List<SensitiveSpan> spans = Spans(s_detector, text);

            string[] found = [.. spans.Select(s => text.Substring(s.Start, s.Length))];
            Assert.That(found, Does.Contain(id), $"in «{text}»");
            Assert.That(found, Is.All.EqualTo(id).Or.EqualTo("Fox_education_Other"), $"in «{text}»");
            Assert.That(spans.Select(s => s.EntityType), Is.All.EqualTo(EntityTypes.Building));
        }
    }

    [Test]
    public void Ids_of_other_sites_are_found_in_bdg2s_own_spelling_only()
    {
        Random random = new(7);
        for (int i = 0; i < 200; i++)
        {
            string site = RandomName(random);
            if (Bdg2BuildingIdDetector.SiteNames.Contains(site, StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }

            string id = $"{site}_{Pick(random, Bdg2BuildingIdDetector.UsageWords)}_{RandomName(random)}";
            string text = string.Format(CultureInfo.InvariantCulture, Pick(random, s_shapes), id);
            Assert.That(Found(s_detector, text), Does.Contain(id), $"in «{text}»");
            Assert.That(Found(s_detector, id.ToLowerInvariant()), Is.Empty, "lower case is also a snake_case identifier");
            Assert.That(Found(s_detector, id.ToUpperInvariant()), Is.Empty, "upper case is also a constant's name");
        }
    }

    [Test]
    public void Every_real_bdg2_building_id_is_found_as_written_lowercased_and_uppercased()
    {
        string[] ids = [.. File.ReadLines(RepositoryPaths.Data("bdg2", "metadata.csv")).Skip(1).Select(l => l[..l.IndexOf(',', StringComparison.Ordinal)])];
        Assert.That(ids, Has.Length.EqualTo(1636));
        foreach (string header in new[] { "timestamp," + string.Join(',', ids), ("timestamp," + string.Join(',', ids)).ToLowerInvariant(), ("timestamp," + string.Join(',', ids)).ToUpperInvariant() })
        {
            Assert.That(Found(s_detector, header), Is.EqualTo(header.Split(',').Skip(1)));
        }
    }

    [Test]
    public void Markdown_escaped_underscores_are_part_of_the_id() =>
        Assert.That(Found(s_detector, @"**Panther\_office\_Hannah** uses the most"), Is.EqualTo(new[] { @"Panther\_office\_Hannah" }));

    [Test]
    public void Snake_case_code_documents_and_energy_prose_give_no_span()
    {
        foreach (string text in s_benign)
        {
            Assert.That(Found(s_detector, text), Is.Empty, text);
        }
    }

    [Test]
    public void The_repositorys_own_docs_give_no_span_that_is_not_a_real_bdg2_building()
    {
        // The README and docs talk about code (snake_case settings, file names) and quote real BDG2 ids: every span
        // found must be one of those ids, in some case.
        HashSet<string> real = new(File.ReadLines(RepositoryPaths.Data("bdg2", "metadata.csv")).Skip(1).Select(l => l[..l.IndexOf(',', StringComparison.Ordinal)]), StringComparer.OrdinalIgnoreCase)
        {
            "Koala_office_Maria", // the README's example of an id of another site
        };
        string root = RepositoryPaths.Root();
        IEnumerable<string> files = Directory.EnumerateFiles(Path.Combine(root, "docs"), "*.md", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(Path.Combine(root, "src"), "README.md", SearchOption.AllDirectories))
            .Append(Path.Combine(root, "README.md"))
            .Append(Path.Combine(root, "data", "bdg2", "README.md"));
        int characters = 0;
        List<string> falsePositives = [];
        foreach (string file in files)
        {
            string text = File.ReadAllText(file);
            characters += text.Length;
            falsePositives.AddRange(Found(s_detector, text).Where(id => !real.Contains(id.Replace("\\_", "_", StringComparison.Ordinal))).Select(id => $"{Path.GetFileName(file)}: {id}"));
        }

        Assert.That(characters, Is.GreaterThan(10_000));
        Assert.That(falsePositives, Is.Empty);
    }

    [Test]
    public void Placeholders_and_redaction_markers_are_never_reported()
    {
        foreach (string text in new[]
        {
            "BUILDING_1", "How does BUILDING_12 compare?", "Panther_office_BUILDING_1", @"Panther\_office\_BUILDING\_1",
            "Fox_public_PERSON_3 called", "SITE_1_office_Hannah", "[REDACTED_BUILDING]", "Password=SECRET_1;", "PANTHER_OFFICE_HANNAH_2",
        })
        {
            Assert.That(Found(s_detector, text), Is.Empty, text);
        }

        Assert.That(Found(s_detector, "Panther_office_Hannah_2"), Is.EqualTo(new[] { "Panther_office_Hannah" }), "a meter index after a real id is not a placeholder");
    }

    [Test]
    public void Letters_glued_on_either_side_make_a_different_word()
    {
        Assert.That(Found(s_detector, "XPanther_office_Hannah"), Is.Empty);
        Assert.That(Found(s_detector, "Panther_office_Hannahé"), Is.Empty);
        Assert.That(Found(s_detector, "éPanther_office_Hannah"), Is.Empty);
        Assert.That(Found(s_detector, "Panther_offices_Hannah"), Is.Empty);
        Assert.That(Found(s_detector, "Panther_office_"), Is.Empty);
        Assert.That(Found(s_detector, "_office_Hannah"), Is.Empty);
    }

    [Test]
    public void Text_made_of_underscores_and_fragments_is_scanned_to_the_end_without_a_span()
    {
        string text = string.Concat(Enumerable.Repeat("__office_office__x_public\\_", 2000));
        Assert.That(Found(s_detector, text), Is.Empty);
        Assert.That(Found(s_detector, string.Empty), Is.Empty);
        Assert.That(Found(s_detector, "_"), Is.Empty);
        Assert.That(Found(s_detector, "Panther_office\\"), Is.Empty);
    }

    [Test]
    public void The_default_scanner_masks_bdg2_ids_without_configuration()
    {
        SensitiveDataScanner scanner = SensitiveDataScanner.CreateDefault();
        Assert.That(scanner.Detectors.OfType<Bdg2BuildingIdDetector>().Count(), Is.EqualTo(1));

        SensitiveDataScanResult result = scanner.Scan("How does panther_office_hannah compare?");
        Assert.That(result.Spans.Select(s => (s.Start, s.Length, s.EntityType)), Is.EqualTo(new[] { (9, 21, EntityTypes.Building) }));
        Assert.That(result.Sensitivity, Is.EqualTo(DataSensitivity.Sensitive));
    }

    private static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];

    private static string RandomName(Random random)
    {
        StringBuilder name = new();
        name.Append((char)('A' + random.Next(26)));
        int length = random.Next(2, 10);
        for (int i = 0; i < length; i++)
        {
            name.Append((char)('a' + random.Next(26)));
        }

        return name.ToString();
    }

    private static string ChangeCase(Random random, string id) => random.Next(5) switch
    {
        0 => id,
        1 => id.ToLowerInvariant(),
        2 => id.ToUpperInvariant(),
        3 => CultureInfo.InvariantCulture.TextInfo.ToTitleCase(id.Replace('_', ' ').ToLowerInvariant()).Replace(' ', '_'),
        _ => string.Concat(id.Select(c => random.Next(2) == 0 ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c))),
    };
}
