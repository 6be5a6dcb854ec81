using System.Reflection;
using System.Runtime.Loader;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>
/// The README's quick start, read from README.md when the test runs, compiled as the program of a <c>dotnet new worker</c>
/// project and run against loopback providers: if the README's snippet stops compiling or working, so does this.
/// </summary>
/// <remarks>
/// The snippet reads its settings with <c>Host.CreateApplicationBuilder(args)</c>, so the loopback addresses are passed as
/// command-line arguments, the way a reader would pass settings (<c>--Eaio:Ollama:BaseUrl=…</c>). Nothing in it is edited.
/// </remarks>
[Parallelizable(ParallelScope.None)] // it redirects Console.Out to read what the snippet prints
public sealed class ReadmeQuickStartTests
{
    [Test]
    public async Task The_quick_start_runs_as_written_and_the_buildings_PRIVATE_override_keeps_it_local()
    {
        string snippet = QuickStart();
        Assembly program = Compile(snippet);

        await using LoopbackOllamaServer ollama = await LoopbackOllamaServer.StartAsync(defaultReply: LoopbackReply.Text("Raise the chilled-water setpoint by 1 K.", 12, 9));
        await using LoopbackOpenAIServer openAI = await LoopbackOpenAIServer.StartAsync(defaultReply: LoopbackReply.Text("Stagger the chiller starts.", 12, 6));
        string root = Directory.CreateTempSubdirectory("eaio-readme-").FullName;
        string[] args =
        [
            $"--contentRoot={root}", // no appsettings.json of the test's output folder
            $"--Eaio:Ollama:BaseUrl={ollama.BaseUri}",
            "--Eaio:OpenAI:ApiKey=sk-readme",
            $"--Eaio:OpenAI:BaseUrl={openAI.BaseUri}",
            "--Eaio:BuildingPrivacy:Panther_office_Hannah=PRIVATE",
            $"--Eaio:DataDirectory={root}",
            "--Logging:LogLevel:Default=Warning",
        ];

        TextWriter console = Console.Out;
        StringWriter printed = new();
        try
        {
            Console.SetOut(printed);
            object? result = await Task.Run(() => program.EntryPoint!.Invoke(null, [args]));
            Assert.That(result, Is.Null.Or.EqualTo(0), "the program's exit code");
        }
        finally
        {
            Console.SetOut(console);
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(root, recursive: true);
        }

        Assert.Multiple(() =>
        {
            Assert.That(printed.ToString(), Does.Match(new Regex(@"^ollama/\S+: \S", RegexOptions.Multiline)), "the line the snippet prints, for the local route");
            Assert.That(ollama.ChatRequestCount, Is.EqualTo(1));
            Assert.That(openAI.ChatRequestCount, Is.Zero, "the building's PRIVATE override is a ceiling the request's ENHANCED cannot loosen");
        });
    }

    /// <summary>The first C# block under the README's "Quick start" heading, exactly as written.</summary>
    private static string QuickStart()
    {
        string[] lines = File.ReadAllLines(Path.Combine(RepositoryPaths.Root(), "README.md"));
        int heading = Array.FindIndex(lines, l => l.Trim() == "## Quick start");
        Assert.That(heading, Is.GreaterThanOrEqualTo(0), "README.md has a '## Quick start' heading");
        int start = Array.FindIndex(lines, heading, l => l.Trim() == "```csharp") + 1;
        int end = Array.FindIndex(lines, start, l => l.Trim() == "```");
        Assert.That(start, Is.GreaterThan(heading).And.LessThan(end), "the quick start has a C# block");
        return string.Join('\n', lines[start..end]);
    }

    /// <summary>Compiles the snippet as a program's top-level statements, with a worker project's implicit usings.</summary>
    private static Assembly Compile(string snippet)
    {
        string usings = string.Join('\n', ReadmeCodeTests.ImplicitUsings.Select(u => $"global using {u};"));
        CSharpParseOptions parse = new(LanguageVersion.Latest);
        CSharpCompilation compilation = CSharpCompilation.Create(
            "ReadmeQuickStart",
            [CSharpSyntaxTree.ParseText(usings, parse), CSharpSyntaxTree.ParseText(snippet, parse, path: "README.md")],
            ReadmeCodeTests.References(),
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));
        using MemoryStream image = new();
        Microsoft.CodeAnalysis.Emit.EmitResult emitted = compilation.Emit(image);
        Assert.That(emitted.Success, Is.True, () => "the quick start does not compile:\n" + string.Join('\n', emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        image.Position = 0;

        // Its own collectible context; the libraries it uses resolve to the ones this test process already loaded.
        return new AssemblyLoadContext("ReadmeQuickStart", isCollectible: true).LoadFromStream(image);
    }
}
