using Microsoft.Extensions.AI;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

public sealed class GeneralizeCoordinatesTests
{
    private static async Task<string> Generalize(string text)
    {
        InMemoryPseudonymVault vault = new();
        PseudonymizerOptions options = new();
        options.EntityPolicies[EntityTypes.Coordinates] = EntityPolicy.Generalize;
        Pseudonymizer pseudonymizer = new(vault, options);
        List<SensitiveSpan> spans = [];
        new CoordinatesDetector().Detect(text, spans);
        return (await pseudonymizer.PseudonymizeAsync(await vault.OpenScopeAsync(null), text, spans)).Text;
    }

    [TestCase("The plant sits at 48.85837, 2.294481 near the river.")]
    [TestCase("Site at 28.5176885788321, -81.3790387999998.")]
    [TestCase("Roof at 37°46'29.6\"N 122°25'9.8\"W, south facing.")]
    public async Task Generalised_coordinates_keep_no_full_precision_and_pass_the_egress_guard(string text)
    {
        string generalised = await Generalize(text);
        TestContext.Out.WriteLine(generalised);

        Assert.That(generalised, Does.Not.Contain("48.85837").And.Not.Contain("2.294481").And.Not.Contain("29.6").And.Not.Contain("5176885"));
        EgressGuard guard = new([new CoordinatesDetector()]);
        Assert.DoesNotThrow(() => guard.ThrowIfSensitive("openai", [new ChatMessage(ChatRole.User, generalised)], null));
    }
}
