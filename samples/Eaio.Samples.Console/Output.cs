using System.Globalization;
using Eaio.Routing;
using Spectre.Console;

namespace Eaio.Samples.Console;

/// <summary>Prints plans and route decisions.</summary>
internal static class Output
{
    public static void WritePlan(RoutePlan plan)
    {
        ResolvedRequestProfile p = plan.Profile;
        AnsiConsole.MarkupLine(CultureInfo.InvariantCulture,
            "[bold]Profile[/]: privacy {0}, sensitivity {1}, complexity {2:0.00}, domain {3}, workload {4}, urgency {5}, cost sensitivity {6}",
            p.Privacy.ToString().ToUpperInvariant(), p.Sensitivity.ToString().ToUpperInvariant(), p.Complexity, p.Domain, p.Workload, p.Urgency, p.CostSensitivity);
        foreach (string note in p.Notes)
        {
            AnsiConsole.MarkupLine($"  [grey]{Markup.Escape(note)}[/]");
        }

        Table routes = new Table().AddColumns("#", "Route", "Tier", "Estimate (USD)", "Why");
        for (int i = 0; i < plan.Routes.Count; i++)
        {
            PlannedRoute r = plan.Routes[i];
            routes.AddRow(
                (i + 1).ToString(CultureInfo.InvariantCulture),
                Markup.Escape($"{r.Provider}/{r.Model}"),
                r.Tier.ToString(),
                r.EstimatedCostUsd.ToString("0.######", CultureInfo.InvariantCulture),
                Markup.Escape(string.Join("; ", r.Reasons)));
        }

        AnsiConsole.Write(routes);
        if (plan.Exclusions.Count > 0)
        {
            Table excluded = new Table().AddColumns("Excluded", "Why");
            foreach (RouteExclusion e in plan.Exclusions)
            {
                excluded.AddRow(Markup.Escape(e.Provider), Markup.Escape(e.Reason));
            }

            AnsiConsole.Write(excluded);
        }

        if (plan.IsEmpty)
        {
            AnsiConsole.MarkupLine($"[red]No route is allowed.[/] {Markup.Escape(plan.Advice)}");
        }
    }

    /// <summary>Prints, in plain lines a script can read, the health checks the plan was made with.</summary>
    public static void WriteChecks(IReadOnlyList<ProviderHealth> checks)
    {
        System.Console.WriteLine("Planned after these health checks:");
        foreach (ProviderHealth check in checks)
        {
            System.Console.WriteLine($"  {check.Provider}: {check.Status.ToString().ToLowerInvariant()} - {check.Description}");
        }
    }

    /// <summary>One paragraph for an answer that stopped after part of it was shown: which provider, after how much, and why.</summary>
    public static string DescribeCutShort(RouteDecision decision, int shown, Exception ex)
    {
        string what = ex switch
        {
            TimeoutException => $"it stalled and hit its time limit ({ex.Message.TrimEnd('.')})",
            IncompleteStreamException { InnerException: IOException or HttpRequestException } cut => $"the connection was cut ({cut.InnerException!.Message.TrimEnd('.')})",
            IncompleteStreamException => "the stream ended without its final chunk",
            IOException or HttpRequestException => $"the connection was cut ({ex.Message.TrimEnd('.')})",
            _ => $"the stream failed with {ex.GetType().Name} ({ex.Message.TrimEnd('.')})",
        };
        return string.Create(CultureInfo.InvariantCulture,
            $"The answer from {decision.Provider}/{decision.Model} stopped after {shown} characters: {what}. The text above is incomplete and nothing was retried (a route that has shown output is never failed over); ask again, or check the provider.");
    }

    public static void WriteDecision(RouteDecision decision)
    {
        AnsiConsole.MarkupLine($"[bold]Route[/]: {Markup.Escape(decision.Provider)}/{Markup.Escape(decision.Model)} ({decision.Tier}) - {Markup.Escape(string.Join("; ", decision.Reasons))}");
        if (decision.TimeToFirstToken is { } ttft)
        {
            AnsiConsole.MarkupLine(CultureInfo.InvariantCulture, "  time to first token: {0:0} ms", ttft.TotalMilliseconds);
        }

        foreach (RouteAttempt attempt in decision.Attempts)
        {
            AnsiConsole.MarkupLine($"  attempt: {Markup.Escape(attempt.ToString())}");
        }
    }
}
