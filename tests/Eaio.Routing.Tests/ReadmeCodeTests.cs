using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>
/// Compiles every C# block of README.md as it is written, against this build's assemblies, so a README example that
/// names a method, type or argument that does not exist fails the build's tests instead of its first reader.
/// </summary>
/// <remarks>
/// A block is compiled with the implicit usings of a <c>dotnet new worker</c> project. Names a block uses without declaring
/// them (<c>services</c>, <c>configuration</c>, <c>builder</c>, <c>args</c>) are the host's, as in the quick start: they
/// are passed in. Blocks run nothing; what they do is tested elsewhere against loopback providers.
/// </remarks>
public sealed class ReadmeCodeTests
{
    internal static readonly string[] ImplicitUsings =
    [
        "System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Threading", "System.Threading.Tasks",
        "Microsoft.Extensions.Configuration", "Microsoft.Extensions.DependencyInjection", "Microsoft.Extensions.Hosting", "Microsoft.Extensions.Logging",
    ];

    private static readonly (string Name, string Type)[] s_hostNames =
    [
        ("services", "IServiceCollection"), ("configuration", "IConfiguration"), ("builder", "HostApplicationBuilder"), ("args", "string[]"),
    ];

    public static IEnumerable<TestCaseData> Blocks()
    {
        string[] lines = File.ReadAllLines(Path.Combine(RepositoryPaths.Root(), "README.md"));
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].Trim() != "```csharp")
            {
                continue;
            }

            int start = i + 1;
            int end = Array.FindIndex(lines, start, l => l.Trim() == "```");
            yield return new TestCaseData(start + 1, string.Join('\n', lines[start..end])).SetArgDisplayNames($"README.md line {start + 1}");
            i = end;
        }
    }

    [Test]
    public void The_README_has_csharp_blocks() => Assert.That(Blocks().Count(), Is.GreaterThanOrEqualTo(4));

    [TestCaseSource(nameof(Blocks))]
    public void A_README_block_compiles_as_written(int line, string code)
    {
        CSharpCompilation compilation = CSharpCompilation.Create(
            "ReadmeBlock" + line,
            [CSharpSyntaxTree.ParseText(Wrap(code), new CSharpParseOptions(LanguageVersion.Latest))],
            References(),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

        Diagnostic[] errors = [.. compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error)];
        Assert.That(errors, Is.Empty, () => $"README.md line {line}:\n" + string.Join('\n', errors.Select(e => e.ToString())));
    }

    /// <summary>The block's own usings first, then its statements as the body of a method that receives the host's names it uses.</summary>
    private static string Wrap(string code)
    {
        string[] lines = code.Split('\n');
        string[] usings = [.. lines.TakeWhile(l => l.StartsWith("using ", StringComparison.Ordinal) && l.TrimEnd().EndsWith(';'))];
        string body = string.Join('\n', lines.Skip(usings.Length));
        IEnumerable<string> parameters = s_hostNames
            .Where(n => Regex.IsMatch(body, $@"\b{n.Name}\b") && !Regex.IsMatch(body, $@"\b(var|[A-Z]\w*)\s+{n.Name}\s*="))
            .Select(n => $"{n.Type} {n.Name}");
        return string.Join('\n', ImplicitUsings.Select(u => $"using {u};")) + "\n" + string.Join('\n', usings)
            + $"\npublic static class ReadmeBlock\n{{\n    public static async System.Threading.Tasks.Task RunAsync({string.Join(", ", parameters)})\n    {{\n        await System.Threading.Tasks.Task.CompletedTask;\n#line 1\n{body}\n    }}\n}}\n";
    }

    /// <summary>The platform's assemblies and every assembly of this test's output: the libraries, their dependencies, the SDKs.</summary>
    internal static List<MetadataReference> References()
    {
        Dictionary<string, string> byName = new(StringComparer.OrdinalIgnoreCase);
        foreach (string path in ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator))
        {
            byName.TryAdd(Path.GetFileName(path), path);
        }

        foreach (string path in Directory.EnumerateFiles(AppContext.BaseDirectory, "*.dll"))
        {
            byName.TryAdd(Path.GetFileName(path), path);
        }

        return [.. byName.Values.Where(IsManaged).Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))];
    }

    private static bool IsManaged(string path)
    {
        try
        {
            _ = System.Reflection.AssemblyName.GetAssemblyName(path);
            return true;
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }
}
