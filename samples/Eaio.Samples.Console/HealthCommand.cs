using Eaio.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Spectre.Console;

namespace Eaio.Samples.Console;

/// <summary><c>health</c>: each provider's health (Ollama reachable with its default model pulled, API keys, circuit state).</summary>
internal static class HealthCommand
{
    /// <summary>The exit code when a registered health check is not healthy.</summary>
    public const int NotHealthy = 5;

    public static async Task<int> RunAsync(IServiceProvider services)
    {
        // The registered checks decide the exit code, as a host's /health endpoint would; the table shows every provider.
        HealthReport report = await services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        IReadOnlyList<ProviderHealth> providers = await services.GetRequiredService<ProviderHealthMonitor>().GetHealthAsync();

        Table table = new Table().AddColumns("Provider", "Tier", "Status", "Circuit", "Checked");
        foreach (ProviderHealth health in providers)
        {
            table.AddRow(
                Markup.Escape(health.Provider),
                health.Tier.ToString(),
                health.Status switch
                {
                    HealthStatus.Healthy => "[green]healthy[/]",
                    HealthStatus.Degraded => "[yellow]degraded[/]",
                    _ => "[red]unhealthy[/]",
                },
                Markup.Escape(health.Circuit ?? "–"),
                health.CheckedAt.ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture));
        }

        AnsiConsole.Write(table);

        // Plain lines, not table cells: the reasons must stay whole for people and scripts, whatever the console width.
        foreach (ProviderHealth health in providers)
        {
            System.Console.WriteLine($"{health.Provider}: {health.Description}");
        }

        System.Console.WriteLine($"Health checks: {report.Status} ({string.Join(", ", report.Entries.Select(e => $"{e.Key} {e.Value.Status}"))})");
        return report.Status == HealthStatus.Healthy ? 0 : NotHealthy;
    }
}
