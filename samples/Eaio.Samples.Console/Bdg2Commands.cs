using System.Globalization;
using Eaio.Routing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Eaio.Samples.Console;

/// <summary>
/// <c>bdg2 summary|profile|anomalies|benchmark &lt;building&gt;</c> over a BDG2 folder, and <c>ask … --bdg2 &lt;folder&gt;</c>,
/// which answers with the BDG2 tools (function invocation above the router).
/// </summary>
internal static class Bdg2Commands
{
    public const string Usage = """
        Usage: eaio bdg2 summary|profile|anomalies|benchmark <building id> [options]
               eaio ask "<question>" --bdg2 <folder> [ask options]
          --data <folder>           BDG2 files: a flat folder or a full BDG2 download (default: the repository's data/bdg2)
          --meter <type>            electricity|chilledwater|steam|hotwater|gas|water|irrigation|solar
                                    (default: the building's first meter with a file in the folder)
          --raw                     read the raw meter file instead of the cleaned one
          --from <yyyy-MM-dd>       summary: first local day (inclusive)
          --to <yyyy-MM-dd>         summary: local day after the period (exclusive)
          --out <file.png>          profile: where to write the chart, in a folder that exists (default: <building>-<meter>-profile.png)
          --threshold <z>           anomalies: robust z-score threshold (default 3.5)
          --top <n>                 anomalies: how many to list (default 10)
        Exit codes: 0 done, 1 usage error (including a bad date or an empty date range), 2 no route could answer (ask),
        5 data error (missing file, bad header, unknown building, no readings in the period).
        """;

    private static readonly string[] s_verbs = ["summary", "profile", "anomalies", "benchmark"];

    /// <summary>Tells whether the arguments are a bdg2 command (including <c>ask --bdg2</c>).</summary>
    public static bool Handles(string[] args) => args is ["bdg2", ..] || (args is ["ask", ..] && args.Contains("--bdg2"));

    public static async Task<int> RunAsync(string[] args)
    {
        if (args is ["bdg2", "--help" or "-h" or "help"])
        {
            System.Console.WriteLine(Usage);
            return ExitCodes.Done;
        }

        try
        {
            return args[0] == "ask" ? await AskAsync(args) : Run(args);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or InvalidDataException)
        {
            System.Console.Error.WriteLine(ex.Message);
            return 5;
        }
        catch (ArgumentException ex)
        {
            // Unknown building, meter or date: the message names it and what is allowed.
            System.Console.Error.WriteLine(ex.Message);
            return 5;
        }
        catch (InvalidOperationException ex)
        {
            System.Console.Error.WriteLine(ex.Message);
            return 5;
        }
    }

