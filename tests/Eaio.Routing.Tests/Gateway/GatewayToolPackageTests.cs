using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Reflection;
using Eaio.Routing.Gateway;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>
/// The gateway ships as a .NET tool: the project is packed, the package installed with <c>dotnet tool install</c> from
/// that package alone (a NuGet configuration with no other source, an empty package folder), and the installed
/// <c>eaio-gateway</c> command run as a user would.
/// </summary>
/// <remarks>Takes about half a minute (pack and install); run it alone with <c>--filter TestCategory=ToolPackage</c>.</remarks>
[Category("ToolPackage")]
[NonParallelizable]
public sealed class GatewayToolPackageTests
{
    private string _work = null!;
    private string _command = null!;

    [OneTimeSetUp]
    public async Task PackAndInstall()
    {
        _work = Directory.CreateTempSubdirectory("eaio-tool-").FullName;
        string root = RepositoryPaths.Root();
        string configuration = new DirectoryInfo(Path.Combine(AppContext.BaseDirectory, "..")).Name;
        string packages = Path.Combine(_work, "nupkg");

        // The test project references the gateway, so it is built in this configuration: pack only.
        (int packed, string packOutput) = await RunAsync("dotnet", ["pack", Path.Combine(root, "src", "Eaio.Routing.Gateway", "Eaio.Routing.Gateway.csproj"), "-c", configuration, "--no-build", "-o", packages, "-nologo"], root);
        Assert.That(packed, Is.Zero, "dotnet pack failed:\n" + packOutput);
        string package = Directory.GetFiles(packages, "Eaio.Routing.Gateway.*.nupkg").Single(p => !p.EndsWith(".snupkg", StringComparison.Ordinal));
        string version = Path.GetFileNameWithoutExtension(package)["Eaio.Routing.Gateway.".Length..];

        // Only the package just packed: an install that needed anything else from a feed fails here.
        string config = Path.Combine(_work, "nuget.config");
        await File.WriteAllTextAsync(config, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="packed" value="{packages}" />
              </packageSources>
            </configuration>
            """);
        string tools = Path.Combine(_work, "tools");
        (int installed, string installOutput) = await RunAsync(
            "dotnet",
            ["tool", "install", "--tool-path", tools, "--configfile", config, "Eaio.Routing.Gateway", "--version", version],
            _work,
            new Dictionary<string, string?> { ["NUGET_PACKAGES"] = Path.Combine(_work, "nuget-packages") });
        Assert.That(installed, Is.Zero, "dotnet tool install failed:\n" + installOutput);
        _command = Path.Combine(tools, OperatingSystem.IsWindows() ? "eaio-gateway.exe" : "eaio-gateway");
        Assert.That(File.Exists(_command), Is.True, $"the tool's command after install:\n{installOutput}");
    }

    [OneTimeTearDown]
    public void Delete()
    {
        if (_work is not null)
        {
            Directory.Delete(_work, recursive: true);
        }
    }

    [Test]
    public async Task The_installed_command_without_keys_says_how_to_add_one_and_exits_2()
    {
        (int exitCode, string output) = await RunAsync(_command, [], _work, Clean());

        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.EqualTo(2), output);
            Assert.That(output, Does.Contain("Gateway:Keys is empty").And.Contain("Gateway__Keys__0__Key"));
            Assert.That(output, Does.Not.Match(@"(?m)^\s+at "), "no stack trace");
        });
    }

    [Test]
    public void The_installed_tool_runs_with_workstation_GC()
    {
        // The Web SDK turns server GC on; the gateway turns it off (docs/benchmarks.md, "Gateway against Portkey": less
        // memory at the same CPU and tail). A misspelt MSBuild property is silently ignored, so the shipped file is read.
        string runtimeConfig = Directory.GetFiles(Path.Combine(_work, "tools"), "eaio-gateway.runtimeconfig.json", SearchOption.AllDirectories).Single();
        using System.Text.Json.JsonDocument config = System.Text.Json.JsonDocument.Parse(File.ReadAllText(runtimeConfig));

        Assert.That(config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties").GetProperty("System.GC.Server").GetBoolean(), Is.False);
    }

    [Test]
    public async Task The_installed_command_prints_its_usage_and_its_version()
    {
        (int helpExit, string help) = await RunAsync(_command, ["--help"], _work, Clean());
        (int versionExit, string version) = await RunAsync(_command, ["--version"], _work, Clean());

        string built = typeof(GatewayApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;
        Assert.Multiple(() =>
        {
            Assert.That(helpExit, Is.Zero, help);
            Assert.That(help, Does.Contain("Usage: eaio-gateway").And.Contain("Gateway:Keys:<n>:Key").And.Contain("POST /v1/chat/completions"));
            Assert.That(versionExit, Is.Zero, version);
            Assert.That(version.Trim(), Is.EqualTo("eaio-gateway " + built));
        });
    }

    [Test]
    public async Task The_installed_command_with_a_key_serves_health_and_models()
    {
        await using LoopbackOllamaServer ollama = await LoopbackOllamaServer.StartAsync();
        const string Key = "tool-test-key-0123456789";
        string url = $"http://127.0.0.1:{FreePort()}";
        Dictionary<string, string?> environment = Clean();
        environment["OLLAMA_BASE_URL"] = ollama.BaseUri.ToString();
        environment["Gateway__Keys__0__Key"] = Key;
        environment["Gateway__Keys__0__Tenant"] = "tool";
        ProcessStartInfo start = Start(_command, ["--urls", url], _work, environment);
        using Process gateway = Process.Start(start)!;
        Task<string> output = gateway.StandardOutput.ReadToEndAsync();
        Task<string> error = gateway.StandardError.ReadToEndAsync();
        try
        {
            using HttpClient http = new() { BaseAddress = new Uri(url + "/"), Timeout = TimeSpan.FromSeconds(10) };
            HttpStatusCode? health = null;
            string healthBody = "";
            for (DateTime until = DateTime.UtcNow.AddMinutes(1); health is null && DateTime.UtcNow < until && !gateway.HasExited;)
            {
                try
                {
                    using HttpResponseMessage response = await http.GetAsync(new Uri("healthz", UriKind.Relative));
                    (health, healthBody) = (response.StatusCode, await response.Content.ReadAsStringAsync());
                }
                catch (HttpRequestException)
                {
                    await Task.Delay(200); // not listening yet
                }
            }

            using HttpRequestMessage models = new(HttpMethod.Get, new Uri("v1/models", UriKind.Relative));
            models.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Key);
            using HttpResponseMessage modelsResponse = await http.SendAsync(models);
            string modelsBody = await modelsResponse.Content.ReadAsStringAsync();

            Assert.Multiple(() =>
            {
                Assert.That(health, Is.EqualTo(HttpStatusCode.OK), () => $"GET /healthz: {healthBody}; the gateway's output: {(gateway.HasExited ? output.Result + error.Result : "(running)")}");
                Assert.That(healthBody, Is.EqualTo("Healthy"));
                Assert.That(modelsResponse.StatusCode, Is.EqualTo(HttpStatusCode.OK), modelsBody);
                Assert.That(modelsBody, Does.Contain("\"eaio-auto\"").And.Contain("\"ollama/"));
            });
        }
        finally
        {
            if (!gateway.HasExited)
            {
                gateway.Kill(entireProcessTree: true);
            }

            await gateway.WaitForExitAsync();
        }
    }

    /// <summary>The machine's own settings must not decide a test: no keys, no EAIO settings, a throwaway data folder.</summary>
    private Dictionary<string, string?> Clean()
    {
        Dictionary<string, string?> environment = Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(k => k.EndsWith("_API_KEY", StringComparison.Ordinal) || k.StartsWith("Eaio__", StringComparison.OrdinalIgnoreCase)
                || k.StartsWith("Gateway__", StringComparison.OrdinalIgnoreCase) || k is "ASPNETCORE_URLS" or "OLLAMA_BASE_URL")
            .ToDictionary(k => k, _ => (string?)null);
        environment["OLLAMA_BASE_URL"] = "http://127.0.0.1:9";
        environment["EAIO_DATA_DIR"] = Path.Combine(_work, "data");
        return environment;
    }

    private static int FreePort()
    {
        using TcpListener listener = new(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static ProcessStartInfo Start(string fileName, string[] arguments, string directory, IReadOnlyDictionary<string, string?>? environment)
    {
        ProcessStartInfo start = new(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach ((string name, string? value) in environment ?? new Dictionary<string, string?>())
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

        return start;
    }

    /// <summary>Runs a command to its end (at most 3 minutes) and returns its exit code and everything it printed.</summary>
    private static async Task<(int ExitCode, string Output)> RunAsync(string fileName, string[] arguments, string directory, IReadOnlyDictionary<string, string?>? environment = null)
    {
        using Process process = Process.Start(Start(fileName, arguments, directory, environment))!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        using CancellationTokenSource limit = new(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{fileName} {string.Join(' ', arguments)} did not end within 3 minutes");
        }

        return (process.ExitCode, await output + await error);
    }
}
