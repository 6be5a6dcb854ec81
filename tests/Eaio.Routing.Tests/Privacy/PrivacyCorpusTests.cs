using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>
/// The privacy corpus (<c>Privacy/Corpus</c>, see its README): hostile prompts written from the formats users paste, by
/// someone who had not read the detectors, and benign energy prompts, sent through the whole router in the default
/// configuration plus the host's roster (buildings from data/bdg2, people and meter-id patterns from roster.json) to
/// loopback servers. A hostile case passes when none of its sensitive values reaches an external server (and, for
/// readings, nothing leaves at all); a benign case is a false positive when it is kept local or anything in it is masked.
/// The dev split was looked at while building the detectors; the holdout split was not, and is reported apart.
/// <c>Privacy/Corpus2</c> is a second corpus in the same form, written later by another author who had read neither the
/// detectors nor the first corpus's cases (its README says how); <c>Privacy/Corpus3</c> a third, of identifiers (supply
/// points, meter numbers, identity documents, bank and customer numbers), written the same way.
/// </summary>
[CancelAfter(600_000)]
public sealed partial class PrivacyCorpusTests
{
    // Placeholders of every built-in type (read from EntityTypes, so a new type cannot be missed); opaque tool-call ids
    // (CALL_n) are not masking of content.
    private static readonly Regex s_mask = new(
        @"\b(?:" + string.Join("|", typeof(EntityTypes).GetFields().Select(f => (string)f.GetRawConstantValue()!).Append("POSTCODE")) + @")_[1-9][0-9]*\b|\[REDACTED_",
        RegexOptions.CultureInvariant);

    private static Regex MaskPattern() => s_mask;

    private static string CorpusFile(string corpus, string name) => Path.Combine(RepositoryPaths.Root(), "tests", "Eaio.Routing.Tests", "Privacy", corpus, name);

    [TestCase("Corpus")]
    [TestCase("Corpus2")]
    [TestCase("Corpus3")]
    public async Task Hostile_prompts_leak_nothing_and_benign_prompts_go_out_untouched(string corpus)
    {
        List<CorpusCase> hostile = CorpusCase.Load(CorpusFile(corpus, "hostile.jsonl"));
        List<CorpusCase> benign = CorpusCase.Load(CorpusFile(corpus, "benign.jsonl"));
        Assert.That(hostile, Has.Count.GreaterThanOrEqualTo(150));
        Assert.That(benign, Has.Count.GreaterThanOrEqualTo(150));

        await using RouterHarness h = await RouterHarness.StartAsync(
            o =>
            {
                // The corpus is a burst of 800 requests: the shipped per-minute limits would refuse most of them.
                o.RequestsPerMinute = 100_000;
                o.TokensPerMinute = 100_000_000;
                ConfigureRoster(o, corpus);
            });
        Dictionary<(string Family, string Split), (int Cases, int Failed)> results = [];
        List<string> failures = [];
        foreach (CorpusCase c in hostile.Concat(benign))
        {
            (bool ok, string why) = await RunAsync(h, c);
            (int cases, int failed) = results.GetValueOrDefault((c.Family, c.Split));
            results[(c.Family, c.Split)] = (cases + 1, failed + (ok ? 0 : 1));
            if (!ok)
            {
                // A held-out case is named, never shown: its value or text in a failure message would be read, and the
                // split would no longer measure unseen data.
                failures.Add(c.Split == "holdout" ? $"{c.Id} [holdout]: failed (what it leaked or flagged is not shown)" : $"{c.Id} [{c.Split}]: {why}");
            }
        }

        StringBuilder table = new("| family | dev cases | dev failed | holdout cases | holdout failed |\n|---|---:|---:|---:|---:|\n");
        foreach (string family in results.Keys.Select(k => k.Family).Distinct().Order(StringComparer.Ordinal))
        {
            (int dc, int df) = results.GetValueOrDefault((family, "dev"));
            (int hc, int hf) = results.GetValueOrDefault((family, "holdout"));
            table.Append(System.Globalization.CultureInfo.InvariantCulture, $"| {family} | {dc} | {df} | {hc} | {hf} |\n");
        }

        int hostileFailed = hostile.Count(c => failures.Any(f => f.StartsWith(c.Id + " ", StringComparison.Ordinal)));
        int benignFailed = benign.Count(c => failures.Any(f => f.StartsWith(c.Id + " ", StringComparison.Ordinal)));
        TestContext.Out.WriteLine(table.ToString());
        TestContext.Out.WriteLine($"hostile: {hostileFailed} of {hostile.Count} leaked; benign: {benignFailed} of {benign.Count} kept local or masked");
        TestContext.Out.WriteLine(string.Join("\n", failures));

        Assert.Multiple(() =>
        {
            string[] leaked = [.. hostile.Where(c => failures.Any(f => f.StartsWith(c.Id + " ", StringComparison.Ordinal))).Select(c => corpus + "/" + c.Id)];
            string[] known = [.. KnownLeaks.Keys.Where(k => k.StartsWith(corpus + "/", StringComparison.Ordinal))];
            Assert.That(leaked, Is.SubsetOf(known), "hostile prompts that leaked:\n" + string.Join("\n", failures.Where(f => !f.StartsWith("benign", StringComparison.Ordinal))));
            Assert.That(known, Is.SubsetOf(leaked), "a known leak is fixed: remove it from KnownLeaks");
            Assert.That(benignFailed / (double)benign.Count, Is.LessThanOrEqualTo(0.02), "benign prompts kept local or masked:\n" + string.Join("\n", failures.Where(f => f.StartsWith("benign", StringComparison.Ordinal))));
        });
    }

