using System.Diagnostics;
using System.Globalization;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>Starts <c>Eaio.Routing.LedgerProcess</c>, built with the tests, as a separate process sharing a store.</summary>
internal static class WorkerProcess
{
    /// <summary>Gets the worker's assembly beside this test assembly's build output.</summary>
    public static string Path { get; } = System.IO.Path.GetFullPath(System.IO.Path.Combine(
        AppContext.BaseDirectory, "..", "..", "..", "..", "Eaio.Routing.LedgerProcess", "bin",
        new DirectoryInfo(System.IO.Path.Combine(AppContext.BaseDirectory, "..")).Name, "net10.0", "Eaio.Routing.LedgerProcess.dll"));

    /// <summary>Runs the worker to its end and returns what it printed; a non-zero exit fails the test with its error output.</summary>
    public static async Task<string> RunAsync(params string[] arguments) => (await RunWithErrorsAsync(arguments)).Output;

    /// <summary>Like <see cref="RunAsync"/>, also returning what the worker printed to its error output.</summary>
    public static async Task<(string Output, string Errors)> RunWithErrorsAsync(params string[] arguments)
    {
        using Process process = Start(arguments);
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.That(process.ExitCode, Is.Zero, await error);
        return ((await output).Trim(), await error);
    }

    /// <summary>Starts the worker; the caller reads its output and ends it.</summary>
    public static Process Start(params string[] arguments)
    {
        Assert.That(File.Exists(Path), Is.True, $"the worker is built with the tests: {Path}");
        ProcessStartInfo start = new("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path);
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start)!;
    }

    /// <summary>Adds up the <c>settled=… refused=…</c> lines of <c>calls</c> workers.</summary>
    public static (decimal Settled, int Refused) SumCalls(IEnumerable<string> outputs)
    {
        decimal settled = 0m;
        int refused = 0;
        foreach (string output in outputs)
        {
            string[] parts = output.Split(' ');
            settled += decimal.Parse(parts[0]["settled=".Length..], CultureInfo.InvariantCulture);
            refused += int.Parse(parts[1]["refused=".Length..], CultureInfo.InvariantCulture);
        }

        return (settled, refused);
    }
}