    private static int Run(string[] args)
    {
        if (args.Length < 3 || !s_verbs.Contains(args[1]))
        {
            return UsageError("Expected bdg2 summary|profile|anomalies|benchmark and a building id.");
        }

        Dictionary<string, string> options = new(StringComparer.Ordinal);
        bool raw = false;
        for (int i = 3; i < args.Length; i++)
        {
            if (args[i] == "--raw")
            {
                raw = true;
            }
            else if (args[i] is "--data" or "--meter" or "--from" or "--to" or "--out" or "--threshold" or "--top" && i + 1 < args.Length)
            {
                options[args[i]] = args[++i];
            }
            else
            {
                return UsageError($"Unknown option or missing value: '{args[i]}'.");
            }
        }

        // Every value is checked before any file is read: a bad value is a usage error (exit 1), not a data error.
        DateTime? from;
        DateTime? to;
        double threshold;
        int top;
        string? chartFolder = options.TryGetValue("--out", out string? chartPath) ? Path.GetDirectoryName(Path.GetFullPath(chartPath)) : null;
        try
        {
            from = Date(options, "--from");
            to = Date(options, "--to");
            threshold = options.TryGetValue("--threshold", out string? t) ? Positive(t, "--threshold", double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double z) && z > 0, z) : 3.5;
            top = options.TryGetValue("--top", out string? n) ? Positive(n, "--top", int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out int c) && c > 0, c) : 10;
        }
        catch (ArgumentException ex)
        {
            return UsageError(ex.Message);
        }

        if (from >= to)
        {
            return UsageError(string.Create(CultureInfo.InvariantCulture, $"The period --from {from:yyyy-MM-dd} --to {to:yyyy-MM-dd} is empty: --to is the day after the period, so it must come after --from."));
        }

        if (chartFolder is not null && !Directory.Exists(chartFolder))
        {
            // Not created: a mistyped path would otherwise leave new folders anywhere, even at the filesystem root.
            return UsageError($"--out '{chartPath}': the folder {chartFolder} does not exist; create it first, or write the chart elsewhere.");
        }

        Bdg2Dataset dataset = Bdg2Dataset.Open(options.GetValueOrDefault("--data") ?? DefaultDataFolder());
        Bdg2Building building = dataset.Metadata.GetBuilding(args[2]);
        MeterType meter = options.TryGetValue("--meter", out string? name) ? MeterTypes.Parse(name) : DefaultMeter(dataset, building, !raw);
        switch (args[1])
        {
            case "summary":
                MeterSeries series = dataset.ReadMeter(building.BuildingId, meter, !raw);
                ConsumptionSummary summary = ConsumptionSummary.Compute(series, from, to);
                if (summary.Hours == 0)
                {
                    System.Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{building.BuildingId} {MeterTypes.Name(meter)} has no hours from {from?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "its start"} to {to?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "its end"}; its file covers {Span(series)}."));
                    return ExitCodes.NotHealthyOrDataError;
                }

                WriteSummary(summary, building);
                return 0;
            case "profile":
                LoadProfile profile = LoadProfile.Compute(dataset.ReadMeter(building.BuildingId, meter, !raw));
                string chart = options.GetValueOrDefault("--out") ?? $"{building.BuildingId}-{MeterTypes.Name(meter)}-profile.png";
                WriteProfile(profile);
                Bdg2Chart.SaveProfile(profile, chart);
                System.Console.WriteLine($"Chart: {Path.GetFullPath(chart)}");
                return 0;
            case "anomalies":
                WriteAnomalies(AnomalyReport.Detect(dataset.ReadMeter(building.BuildingId, meter, !raw), threshold, top));
                return 0;
            default:
                WriteBenchmark(dataset, building, meter, !raw);
                return 0;
        }
    }

    private static async Task<int> AskAsync(string[] args)
    {
        int at = Array.IndexOf(args, "--bdg2");
        if (at + 1 >= args.Length)
        {
            return UsageError("--bdg2 needs a folder.");
        }

        Bdg2Dataset dataset = Bdg2Dataset.Open(args[at + 1]);
        string[] rest = [.. args[..at], .. args[(at + 2)..]];
        if (!CommandLine.TryParse(rest, out CommandLine? command, out string? error))
        {
            System.Console.Error.WriteLine(error);
            System.Console.Error.WriteLine(CommandLine.Usage);
            return 1;
        }

        IConfiguration configuration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .Build();
        ServiceCollection services = new();

        // The tools run above the router, so every tool result is in the messages the router profiles; the metadata's
        // building ids, sites and coordinates are found in prompts too.
        services.AddEaioHybridChat(configuration.GetSection("Eaio")).UseFunctionInvocation();
        services.AddEaioAnthropic();
        services.AddSingleton<ISensitiveDataDetector>(new BuildingRegistryDetector(dataset.Metadata.ToBuildingRegistry()));
        await using ServiceProvider provider = services.BuildServiceProvider();
        IChatClient chat = provider.GetRequiredService<IChatClient>();
        ChatOptions options = new ChatOptions().WithEaio(command.Profile);
        options.Tools = [.. new Bdg2Tools(dataset).Create()];
        try
        {
            ChatResponse response = await chat.GetResponseAsync([new ChatMessage(ChatRole.User, command.Question)], options);
            System.Console.WriteLine(response.Text);
            foreach (FunctionCallContent call in response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>())
            {
                System.Console.WriteLine($"  tool: {call.Name}");
            }

            if (response.GetRouteDecision() is { } decision)
            {
                Output.WriteDecision(decision);
            }

            return 0;
        }
        catch (NoRouteAvailableException ex)
        {
            System.Console.Error.WriteLine($"No route could answer: {ex.Message}");
            return 2;
        }
        catch (IncompleteStreamException ex)
        {
            System.Console.Error.WriteLine(ex.Message);
            return 2;
        }
    }

    private static int UsageError(string message)
    {
        System.Console.Error.WriteLine(message);
        System.Console.Error.WriteLine(Usage);
        return 1;
    }

    private static string DefaultDataFolder()
    {
        // From the working directory (dotnet run in the repository) or the program's folder, up to the repository root.
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (DirectoryInfo? d = new(start); d is not null; d = d.Parent)
            {
                string candidate = Path.Combine(d.FullName, "data", "bdg2");
                if (File.Exists(Path.Combine(candidate, "metadata.csv")))
                {
                    return candidate;
                }
            }
        }

        throw new DirectoryNotFoundException("No data/bdg2 folder was found above the working directory; give one with --data <folder>.");
    }

    private static MeterType DefaultMeter(Bdg2Dataset dataset, Bdg2Building building, bool cleaned)
    {
        foreach (MeterType meter in building.Meters)
        {
            try
            {
                dataset.OpenMeterFile(meter, cleaned);
                return meter;
            }
            catch (FileNotFoundException)
            {
                // This meter's file is not in the folder: try the building's next meter.
            }
        }

        throw new ArgumentException($"None of the meters of '{building.BuildingId}' ({string.Join(", ", building.Meters.Select(MeterTypes.Name))}) has a {(cleaned ? "cleaned" : "raw")} file in {dataset.Folder}.");
    }

    private static T Positive<T>(string text, string name, bool valid, T value) =>
        valid ? value : throw new ArgumentException($"{name} '{text}' is not valid: expected a number greater than 0.");

    private static string Span(MeterSeries series) =>
        series.Count == 0
            ? "no hours at all"
            : string.Create(CultureInfo.InvariantCulture, $"{series.Timestamps[0]:yyyy-MM-dd HH:mm} to {series.Timestamps[^1]:yyyy-MM-dd HH:mm} local");

    private static DateTime? Date(Dictionary<string, string> options, string name)
    {
        if (!options.TryGetValue(name, out string? text))
        {
            return null;
        }

        return DateTime.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTime date)
            ? date
            : throw new ArgumentException($"{name} '{text}' is not a date; expected yyyy-MM-dd.");
    }

    private static void WriteSummary(ConsumptionSummary s, Bdg2Building building)
    {
        System.Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{s.BuildingId} {MeterTypes.Name(s.Meter)} ({building.PrimarySpaceUsage ?? "no primary use"}, {building.SquareMetres:0.#} m², {building.TimeZone.Id}), {s.From:yyyy-MM-dd HH:mm} to {s.To:yyyy-MM-dd HH:mm} local"));
        System.Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  total      {s.Total:0.###} {s.Unit}"));
        System.Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  mean       {s.MeanPerHour:0.###} {s.Unit}/h"));
        System.Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  peak       {s.Peak:0.###} {s.Unit}/h at {s.PeakAt:yyyy-MM-dd HH:mm}"));
        System.Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  load factor {s.LoadFactor:0.000}"));
        System.Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  hours      {s.PresentHours} of {s.Hours} with a reading ({s.MissingShare:P1} missing)"));
    }

    private static void WriteProfile(LoadProfile p)
    {
        System.Console.WriteLine($"{p.BuildingId} {MeterTypes.Name(p.Meter)}: mean {p.Unit}/h by local hour");
        System.Console.WriteLine("  hour  all days  weekdays  weekends");
        for (int h = 0; h < 24; h++)
        {
            System.Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {h,4}  {p.AllDays[h],8:0.###}  {p.Weekdays[h],8:0.###}  {p.Weekends[h],8:0.###}"));
        }

        System.Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  peak hour {p.PeakHour}, weekend/weekday ratio {p.WeekendToWeekdayRatio:0.000}"));
    }

    private static void WriteAnomalies(AnomalyReport r)
    {
        System.Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{r.BuildingId} {MeterTypes.Name(r.Meter)}: {r.AnomalyCount} of {r.CheckedHours} checked hours beyond robust z {r.Threshold} (baseline: same hour of the week)"));
        if (r.CheckedHours == 0)
        {
            System.Console.WriteLine("  No hour had a baseline: each hour of the week needs 8 readings with some spread, so at least 8 weeks of data.");
        }

        foreach (MeterAnomaly a in r.Anomalies)
        {
            System.Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {a.Timestamp:yyyy-MM-dd HH:mm} {a.Timestamp:ddd}  {a.Value,10:0.###} {r.Unit}  baseline {a.BaselineMedian,10:0.###}  z {a.RobustZ,7:0.0}"));
        }
    }

    private static void WriteBenchmark(Bdg2Dataset dataset, Bdg2Building building, MeterType meter, bool cleaned)
    {
        BuildingEui[] euis = [.. dataset.ComputeAllEui(meter, cleaned)
            .Where(e => e.KilowattHoursPerSquareMetreYear is not null)
            .Select(e => new BuildingEui(e.BuildingId, dataset.Metadata.GetBuilding(e.BuildingId).PrimarySpaceUsage, e.KilowattHoursPerSquareMetreYear!.Value))];
        EuiBenchmark b = EuiBenchmark.Compute(building.BuildingId, meter, euis);
        PeerGroupStatistics g = b.Group;
        System.Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{b.BuildingId} {MeterTypes.Name(meter)} EUI {b.KilowattHoursPerSquareMetreYear:0.##} kWh/m²/year"));
        System.Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  percentile {b.Percentile:0.#} among {g.BuildingCount} '{g.PrimarySpaceUsage}' buildings (median {g.Median:0.##}, quartiles {g.LowerQuartile:0.##}–{g.UpperQuartile:0.##})"));
    }
}