    /// <summary>
    /// The goal is no leak; these are the cases this version still leaks, each with why, so that any other leak fails the
    /// test and a fixed one is noticed (see docs/benchmarks.md). Keyed by the corpus folder and the case id.
    /// </summary>
    private static readonly Dictionary<string, string> KnownLeaks = new(StringComparer.Ordinal)
    {
        // The second corpus, after the fixes made from its dev split (docs/benchmarks.md, "A second corpus, written blind").
        // Holdout cases are listed by id only: they were not read, so the reason is the family's.
        ["Corpus2/contact-phone-intl-006"] = "holdout, not read: an international phone form not covered yet",
        ["Corpus2/contact-phone-intl-009"] = "holdout, not read: an international phone form not covered yet",
        ["Corpus2/location-address-intl-003"] = "holdout, not read: an address form of another country",
        ["Corpus2/location-address-intl-006"] = "holdout, not read: an address form of another country",
        ["Corpus2/readings-prose-009"] = "holdout, not read: readings in prose with an hour form not read yet",
        ["Corpus2/readings-transposed-009"] = "holdout, not read: a transposed table",
        ["Corpus2/secret-urls-shell-009"] = "holdout, not read: a password in a command line or URL",
        ["Corpus2/secret-vendor-tokens-012"] = "holdout, not read: a vendor token format",

        // The third corpus (identifiers, written blind for the supply point and identity detectors), after the fixes made
        // from its dev split (docs/benchmarks.md, "A third corpus: identifiers"). Holdout cases by id only.
        ["Corpus3/id-documents-021"] = "holdout, not read: a document number form not covered",
        ["Corpus3/id-meter-numbers-012"] = "holdout, not read: a meter number form not covered",
        ["Corpus3/id-supply-points-012"] = "holdout, not read: a supply point form not covered",
    };

    /// <summary>The host's roster as a deployment configures it: the BDG2 metadata file, the staff list and the meter-id patterns.</summary>
    private static void ConfigureRoster(EaioHybridChatOptions options, string corpus)
    {
        using JsonDocument roster = JsonDocument.Parse(File.ReadAllText(CorpusFile(corpus, "roster.json")));
        options.Privacy.BuildingsMetadata = RepositoryPaths.Data("bdg2", "metadata.csv");
        foreach (JsonElement person in roster.RootElement.GetProperty("people").EnumerateArray())
        {
            options.Privacy.PersonNames.Add(person.GetString()!);
        }

        foreach (JsonElement pattern in roster.RootElement.GetProperty("meterIdPatterns").EnumerateArray())
        {
            options.Privacy.EquipmentPatterns.Add(pattern.GetString()!);
        }
    }

    private static async Task<(bool Ok, string Why)> RunAsync(RouterHarness h, CorpusCase c)
    {
        int before = h.ExternalRequests.Count();
        ChatOptions options = RouterHarness.Options(p =>
        {
            p.Privacy = PrivacyLevel.Public;
            p.Complexity = 0.95;
            p.Domain = RequestDomain.EnergyOptimization;
        });
        options.Instructions = c.Instructions;
        options.Tools = c.Tools;
        options.ConversationId = "corpus-" + c.Id;

        ChatResponse response = await h.Chat.GetResponseAsync(c.Messages, options);
        string[] bodies = [.. h.ExternalRequests.Skip(before).Select(r => r.Body)];
        string decoded = string.Join("\n", bodies.Select(Decode));
        ProviderTier tier = response.GetRouteDecision()!.Tier;

        if (c.Expect == "benign")
        {
            if (tier != ProviderTier.External)
            {
                return (false, "kept local: " + response.GetRouteDecision());
            }

            Match mask = MaskPattern().Match(decoded);
            return mask.Success ? (false, $"masked: {Around(decoded, mask.Index)}") : (true, string.Empty);
        }

        if (c.Expect == "local" && bodies.Length > 0)
        {
            return (false, "readings went external");
        }

        foreach (string value in c.Sensitive)
        {
            if (decoded.Contains(value, StringComparison.OrdinalIgnoreCase) || bodies.Any(b => b.Contains(value, StringComparison.OrdinalIgnoreCase)))
            {
                return (false, $"'{value}' reached the external server");
            }
        }

        return (true, string.Empty);
    }

