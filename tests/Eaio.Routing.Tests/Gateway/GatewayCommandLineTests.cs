using System.Reflection;
using Eaio.Routing.Gateway;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary><c>eaio-gateway --help</c> and <c>--version</c> answer before any configuration is read; every other command line starts the gateway.</summary>
public sealed class GatewayCommandLineTests
{
    [TestCase("--help")]
    [TestCase("-h")]
    [TestCase("-?")]
    public void Help_prints_the_usage_with_the_settings_and_endpoints_and_exits_0(string argument)
    {
        using StringWriter output = new();

        int? exitCode = GatewayCommandLine.TryAnswer([argument], output);

        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.Zero);
            Assert.That(output.ToString(), Does.StartWith("eaio-gateway: ").And.Contain("Usage: eaio-gateway")
                .And.Contain("Gateway:Keys:<n>:Key").And.Contain("Gateway:Limits:RequestsPerMinute").And.Contain(ResponseStore.StoreMinutesSetting).And.Contain(GatewayApp.SupportedEndpoints));
        });
    }

    [Test]
    public void Version_prints_the_assemblys_informational_version_and_exits_0()
    {
        using StringWriter output = new();

        int? exitCode = GatewayCommandLine.TryAnswer(["--version"], output);

        string built = typeof(GatewayApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;
        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.Zero);
            Assert.That(output.ToString().Trim(), Is.EqualTo("eaio-gateway " + built));
        });
    }

    private static IEnumerable<TestCaseData> OtherCommandLines() =>
        new string[][] { [], ["--urls", "http://127.0.0.1:9000"], ["--help", "--urls=http://127.0.0.1:9000"], ["--Gateway:Keys:0:Key=--help"] }
            .Select(args => new TestCaseData((object)args).SetArgDisplayNames(string.Join(' ', args)));

    [TestCaseSource(nameof(OtherCommandLines))]
    public void Any_other_command_line_is_left_to_the_host(string[] args)
    {
        using StringWriter output = new();

        Assert.Multiple(() =>
        {
            Assert.That(GatewayCommandLine.TryAnswer(args, output), Is.Null);
            Assert.That(output.ToString(), Is.Empty);
        });
    }
}
