using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using Eaio.Routing;

namespace Eaio.Routing.Benchmarks;

/// <summary>
/// Cost of <see cref="Pseudonymizer"/> on a 4 KB prompt with one or two entities per 100 characters (spans given, so
/// detection is excluded), of whole and streaming restore, against one <see cref="SearchValues{T}"/> scan as the floor.
/// </summary>
[MemoryDiagnoser]
public class PseudonymizationBenchmarks
{
    private const int StreamChunkChars = 16;

    private static readonly SearchValues<char> ScanChars = SearchValues.Create("@_");

    private readonly List<SensitiveSpan> _spans = [];
    private string _prompt = string.Empty;
    private string _sanitized = string.Empty;
    private string[] _chunks = [];
    private InMemoryPseudonymVault _vault = null!;
    private string _scope = string.Empty;
    private Pseudonymizer _pseudonymizer = null!;
    private PseudonymScopeSnapshot _snapshot = null!;
    private PlaceholderRestorer _restorer = null!;

    [GlobalSetup]
    public void Setup()
    {
        // Facility-manager prose: each sentence of about 100 characters holds one or two sensitive values, drawn from
        // a small pool so values repeat as they do within a conversation.
        string[] people = ["Hannah Schmidt", "Omar Haddad", "Li Wei", "Ana Souza", "Jonas Berg"];
        string[] emails = ["hannah.schmidt@panther-energy.eu", "o.haddad@fox-campus.org", "li.wei@bobcat.example", "ana@rat-lab.io"];
        string[] buildings = ["Panther_office_Hannah", "Fox_education_Omar", "Bobcat_lodging_Li", "Rat_assembly_Ana"];
        string[] coordinates = ["51.50735, -0.12776", "48.85837, 2.29448", "52.52001, 13.40495"];
        var builder = new StringBuilder(4200);
        int sentence = 0;
        while (builder.Length < 4096 - 120)
        {
            int k = sentence++;
            Append(builder, "Please check the heating schedule of ", null);
            Append(builder, buildings[k % buildings.Length], EntityTypes.Building);
            Append(builder, " before Monday; the readings look 12 % too high since the last audit.", null);
            if (k % 2 == 0)
            {
                Append(builder, " Ask ", null);
                Append(builder, people[k % people.Length], EntityTypes.Person);
                Append(builder, " at ", null);
                Append(builder, emails[k % emails.Length], EntityTypes.Email);
                Append(builder, ".", null);
            }
            else
            {
                Append(builder, " Site: ", null);
                Append(builder, coordinates[k % coordinates.Length], EntityTypes.Coordinates);
                Append(builder, ".", null);
            }

            Append(builder, "\n", null);
        }

        while (builder.Length < 4096)
        {
            builder.Append(' ');
        }

        _prompt = builder.ToString();
        _vault = new InMemoryPseudonymVault();
        _scope = Synchronously.Result(_vault.OpenScopeAsync("benchmark"));
        _pseudonymizer = new Pseudonymizer(_vault);
        _sanitized = Pseudonymize();
        _snapshot = Synchronously.Result(_vault.GetSnapshotAsync(_scope));
        _restorer = new PlaceholderRestorer(_snapshot);
        _chunks = [.. _sanitized.Chunk(StreamChunkChars).Select(c => new string(c))];
    }

    /// <summary>Gets the number of entities in the prompt, printed with the results.</summary>
    public int EntityCount => _spans.Count;

    [Benchmark(Baseline = true, Description = "floor: SearchValues IndexOfAny scan, 4 KB")]
    public int Scan() => SearchValuesScan.CountHits(_prompt, ScanChars);

    [Benchmark(Description = "Pseudonymize 4 KB, spans given")]
    public string Pseudonymize() => Synchronously.Result(_pseudonymizer.PseudonymizeAsync(_scope, _prompt, _spans)).Text; // the in-memory vault completes synchronously

    [Benchmark(Description = "Restore whole 4 KB response")]
    public string RestoreWhole() => _restorer.Restore(_sanitized);

    [Benchmark(Description = "Streaming restore, per 16-char chunk", OperationsPerInvoke = 4096 / StreamChunkChars)]
    public int StreamingRestorePerChunk()
    {
        StreamingPlaceholderRestorer restorer = new(_snapshot);
        int length = 0;
        string[] chunks = _chunks;
        for (int i = 0; i < 4096 / StreamChunkChars; i++)
        {
            length += restorer.Append(chunks[i % chunks.Length]).Length;
        }

        return length + restorer.Flush().Length;
    }

    private void Append(StringBuilder builder, string text, string? entityType)
    {
        if (entityType is not null)
        {
            _spans.Add(new SensitiveSpan(builder.Length, text.Length, entityType, 0.9));
        }

        builder.Append(text);
    }
}
