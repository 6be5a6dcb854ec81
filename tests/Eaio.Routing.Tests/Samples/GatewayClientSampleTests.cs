using System.Diagnostics;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>
/// The gateway client sample (OpenAI's .NET SDK through Microsoft.Extensions.AI), built with the tests, run as a separate
/// process against the gateway on a loopback port, as a user would run it against theirs.
/// </summary>
public sealed class GatewayClientSampleTests
{
    private static string SamplePath => Path.Combine(
        RepositoryPaths.Root(), "samples", "Eaio.Samples.GatewayClient", "bin",
        new DirectoryInfo(Path.Combine(AppContext.BaseDirectory, "..")).Name, "net10.0", "Eaio.Samples.GatewayClient.dll");

    [Test]
    public async Task The_sample_gets_an_answer_with_its_route_then_a_streamed_one_kept_local_by_its_privacy_metadata()
    {
        await using GatewayHarness gateway = await GatewayHarness.StartAsync();

        (int exitCode, string output, string error) = await RunAsync(
            new Dictionary<string, string?> { ["EAIO_GATEWAY_URL"] = new Uri(gateway.BaseUri, "v1").ToString(), ["EAIO_GATEWAY_KEY"] = GatewayHarness.PublicKey },
            "Give me three tips for office lighting.");

        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.Zero, error);
            // A PUBLIC key's question goes out; the same question asking for PRIVATE stays on the local model.
            Assert.That(lines, Has.Length.EqualTo(2), output);
            Assert.That(lines[0], Does.Match(@"^\[openai/\S+\] OpenAI answer\.$"));
            Assert.That(lines[^1], Does.Match(@"^Local answer\. \[ollama/\S+, private\]$"));
            Assert.That(gateway.OpenAI.ChatRequestCount, Is.EqualTo(1));
            Assert.That(gateway.Ollama.ChatRequestCount, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task The_sample_with_an_unknown_key_prints_the_gateways_message_and_exits_1()
    {
        await using GatewayHarness gateway = await GatewayHarness.StartAsync();

        (int exitCode, _, string error) = await RunAsync(
            new Dictionary<string, string?> { ["EAIO_GATEWAY_URL"] = new Uri(gateway.BaseUri, "v1").ToString(), ["EAIO_GATEWAY_KEY"] = "not-a-key-of-this-gateway" });

        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.EqualTo(1));
            Assert.That(error, Does.Contain("The gateway answered 401").And.Contain("Gateway:Keys"));
        });
    }

    [Test]
    public async Task The_sample_without_a_key_says_which_variable_to_set_and_exits_2()
    {
        (int exitCode, _, string error) = await RunAsync(new Dictionary<string, string?> { ["EAIO_GATEWAY_KEY"] = null });

        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.EqualTo(2));
            Assert.That(error, Does.Contain("Set EAIO_GATEWAY_KEY"));
        });
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(IReadOnlyDictionary<string, string?> environment, params string[] arguments)
    {
        Assert.That(File.Exists(SamplePath), Is.True, $"the sample is built with the tests: {SamplePath}");
        ProcessStartInfo start = new("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(SamplePath);
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach ((string name, string? value) in environment)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        using CancellationTokenSource limit = new(TimeSpan.FromMinutes(1));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("the sample did not end within a minute");
        }

        return (process.ExitCode, await output, await error);
    }
}
