using System.Diagnostics;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>Runs the console sample (<c>eaio</c>, built with the tests) as a separate process, as a user would.</summary>
internal static class ConsoleSample
{
    /// <summary>Gets the sample's assembly in its own build output, beside the repository's other projects.</summary>
    public static string Path => System.IO.Path.Combine(
        RepositoryPaths.Root(), "samples", "Eaio.Samples.Console", "bin",
        new DirectoryInfo(System.IO.Path.Combine(AppContext.BaseDirectory, "..")).Name, "net10.0", "eaio.dll");

    /// <summary>Runs the sample to its end with a fresh data folder (unless <c>EAIO_DATA_DIR</c> is given), nothing running on
    /// Ollama's port, and no API keys.</summary>
    /// <param name="arguments">The command line.</param>
    /// <param name="environment">Variables to add or (with a <see langword="null"/> value) remove.</param>
    /// <returns>The exit code and what it printed on each stream.</returns>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(string[] arguments, IReadOnlyDictionary<string, string?>? environment = null)
    {
        Assert.That(File.Exists(Path), Is.True, $"the sample is built with the tests: {Path}");
        bool ownData = environment?.ContainsKey("EAIO_DATA_DIR") != true;
        string data = ownData ? Directory.CreateTempSubdirectory("eaio-cli-").FullName : environment!["EAIO_DATA_DIR"]!;
        ProcessStartInfo start = new("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryPaths.Root(),
        };
        start.ArgumentList.Add(Path);
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The machine's own settings must not decide a test: no keys, Ollama on the discard port, a throwaway data folder.
        foreach (string name in start.Environment.Keys.Where(k => k.EndsWith("_API_KEY", StringComparison.Ordinal) || k.StartsWith("Eaio__", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["OLLAMA_BASE_URL"] = "http://127.0.0.1:9";
        start.Environment["EAIO_DATA_DIR"] = data;
        start.Environment["COLUMNS"] = "200";
        foreach ((string name, string? value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[name] = value;
        }

        try
        {
            using Process process = Process.Start(start)!;
            Task<string> output = process.StandardOutput.ReadToEndAsync();
            Task<string> error = process.StandardError.ReadToEndAsync();
            using CancellationTokenSource limit = new(TimeSpan.FromMinutes(2));
            try
            {
                await process.WaitForExitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"eaio {string.Join(' ', arguments)} did not end within 2 minutes");
            }

            return (process.ExitCode, await output, await error);
        }
        finally
        {
            if (ownData)
            {
                Directory.Delete(data, recursive: true);
            }
        }
    }
}
