using System.Globalization;
using Eaio.Routing;
using Spectre.Console;

namespace Eaio.Samples.Console;

/// <summary><c>budget [tenant]</c>: where this month's budget stands.</summary>
internal static class BudgetCommand
{
    public static async Task<int> RunAsync(IBudgetLedger ledger, string? tenant)
    {
        BudgetStatus status = await ledger.GetStatusAsync(tenant);
        string where = ledger is SqliteBudgetLedger sqlite ? sqlite.Path : ledger.GetType().Name;

        Table table = new Table().AddColumn("Budget").AddColumn(new TableColumn("Value").RightAligned());
        table.Title = new TableTitle($"{Markup.Escape(tenant ?? "host")} · {status.Period.Label}");
        table.AddRow("Monthly budget", Usd(status.BudgetUsd));
        table.AddRow("Spent", Usd(status.SpentUsd));
        table.AddRow("Reserved (calls in flight)", Usd(status.ReservedUsd));
        table.AddRow("[bold]Remaining[/]", $"[bold]{Usd(status.RemainingUsd)}[/]");
        table.AddRow("Alert", string.Create(CultureInfo.InvariantCulture, $"at {status.AlertThreshold:P0} spent: {(status.AlertRaised ? "[red]raised[/]" : "not raised")}"));
        table.AddRow("Resets at", status.ResetsAt.ToString("yyyy-MM-dd HH:mm zzz", CultureInfo.InvariantCulture));
        AnsiConsole.Write(table);
        System.Console.WriteLine($"Ledger: {where}");
        return 0;
    }

    private static string Usd(decimal value) => value.ToString("$#,##0.00####", CultureInfo.InvariantCulture);
}
