using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using Eaio.Routing;

namespace Eaio.Routing.Benchmarks;

/// <summary>
/// The BDG2 reader on a generated file of the full electricity shape: 17,544 hourly rows × 1,578 building columns,
/// with the header of the real metadata's electricity buildings, CRLF, about 5 % empty cells, values written like
/// BDG2's (up to four decimals). Goals (issue 5): one building column at 300 MB/s or more (file bytes / time), the EUI
/// of every building in under 5 s.
/// </summary>
[MemoryDiagnoser]
public class Bdg2ReaderBenchmarks
{
    private const int Rows = 17_544;

    private string _folder = string.Empty;
    private Bdg2MeterFile _file = null!;
    private string _building = string.Empty;

    /// <summary>Gets the size of the generated file in bytes (printed in the setup, for the MB/s figure).</summary>
    public long FileBytes { get; private set; }

    [GlobalSetup]
    public void Setup()
    {
        string metadata = Path.Combine(RepositoryRoot(), "data", "bdg2", "metadata.csv");
        string[] buildings = [.. Bdg2Metadata.Load(metadata).Buildings.Where(b => b.Meters.Contains(MeterType.Electricity)).Select(b => b.BuildingId)];
        _folder = Path.Combine(Path.GetTempPath(), "eaio-bench-bdg2-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
        File.Copy(metadata, Path.Combine(_folder, "metadata.csv"));
        string path = Path.Combine(_folder, "electricity_cleaned.csv");
        Write(path, buildings);
        FileBytes = new FileInfo(path).Length;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"// generated {path}: {Rows} rows x {buildings.Length} building columns, {FileBytes:N0} bytes"));
        _file = Bdg2MeterFile.Open(path, MeterType.Electricity);
        _building = buildings[buildings.Length / 2];
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_folder, recursive: true);

    [Benchmark(Description = "read one building column (full electricity file)")]
    public int ReadOneColumn() => _file.Read(_building, TimeZoneInfo.Utc).Count;

    [Benchmark(Description = "EUI of all buildings (metadata + full electricity file)")]
    public int EuiOfAllBuildings() => Bdg2Dataset.Open(_folder).ComputeAllEui(MeterType.Electricity).Count;

    private static void Write(string path, string[] buildings)
    {
        // A pool of value strings keeps the generation fast; the reader parses them all the same.
        Random random = new(42);
        string[] pool = [.. Enumerable.Range(0, 4096).Select(_ => Math.Round(random.NextDouble() * random.Next(1, 2000), random.Next(0, 5)).ToString(CultureInfo.InvariantCulture))];
        using StreamWriter writer = new(path, append: false, new UTF8Encoding(false), 1 << 20);
        writer.Write("timestamp,");
        writer.Write(string.Join(',', buildings));
        writer.Write("\r\n");
        DateTime start = new(2016, 1, 1);
        for (int row = 0; row < Rows; row++)
        {
            writer.Write(start.AddHours(row).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
            for (int c = 0; c < buildings.Length; c++)
            {
                writer.Write(',');
                int pick = random.Next(pool.Length + 200);
                if (pick < pool.Length)
                {
                    writer.Write(pool[pick]);
                }
            }

            writer.Write("\r\n");
        }
    }

    private static string RepositoryRoot()
    {
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "EAIO.Routing.sln")))
            {
                return d.FullName;
            }
        }

        throw new DirectoryNotFoundException("EAIO.Routing.sln not found above " + AppContext.BaseDirectory);
    }
}
