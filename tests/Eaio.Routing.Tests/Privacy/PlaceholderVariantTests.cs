using System.Text;
using NUnit.Framework;

namespace Eaio.Routing.Tests.Privacy;

/// <summary>
/// Placeholders as models actually write them back (another case, Markdown-escaped underscores), originals with
/// characters that are special in regular expressions or Markdown, and a long text: whole and streamed restores agree.
/// </summary>
public sealed class PlaceholderVariantTests
{
    private const string Answer =
        "building_1 and Building_1, BUILDING\\_1 or **IP\\_ADDRESS\\_1**; person_10 not person_1x; Email_1. BUILDING\\ stays; end person_1";

    private const string Restored =
        "Panther_office_Hannah and Panther_office_Hannah, Panther_office_Hannah or **10.0.0.1**; Zoë 🙂 Zed not person_1x; ada@x.org. BUILDING\\ stays; end Ada";

    [Test]
    public async Task Other_case_and_markdown_escaped_placeholders_are_restored()
    {
        (InMemoryPseudonymVault vault, string scope) = await PlaceholderRestorerTests.SampleVault();
        Assert.That((await vault.RestorerAsync(scope)).Restore(Answer), Is.EqualTo(Restored));
    }

    [Test]
    public async Task Streamed_variants_split_at_every_offset_are_restored()
    {
        (InMemoryPseudonymVault vault, string scope) = await PlaceholderRestorerTests.SampleVault();
        for (int i = 0; i <= Answer.Length; i++)
        {
            StreamingPlaceholderRestorer restorer = await vault.StreamingRestorerAsync(scope);
            string output = restorer.Append(Answer[..i]) + restorer.Append(Answer[i..]) + restorer.Flush();
            Assert.That(output, Is.EqualTo(Restored), $"split at {i}");
        }
    }

    [Test]
    public async Task Streamed_variants_one_character_at_a_time_are_restored()
    {
        (InMemoryPseudonymVault vault, string scope) = await PlaceholderRestorerTests.SampleVault();
        StreamingPlaceholderRestorer restorer = await vault.StreamingRestorerAsync(scope);
        StringBuilder output = new();
        foreach (char c in Answer)
        {
            output.Append(restorer.Append(c.ToString()));
        }

        Assert.That(output.Append(restorer.Flush()).ToString(), Is.EqualTo(Restored));
    }

