using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Eaio.Routing;

/// <summary>The optimisation report for a period: per provider and model the figures, the targets they meet or miss, and
/// recommendations with estimated monthly savings. Made by <see cref="OptimizationReporter"/>.</summary>
public sealed record OptimizationReport
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>Gets the period's start, included.</summary>
    public required DateTimeOffset Since { get; init; }

    /// <summary>Gets the period's end, excluded.</summary>
    public required DateTimeOffset Until { get; init; }

    /// <summary>Gets the number of attempts logged in the period.</summary>
    public required int Requests { get; init; }

    /// <summary>Gets the period's cost in US dollars.</summary>
    public required decimal CostUsd { get; init; }

    /// <summary>Gets the figures per provider and model, ordered by provider, then model.</summary>
    public required IReadOnlyList<ProviderModelStatistics> Models { get; init; }

    /// <summary>Gets, per request category, the answered requests and their scores by tier (local, external), most requests
    /// first; entries without a category (calls the router did not plan, or logged before categories were) are left out.</summary>
    public IReadOnlyList<CategoryAcceptance> Categories { get; init; } = [];

    /// <summary>Gets every target checked.</summary>
    public required IReadOnlyList<TargetCheck> Checks { get; init; }

    /// <summary>Gets the recommendations, largest saving first.</summary>
    public required IReadOnlyList<Recommendation> Recommendations { get; init; }

    /// <summary>Gets what the reader should know about the figures, for example that the period reaches further back than
    /// the request log keeps entries; empty when there is nothing to say.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>Gets the report as indented JSON (camelCase names, enums as strings).</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson() => JsonSerializer.Serialize(this, s_json);

    /// <summary>Gets the report as Markdown: a table of the models, the missed targets, and the recommendations.</summary>
    /// <returns>The Markdown text.</returns>
    public string ToMarkdown()
    {
        CultureInfo c = CultureInfo.InvariantCulture;
        StringBuilder md = new();
        md.Append(c, $"# Optimisation report {Since:yyyy-MM-dd} to {Until:yyyy-MM-dd}").AppendLine().AppendLine();
        md.Append(c, $"{Requests} requests, ${CostUsd:0.00}.").AppendLine().AppendLine();
        foreach (string note in Notes)
        {
            md.Append("> ").AppendLine(note).AppendLine();
        }

        md.AppendLine("| Provider | Model | Requests | Mean ms | p50 ms | p95 ms | p50 TTFT ms | p95 TTFT ms | Error rate | Cost | Quality |");
        md.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (ProviderModelStatistics m in Models)
        {
            md.Append(c, $"| {m.Provider} | {m.Model} | {m.Requests} | {Ms(m.MeanLatencyMs)} | {Ms(m.P50LatencyMs)} | {Ms(m.P95LatencyMs)} | ")
              .Append(c, $"{Ms(m.P50TimeToFirstTokenMs)} | {Ms(m.P95TimeToFirstTokenMs)} | {m.ErrorRate:0.00%} | ${m.CostUsd:0.00} | {(m.MeanQuality is { } q ? q.ToString("0.00", c) : "–")} |")
              .AppendLine();
        }

        if (Categories.Count > 0)
        {
            md.AppendLine().AppendLine("## Acceptance by category").AppendLine();
            md.AppendLine("Mean score of the scored answers (with scores of 1 and 0, the acceptance rate), by the tier that answered.").AppendLine();
            md.AppendLine("| Category | Requests | Scored | Local requests | Local scored | Local mean score | External requests | External scored | External mean score |");
            md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (CategoryAcceptance a in Categories)
            {
                md.Append(c, $"| {a.Category} | {a.Requests} | {a.Scored} | {a.LocalRequests} | {a.LocalScored} | {Score(a.LocalMeanScore)} | ")
                  .Append(c, $"{a.ExternalRequests} | {a.ExternalScored} | {Score(a.ExternalMeanScore)} |")
                  .AppendLine();
            }
        }

        md.AppendLine().AppendLine("## Targets").AppendLine();
        List<TargetCheck> missed = [.. Checks.Where(x => !x.Met)];
        md.Append(c, $"{Checks.Count - missed.Count} of {Checks.Count} met.").AppendLine();
        foreach (TargetCheck check in missed)
        {
            md.Append(c, $"- **missed** {check.Provider}/{check.Model}: {check.Metric} {check.FormattedActual} (target {check.Target})").AppendLine();
        }

        md.AppendLine().AppendLine("## Recommendations").AppendLine();
        if (Recommendations.Count == 0)
        {
            md.AppendLine("None.");
        }

        foreach (Recommendation recommendation in Recommendations)
        {
            md.Append("- ").AppendLine(recommendation.Text);
        }

        return md.ToString();

        static string Ms(double? value) => value is { } v ? v.ToString("0", CultureInfo.InvariantCulture) : "–";
        static string Score(double? value) => value is { } v ? v.ToString("0.00", CultureInfo.InvariantCulture) : "–";
    }
}
