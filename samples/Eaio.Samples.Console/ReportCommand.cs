using System.Globalization;
using Eaio.Routing;
using Spectre.Console;

namespace Eaio.Samples.Console;

/// <summary><c>report [days] [--markdown|--json]</c>: the optimisation report over the request log, as tables with a bar chart.</summary>
internal static class ReportCommand
{
    public static async Task<int> RunAsync(IRequestLog log, EaioHybridChatOptions options, IReadOnlyList<string> arguments)
    {
        int days = 30;
        string format = "table";
        foreach (string argument in arguments)
        {
            if (argument is "--markdown" or "--json")
            {
                format = argument[2..];
            }
            else if (!int.TryParse(argument, NumberStyles.None, CultureInfo.InvariantCulture, out days) || days < 1)
            {
                System.Console.Error.WriteLine($"report '{argument}' is not valid: expected a number of days (1 or more), --markdown or --json.");
                return 1;
            }
        }

        OptimizationReport report = await new OptimizationReporter(log, options).CreateAsync(TimeSpan.FromDays(days));
        string where = log is SqliteRequestLog sqlite ? sqlite.Path : log.GetType().Name;
        switch (format)
        {
            case "json":
                System.Console.WriteLine(report.ToJson());
                return 0;
            case "markdown":
                System.Console.WriteLine(report.ToMarkdown());
                return 0;
        }

        if (report.Requests == 0)
        {
            System.Console.WriteLine($"No requests logged in the last {days} days in {where}.");
            return 0;
        }

        Table models = new Table().AddColumns("Model", "Req", "Mean", "p50", "p95", "TTFT95", "Err", "Cost", "Qual");
        models.Title = new TableTitle(string.Create(CultureInfo.InvariantCulture, $"{report.Since:yyyy-MM-dd} to {report.Until:yyyy-MM-dd} · {report.Requests} requests · ${report.CostUsd:0.00} · times in ms"));
        foreach (ProviderModelStatistics m in report.Models)
        {
            models.AddRow(
                Markup.Escape($"{m.Provider}/{m.Model}"),
                m.Requests.ToString(CultureInfo.InvariantCulture),
                Ms(m.MeanLatencyMs),
                Ms(m.P50LatencyMs),
                Ms(m.P95LatencyMs),
                Ms(m.P95TimeToFirstTokenMs),
                m.ErrorRate.ToString("0.0%", CultureInfo.InvariantCulture),
                m.CostUsd.ToString("$0.00", CultureInfo.InvariantCulture),
                m.MeanQuality?.ToString("0.00", CultureInfo.InvariantCulture) ?? "–");
        }

        AnsiConsole.Write(models);

        BarChart chart = new BarChart().Label("[bold]p95 latency (ms) by model[/]").Width(70);
        Color[] colours = [Color.Green, Color.Blue, Color.Yellow, Color.Aqua, Color.Fuchsia, Color.Orange1];
        for (int i = 0; i < report.Models.Count; i++)
        {
            ProviderModelStatistics m = report.Models[i];
            chart.AddItem(Markup.Escape($"{m.Provider}/{m.Model}"), Math.Round(m.P95LatencyMs ?? 0), colours[i % colours.Length]);
        }

        AnsiConsole.Write(chart);

        Table checks = new Table().AddColumns("Provider/model", "Target", "Actual", "Met");
        foreach (TargetCheck check in report.Checks)
        {
            checks.AddRow(
                Markup.Escape($"{check.Provider}/{check.Model}"),
                Markup.Escape($"{check.Metric} {check.Target}"),
                check.FormattedActual,
                check.Met ? "[green]yes[/]" : "[red]no[/]");
        }

        AnsiConsole.Write(checks);
        if (report.Categories.Count > 0)
        {
            // Mean score of the scored answers by the tier that answered: with scores of 1 and 0, the acceptance rate.
            Table categories = new Table()
                .AddColumn(new TableColumn("Category").NoWrap())
                .AddColumns("Req", "Scored", "Local req", "Local scored", "Local score", "Ext req", "Ext scored", "Ext score");
            categories.Title = new TableTitle("Acceptance by category (mean score of scored answers)");
            foreach (CategoryAcceptance a in report.Categories)
            {
                categories.AddRow(
                    Markup.Escape(a.Category),
                    a.Requests.ToString(CultureInfo.InvariantCulture),
                    a.Scored.ToString(CultureInfo.InvariantCulture),
                    a.LocalRequests.ToString(CultureInfo.InvariantCulture),
                    a.LocalScored.ToString(CultureInfo.InvariantCulture),
                    Score(a.LocalMeanScore),
                    a.ExternalRequests.ToString(CultureInfo.InvariantCulture),
                    a.ExternalScored.ToString(CultureInfo.InvariantCulture),
                    Score(a.ExternalMeanScore));
            }

            AnsiConsole.Write(categories);
        }

        System.Console.WriteLine("Recommendations:");
        foreach (Recommendation recommendation in report.Recommendations)
        {
            System.Console.WriteLine($"  - {recommendation.Text}");
        }

        if (report.Recommendations.Count == 0)
        {
            System.Console.WriteLine("  none");
        }

        System.Console.WriteLine($"Request log: {where}");
        return 0;
    }

    private static string Ms(double? value) => value?.ToString("0", CultureInfo.InvariantCulture) ?? "–";

    private static string Score(double? value) => value?.ToString("0.00", CultureInfo.InvariantCulture) ?? "–";
}
