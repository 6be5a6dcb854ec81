using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>
/// The leak harness: energy-management prompts carrying real BDG2 identifiers and coordinates plus generated personal
/// data go through the whole pipeline at PUBLIC and ENHANCED to a capturing loopback OpenAI-compatible server. No
/// sensitive value may arrive there, and every answer must come back with the originals restored, streamed and not.
/// </summary>
[CancelAfter(60_000)]
public sealed partial class LeakHarnessTests
{
    private static readonly string[] s_firstNames = ["Hannah", "Dean", "Alfredo", "Marlene", "Jovita", "Osvaldo", "Priya", "Tobias"];
    private static readonly string[] s_lastNames = ["Okafor", "Lindqvist", "Moreau", "Castellanos", "Nakamura", "Bianchi", "Haddad", "Kowalski"];

    [GeneratedRegex("[A-Z][A-Z0-9_]*_[1-9][0-9]*")]
    private static partial Regex PlaceholderPattern();

    [TestCase(PrivacyLevel.Public, false)]
    [TestCase(PrivacyLevel.Public, true)]
    [TestCase(PrivacyLevel.Enhanced, false)]
    [TestCase(PrivacyLevel.Enhanced, true)]
    public async Task No_sensitive_value_reaches_the_external_server_and_answers_come_back_restored(PrivacyLevel privacy, bool streaming)
    {
        BuildingRegistry registry = BuildingRegistry.LoadBdg2Metadata(RepositoryPaths.Data("bdg2", "metadata.csv"));
        Random random = new(20261124);
        BuildingInfo[] buildings = [.. registry.Buildings.Where(b => b.Latitude is not null).OrderBy(_ => random.Next()).Take(12)];
        string[] people = [.. s_firstNames.Zip(s_lastNames, (f, l) => $"{f} {l}")];

        await using RouterHarness h = await RouterHarness.StartAsync(services: s =>
        {
            s.AddSingleton<ISensitiveDataDetector>(new BuildingRegistryDetector(registry));
            s.AddSingleton<ISensitiveDataDetector>(new PersonNameDetector(people));
        });

        // The capturing server answers with every placeholder it was sent, so restoring is exercised on each of them.
        h.OpenAI.Responder = request => LoopbackReply.Text("Noted: " + string.Join(" | ", PlaceholderPattern().Matches(request.Body).Select(m => m.Value).Distinct()), 50, 20);

        List<string> sensitive = [];
        for (int i = 0; i < buildings.Length; i++)
        {
            BuildingInfo b = buildings[i];
            string person = people[i % people.Length];
            string email = $"{person.Split(' ')[0].ToLowerInvariant()}.{i}@facilities.example.com";
            string phone = $"+1 415-555-{1000 + i:D4}";
            string coordinates = string.Create(CultureInfo.InvariantCulture, $"{b.Latitude}, {b.Longitude}");
            sensitive.AddRange([b.BuildingId, person, email, phone]);

            string prompt =
                $"Our energy manager {person} ({email}, {phone}) asks how {b.BuildingId} compares with similar buildings " +
                $"near {coordinates}, and which retrofit would cut its peak demand first.";
            ChatOptions options = RouterHarness.Options(p => { p.Privacy = privacy; p.Complexity = 0.9; p.Domain = RequestDomain.EnergyOptimization; });

            ChatResponse response = streaming
                ? await h.Chat.GetStreamingResponseAsync(prompt, options).ToChatResponseAsync()
                : await h.Chat.GetResponseAsync(prompt, options);

            Assert.That(response.GetRouteDecision()!.Tier, Is.EqualTo(ProviderTier.External), "the harness must exercise the external path");
            Assert.That(response.Text, Does.Contain(b.BuildingId).And.Contain(person).And.Contain(email).And.Contain(phone), "originals restored");
            Assert.That(PlaceholderPattern().IsMatch(response.Text), Is.False, "no placeholder left in the answer: " + response.Text);
        }

        string[] bodies = [.. h.ExternalRequests.Select(r => r.Body)];
        Assert.That(bodies, Has.Length.EqualTo(buildings.Length));
        string[] leaked = [.. sensitive.Where(value => bodies.Any(body => body.Contains(value, StringComparison.OrdinalIgnoreCase)))];
        Assert.That(leaked, Is.Empty);
        Assert.That(bodies.Any(body => buildings.Any(b => body.Contains(b.Latitude!.Value.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal))), Is.False, "coordinates must not leave either");
    }
}
