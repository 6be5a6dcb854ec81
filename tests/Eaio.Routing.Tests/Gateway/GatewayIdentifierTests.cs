using System.Net;
using System.Text.Json;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>The gateway's default configuration masks BDG2 identifiers, and a building's privacy applies whatever the case of its id.</summary>
[CancelAfter(60_000)]
public sealed class GatewayIdentifierTests
{
    [Test]
    public async Task The_bundled_bdg2_metadata_masks_building_and_site_ids_on_their_way_out()
    {
        // The gateway's appsettings.json (copied beside the tests with data/bdg2/metadata.csv) names the metadata.
        await using GatewayHarness gateway = await GatewayHarness.StartAsync();

        using HttpResponseMessage response = await gateway.PostAsync(
            GatewayHarness.PublicKey, GatewayHarness.Body("How does panther_office_hannah compare with the other buildings of the Fox site?"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        string sent = gateway.OpenAI.Requests.Single(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal)).Body;
        Assert.That(sent, Does.Not.Contain("hannah").IgnoreCase.And.Not.Contain("Fox"));
        Assert.That(sent, Does.Contain("BUILDING_1").And.Contain("SITE_1"));
    }

    [TestCase("Panther_office_Hannah")]
    [TestCase("panther_office_hannah")]
    [TestCase(" PANTHER_OFFICE_HANNAH ")]
    public async Task A_private_building_named_in_metadata_in_any_case_stays_local(string id)
    {
        await using GatewayHarness gateway = await GatewayHarness.StartAsync(new Dictionary<string, string?>
        {
            ["Eaio:BuildingPrivacy:Panther_office_Hannah"] = "PRIVATE",
        });

        string body = GatewayHarness.Body("Summarise last month's heating demand.", extra: $",\"metadata\":{{\"eaio_building_id\":{JsonSerializer.Serialize(id)}}}");
        using HttpResponseMessage response = await gateway.PostAsync(GatewayHarness.PublicKey, body);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        using JsonDocument answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.That(answer.RootElement.GetProperty("eaio").GetProperty("provider").GetString(), Is.EqualTo("ollama"));
        Assert.That(gateway.OpenAI.ChatRequestCount, Is.Zero);
    }
}
