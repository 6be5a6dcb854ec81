using System.Globalization;
using Eaio.Routing;

namespace Eaio.Samples.Console;

/// <summary><c>audit verify</c> and <c>audit tail</c>.</summary>
internal static class AuditCommands
{
    public static async Task<int> RunAsync(CommandLine command, IAuditLog? audit)
    {
        if (audit is null)
        {
            System.Console.Error.WriteLine("The audit log is off (AUDIT_ALL_API_CALLS=false).");
            return ExitCodes.Usage;
        }

        string where = audit is SqliteAuditLog sqlite ? sqlite.Path : audit.GetType().Name;
        if (command.Verb == "audit verify")
        {
            AuditVerification result = command.Checkpoint is { } checkpoint ? await audit.VerifyAsync(checkpoint) : await audit.VerifyAsync();
            if (result.IsValid)
            {
                System.Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{where}: {result.RecordsChecked} records, {(result.IsKeyed ? "keyed " : string.Empty)}hash chain intact{(command.Checkpoint is null ? string.Empty : $", record {command.Checkpoint.Sequence} as the checkpoint saw it")}."));
                if (result.Warning is { } warning)
                {
                    System.Console.WriteLine($"note: {warning}.");
                }

                if (result.Head is { } head)
                {
                    // The chain proves order and integrity, not completeness: a checkpoint kept elsewhere shows a cut or rewritten end.
                    System.Console.WriteLine($"checkpoint (keep it outside this database, verify with it later): {head}");
                }

                return 0;
            }

            System.Console.Error.WriteLine($"{where}: the hash chain is broken at record {result.FirstBadSequence}: {result.Problem}.");
            if (result.Warning is { } note)
            {
                System.Console.Error.WriteLine($"note: {note}.");
            }

            return ExitCodes.AuditBroken;
        }

        Queue<AuditRecord> last = new(command.Count);
        await foreach (AuditRecord record in audit.ReadAllAsync())
        {
            if (last.Count == command.Count)
            {
                last.Dequeue();
            }

            last.Enqueue(record);
        }

        foreach (AuditRecord r in last)
        {
            AuditEntry e = r.Entry;
            System.Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"#{r.Sequence} {e.Timestamp:u} {e.Provider}/{e.Model} {e.Outcome} privacy {e.Privacy} sensitivity {e.Sensitivity} tokens {e.InputTokens}/{e.OutputTokens} ${e.CostUsd:0.######} {e.LatencyMs:0} ms entities [{string.Join(", ", e.EntityCounts.Select(c => $"{c.Key}={c.Value}"))}] hmac {e.PayloadHmac[..12]}…"));
        }

        if (last.Count == 0)
        {
            System.Console.WriteLine($"{where}: no records yet.");
        }

        return 0;
    }
}