    [Test]
    public async Task Hold_back_stays_minimal_for_lower_case_words()
    {
        (InMemoryPseudonymVault vault, string scope) = await PlaceholderRestorerTests.SampleVault();
        StreamingPlaceholderRestorer restorer = await vault.StreamingRestorerAsync(scope);
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(restorer.Append("the heating"), Is.EqualTo("the heating"), "no stem starts with 'heating'");
            Assert.That(restorer.Append(" of buil"), Is.EqualTo(" of "), "'buil' may become building_1");
            Assert.That(restorer.HeldLength, Is.EqualTo(4));
            Assert.That(restorer.Append("t"), Is.EqualTo("built"), "'built' is no prefix of BUILDING_");
            Assert.That(restorer.Append(" BUILDING\\"), Is.EqualTo(" "), "a trailing backslash may escape the next underscore");
            Assert.That(restorer.Append("_1 "), Is.EqualTo("Panther_office_Hannah "));
            Assert.That(restorer.Append("email_"), Is.Empty);
            Assert.That(restorer.Append("x"), Is.EqualTo("email_x"));
        });
    }

    [Test]
    public async Task A_lower_case_literal_in_the_prompt_cannot_fool_the_restorer()
    {
        InMemoryPseudonymVault vault = new();
        string scope = await vault.OpenScopeAsync(null);
        const string Prompt = "Column building_1 holds Panther_office_Hannah.";
        SensitiveSpan building = new(Prompt.IndexOf("Panther", StringComparison.Ordinal), "Panther_office_Hannah".Length, EntityTypes.Building, 1);

        string sanitized = (await new Pseudonymizer(vault).PseudonymizeAsync(scope, Prompt, [building])).Text;
        PlaceholderRestorer restorer = await vault.RestorerAsync(scope);

        await Assert.MultipleAsync(async () =>
        {
            // building_1 blocks BUILDING_1 in every case, so the value gets BUILDING_2.
            Assert.That(sanitized, Is.EqualTo("Column building_1 holds BUILDING_2."));
            Assert.That(restorer.Restore(sanitized), Is.EqualTo(Prompt));
            Assert.That(restorer.Restore("BUILDING_1 vs BUILDING_2"), Is.EqualTo("building_1 vs Panther_office_Hannah"));
        });
    }

    [Test]
    public async Task An_escaped_literal_in_the_prompt_is_sent_and_restored_as_written()
    {
        InMemoryPseudonymVault vault = new();
        string scope = await vault.OpenScopeAsync(null);
        const string Prompt = "Markdown **EMAIL\\_1** and a@b.io";
        List<SensitiveSpan> spans = [];
        new EmailTestDetector().Detect(Prompt, spans);

        string sanitized = (await new Pseudonymizer(vault).PseudonymizeAsync(scope, Prompt, spans)).Text;
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(sanitized, Is.EqualTo("Markdown **EMAIL\\_1** and EMAIL_2"));
            Assert.That((await vault.RestorerAsync(scope)).Restore(sanitized), Is.EqualTo(Prompt));
        });
    }

    [TestCase("a+b@x.io")]
    [TestCase("C++ (Plant) $5")]
    [TestCase(@"^[a-z]+\d*$ | (?<x>.) \1 \\ \_ *bold* [link](u) `code`")]
    [TestCase("$1 $& $$ ${name} {0} %s \\u0000")]
    public async Task Originals_with_special_characters_restore_exactly(string original)
    {
        InMemoryPseudonymVault vault = new();
        string scope = await vault.OpenScopeAsync(null);
        string prompt = $"Value: {original}. Again: {original}";
        SensitiveSpan[] spans =
        [
            new(7, original.Length, EntityTypes.Equipment, 1),
            new(prompt.Length - original.Length, original.Length, EntityTypes.Equipment, 1),
        ];

        string sanitized = (await new Pseudonymizer(vault).PseudonymizeAsync(scope, prompt, spans)).Text;
        string answer = "Restored EQUIPMENT_1, equipment_1 and EQUIPMENT\\_1.";
        string expected = $"Restored {original}, {original} and {original}.";

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(sanitized, Is.EqualTo("Value: EQUIPMENT_1. Again: EQUIPMENT_1"));
            Assert.That((await vault.RestorerAsync(scope)).Restore(sanitized), Is.EqualTo(prompt));
            Assert.That((await vault.RestorerAsync(scope)).Restore(answer), Is.EqualTo(expected));
            for (int i = 0; i <= answer.Length; i++)
            {
                StreamingPlaceholderRestorer restorer = await vault.StreamingRestorerAsync(scope);
                Assert.That(restorer.Append(answer[..i]) + restorer.Append(answer[i..]) + restorer.Flush(), Is.EqualTo(expected), $"split at {i}");
            }
        });
    }

    [Test]
    public async Task A_200_KB_text_round_trips_exactly()
    {
        // Sentences with e-mails, phones, addresses, coordinates, IP addresses and cards, some repeated and some new, plus
        // literal placeholder-shaped words and regex/Markdown characters, until the text is 200 KB.
        Random random = new(42);
        string[] templates =
        [
            "Write to ops{0}@panther-energy.eu or call +44 20 7946 {1:D4}. ",
            "The meter sits at 742 Evergreen Terrace, rooftop 37.{1:D4} N, 122.4194 W. ",
            "Gateway 10.20.{2}.41 answers; PERSON_1 and building_{2} are literal words here. ",
            "Card 4539 1488 0343 6467 is on file; (C++) $5 [x](y) *z* \\_ stays. ",
            "The chiller ran at {2} % of capacity during the afternoon peak. ",
        ];
        StringBuilder builder = new(210_000);
        while (builder.Length < 200 * 1024)
        {
            int n = random.Next(1000);
            builder.AppendFormat(System.Globalization.CultureInfo.InvariantCulture, templates[random.Next(templates.Length)], n % 50, n, n % 250);
        }

        string prompt = builder.ToString();
        InMemoryPseudonymVault vault = new();
        string scope = await vault.OpenScopeAsync("long");
        SensitiveDataScanner scanner = SensitiveDataScanner.CreateDefault();
        IReadOnlyList<SensitiveSpan> spans = scanner.Scan(prompt).Spans;
        string sanitized = (await new Pseudonymizer(vault).PseudonymizeAsync(scope, prompt, spans)).Text;

        StreamingPlaceholderRestorer streaming = await vault.StreamingRestorerAsync(scope);
        StringBuilder streamed = new();
        for (int at = 0; at < sanitized.Length;)
        {
            int length = Math.Min(sanitized.Length - at, random.Next(1, 40));
            streamed.Append(streaming.Append(sanitized.Substring(at, length)));
            at += length;
        }

        streamed.Append(streaming.Flush());

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(prompt, Has.Length.GreaterThanOrEqualTo(200 * 1024));
            Assert.That(spans, Has.Count.GreaterThan(1000));
            Assert.That(scanner.Scan(sanitized).Spans, Is.Empty, "nothing sensitive is left in the sanitised text");
            Assert.That((await vault.RestorerAsync(scope)).Restore(sanitized), Is.EqualTo(prompt));
            Assert.That(streamed.ToString(), Is.EqualTo(prompt));
        });
    }
}
