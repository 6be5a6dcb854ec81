using System.Text.Json;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>The build is pinned to the .NET 10 SDK band: a newer SDK's new analyzer warnings cannot break a warnings-as-errors build.</summary>
public sealed class GlobalJsonTests
{
    [Test]
    public void The_repository_pins_the_NET_10_SDK_and_rolls_forward_only_within_it()
    {
        using JsonDocument global = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root(), "global.json")));
        JsonElement sdk = global.RootElement.GetProperty("sdk");

        Assert.That(sdk.GetProperty("version").GetString(), Does.StartWith("10.0."));
        Assert.That(sdk.GetProperty("rollForward").GetString(), Is.AnyOf("latestFeature", "latestPatch", "feature", "patch"), "never to a new major or minor version");
        Assert.That(Environment.Version.Major, Is.EqualTo(10), "the tests run on the .NET 10 runtime the SDK targets");
    }
}
