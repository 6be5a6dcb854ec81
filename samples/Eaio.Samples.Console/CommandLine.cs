using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Eaio.Routing;

namespace Eaio.Samples.Console;

/// <summary>The sample's command line: <c>explain|ask "question" [options]</c>.</summary>
internal sealed class CommandLine
{
    public const string Usage = """
        Usage: dotnet run --project samples/Eaio.Samples.Console -- <explain|ask> "<question>" [options]
               dotnet run --project samples/Eaio.Samples.Console -- audit verify [checkpoint] | audit tail [count]
               dotnet run --project samples/Eaio.Samples.Console -- budget [tenant]
               dotnet run --project samples/Eaio.Samples.Console -- report [days] [--markdown|--json]
               dotnet run --project samples/Eaio.Samples.Console -- health
               dotnet run --project samples/Eaio.Samples.Console -- bdg2 summary|profile|anomalies|benchmark <building id> [--data <folder>]
               dotnet run --project samples/Eaio.Samples.Console -- ask "<question>" --bdg2 <folder> [options]
          --privacy private|enhanced|public      privacy level (default: DEFAULT_PRIVACY_LEVEL, PRIVATE)
          --sensitivity public|sensitive|critical
          --domain general|building-data|energy-optimization|technical|analysis|code|creative|multimodal
          --workload interactive|real-time-monitoring|strategic-planning|batch-analysis|emergency-response
          --complexity 0..1                      (default: estimated from the question)
          --urgency normal|high
          --cost-sensitivity low|normal|high
          --building <BDG2 building id>          applies the building's privacy override
          --tenant <tenant id>                   applies the client's privacy override
        explain prints the plan and needs nothing running; ask streams the answer, then the route decision.
        audit verify checks the audit log's hash chain (exit 4 when broken) and prints its head as a checkpoint; given a
        checkpoint printed before, it also finds records deleted from the end or a rewritten end. audit tail prints the last
        records (default 10).
        budget prints the month's budget: spent, reserved, remaining, alert state and when it resets (the host's, or a tenant's).
        report prints the optimisation report over the request log (default: the last 30 days) with targets and recommendations.
        health prints each provider's health; exit 5 when a registered health check is not healthy (for example Ollama unreachable).
        bdg2 runs the energy analyses over BDG2 files (default data/bdg2); ask --bdg2 answers with them as tools (bdg2 with no arguments lists its options).
        """;

    private CommandLine(string verb, string question, RequestProfile profile)
    {
        Verb = verb;
        Question = question;
        Profile = profile;
    }

    public string Verb { get; }

    public string Question { get; }

    public RequestProfile Profile { get; }

    /// <summary>Gets the arguments after the verb of <c>report</c> and <c>health</c>, which parse their own.</summary>
    public IReadOnlyList<string> Arguments { get; private init; } = [];

    /// <summary>Gets the head an earlier <c>audit verify</c> printed, which the log must still contain unchanged.</summary>
    public AuditCheckpoint? Checkpoint { get; private init; }

    /// <summary>Gets how many records <c>audit tail</c> prints.</summary>
    public int Count { get; private init; } = 10;

    public static bool TryParse(string[] args, [NotNullWhen(true)] out CommandLine? command, [NotNullWhen(false)] out string? error)
    {
        command = null;
        if (args.Length >= 2 && args[0] == "audit" && args[1] == "verify")
        {
            AuditCheckpoint? checkpoint = null;
            if (args.Length > 2)
            {
                try
                {
                    checkpoint = AuditCheckpoint.Parse(args[2]);
                }
                catch (FormatException ex)
                {
                    error = $"audit verify: {ex.Message}";
                    return false;
                }
            }

            command = new CommandLine("audit verify", string.Empty, new RequestProfile()) { Checkpoint = checkpoint };
            error = null;
            return true;
        }

        if (args.Length >= 2 && args[0] == "audit" && args[1] == "tail")
        {
            int count = 10;
            if (args.Length > 2 && (!int.TryParse(args[2], NumberStyles.None, CultureInfo.InvariantCulture, out count) || count < 1))
            {
                error = $"audit tail '{args[2]}' is not valid: expected a count of 1 or more.";
                return false;
            }

            command = new CommandLine($"audit {args[1]}", string.Empty, new RequestProfile()) { Count = count };
            error = null;
            return true;
        }

        if (args.Length is 1 or 2 && args[0] == "budget")
        {
            command = new CommandLine("budget", string.Empty, new RequestProfile { TenantId = args.Length == 2 ? args[1] : null });
            error = null;
            return true;
        }

        if (args.Length >= 1 && args[0] is "report" or "health")
        {
            command = new CommandLine(args[0], string.Empty, new RequestProfile()) { Arguments = args[1..] };
            error = null;
            return true;
        }

        if (args.Length < 2 || args[0] is not ("explain" or "ask"))
        {
            error = "Expected a command (explain or ask) and a question, or audit verify|tail, budget, report, health or bdg2.";
            return false;
        }

        RequestProfile profile = new();
        for (int i = 2; i < args.Length; i += 2)
        {
            string name = args[i];
            if (i + 1 >= args.Length)
            {
                error = $"{name} needs a value.";
                return false;
            }

            string value = args[i + 1];
            error = name switch
            {
                "--privacy" => Set<PrivacyLevel>(value, v => profile.Privacy = v, name),
                "--sensitivity" => Set<DataSensitivity>(value, v => profile.Sensitivity = v, name),
                "--domain" => Set<RequestDomain>(value, v => profile.Domain = v, name),
                "--workload" => Set<Workload>(value, v => profile.Workload = v, name),
                "--urgency" => Set<Urgency>(value, v => profile.Urgency = v, name),
                "--cost-sensitivity" => Set<CostSensitivity>(value, v => profile.CostSensitivity = v, name),
                "--complexity" => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double c) && c is >= 0 and <= 1
                    ? Ok(() => profile.Complexity = c)
                    : $"--complexity '{value}' is not valid: expected a number from 0 to 1.",
                "--building" => Ok(() => profile.BuildingId = value),
                "--tenant" => Ok(() => profile.TenantId = value),
                _ => $"Unknown option '{name}'.",
            };
            if (error is not null)
            {
                return false;
            }
        }

        command = new CommandLine(args[0], args[1], profile);
        error = null;
        return true;
    }

    private static string? Ok(Action apply)
    {
        apply();
        return null;
    }

    private static string? Set<T>(string value, Action<T> apply, string name)
        where T : struct, Enum
    {
        string normalized = value.Replace("-", string.Empty, StringComparison.Ordinal);
        if (!char.IsDigit(normalized[0]) && Enum.TryParse(normalized, ignoreCase: true, out T parsed) && Enum.IsDefined(parsed))
        {
            apply(parsed);
            return null;
        }

        string allowed = string.Join(", ", Enum.GetNames<T>().Select(n => string.Concat(n.Select((ch, i) => i > 0 && char.IsUpper(ch) ? "-" + char.ToLowerInvariant(ch) : char.ToLowerInvariant(ch).ToString()))));
        return $"{name} '{value}' is not valid: expected one of {allowed}.";
    }
}