    private static string Around(string text, int index) => text.Substring(Math.Max(0, index - 40), Math.Min(100, text.Length - Math.Max(0, index - 40))).ReplaceLineEndings(" ");

    /// <summary>Every string and property name of a JSON body, unescaped, so a value escaped by the serializer is still found.</summary>
    private static string Decode(string body)
    {
        StringBuilder builder = new();
        try
        {
            using JsonDocument document = JsonDocument.Parse(body);
            Walk(document.RootElement, builder);
        }
        catch (JsonException)
        {
            builder.Append(body);
        }

        return builder.ToString();
    }

    private static void Walk(JsonElement element, StringBuilder builder)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (JsonProperty property in element.EnumerateObject())
                {
                    builder.Append(property.Name).Append('\n');
                    Walk(property.Value, builder);
                }

                break;
            case JsonValueKind.Array:
                foreach (JsonElement item in element.EnumerateArray())
                {
                    Walk(item, builder);
                }

                break;
            case JsonValueKind.String:
                string value = element.GetString()!;
                builder.Append(value).Append('\n');
                if (value.Length > 1 && value[0] is '{' or '[')
                {
                    // Tool arguments travel as a JSON string inside the JSON body.
                    builder.Append(Decode(value)).Append('\n');
                }

                break;
            default:
                builder.Append(element.GetRawText()).Append('\n');
                break;
        }
    }

    private sealed record CorpusCase(string Id, string Family, string Split, string Expect, string? Instructions, List<ChatMessage> Messages, List<AITool>? Tools, string[] Sensitive)
    {
        public static List<CorpusCase> Load(string path) => [.. File.ReadLines(path).Where(l => l.Length > 0).Select(Parse)];

        private static CorpusCase Parse(string line)
        {
            using JsonDocument document = JsonDocument.Parse(line);
            JsonElement root = document.RootElement;
            List<ChatMessage> messages = [];
            foreach (JsonElement m in root.GetProperty("messages").EnumerateArray())
            {
                string role = m.GetProperty("role").GetString()!;
                if (m.TryGetProperty("toolCalls", out JsonElement calls))
                {
                    messages.Add(new ChatMessage(ChatRole.Assistant, [.. calls.EnumerateArray().Select(call => (AIContent)new FunctionCallContent(
                        call.GetProperty("callId").GetString()!,
                        call.GetProperty("name").GetString()!,
                        call.GetProperty("arguments").EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value.Clone())))]));
                }
                else if (role == "tool")
                {
                    JsonElement result = m.GetProperty("result");
                    object? value = (m.TryGetProperty("resultKind", out JsonElement kind) ? kind.GetString() : "string") switch
                    {
                        "json" => result.Clone(),
                        "dictionary" when result.ValueKind == JsonValueKind.Object => result.EnumerateObject().ToDictionary(p => p.Name, p => Scalar(p.Value)),
                        _ => result.ValueKind == JsonValueKind.String ? result.GetString() : result.GetRawText(),
                    };
                    messages.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent(m.GetProperty("callId").GetString()!, value)]));
                }
                else
                {
                    messages.Add(new ChatMessage(new ChatRole(role), m.GetProperty("text").GetString()));
                }
            }

            List<AITool>? tools = root.TryGetProperty("tools", out JsonElement t)
                ? [.. t.EnumerateArray().Select(tool => (AITool)AIFunctionFactory.CreateDeclaration(
                    tool.GetProperty("name").GetString()!,
                    tool.TryGetProperty("description", out JsonElement d) ? d.GetString() : null,
                    tool.TryGetProperty("parameters", out JsonElement schema) ? schema.Clone() : JsonDocument.Parse("{\"type\":\"object\"}").RootElement.Clone()))]
                : null;

            return new CorpusCase(
                root.GetProperty("id").GetString()!,
                root.GetProperty("family").GetString()!,
                root.GetProperty("split").GetString()!,
                root.GetProperty("expect").GetString()!,
                root.TryGetProperty("instructions", out JsonElement i) ? i.GetString() : null,
                messages,
                tools,
                [.. root.GetProperty("sensitive").EnumerateArray().Select(s => s.GetString()!)]);
        }

        private static object? Scalar(JsonElement value) => value.ValueKind switch
        {
            JsonValueKind.Number => value.GetDouble(),
            JsonValueKind.String => value.GetString(),
            _ => value.Clone(),
        };

        public override string ToString() => Id;
    }
}
