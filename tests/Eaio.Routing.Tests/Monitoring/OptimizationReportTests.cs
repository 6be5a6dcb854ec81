using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>The optimisation report over a seeded request log: every figure is worked out by hand in the comments.</summary>
[CancelAfter(30_000)]
public sealed class OptimizationReportTests
{
    private static readonly DateTimeOffset s_since = new(2026, 10, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset s_until = s_since.AddDays(30);
    private string _folder = string.Empty;

    [SetUp]
    public void CreateFolder() => _folder = Path.Combine(Path.GetTempPath(), "eaio-tests", "report-" + Guid.NewGuid().ToString("N"));

    [TearDown]
    public void RemoveFolder()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private PostgresDatabase? _postgres;
    private PostgresStore? _store;

    [TearDown]
    public async Task DropPostgres()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
            _store = null;
        }

        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
            _postgres = null;
        }
    }

    [TestCase("memory")]
    [TestCase("sqlite")]
    [TestCase("postgres")]
    public async Task Figures_checks_and_savings_equal_the_hand_computed_values(string kind)
    {
        IRequestLog log = await SeedAsync(kind);
        try
        {
            OptimizationReport report = await new OptimizationReporter(log).CreateAsync(s_since, s_until);

            Assert.That(report.Requests, Is.EqualTo(17), "12 gpt-4o + 5 llama rows; the row before the period is left out");
            Assert.That(report.CostUsd, Is.EqualTo(0.075m), "10 successes x $0.0075");
            Assert.That(report.Models.Select(m => $"{m.Provider}/{m.Model}"), Is.EqualTo(new[] { "ollama/llama3.2:3b", "openai/gpt-4o" }));

            ProviderModelStatistics gpt = report.Models.Single(m => m.Model == "gpt-4o");
            Assert.Multiple(() =>
            {
                Assert.That((gpt.Requests, gpt.Succeeded, gpt.Failed, gpt.Unavailable, gpt.Blocked, gpt.Cancelled), Is.EqualTo((12, 10, 0, 1, 1, 0)));
                Assert.That(gpt.MeanLatencyMs, Is.EqualTo(550), "(100 + 200 + ... + 1000) / 10");
                Assert.That(gpt.P50LatencyMs, Is.EqualTo(500), "nearest rank: ceil(0.5 x 10) = 5th");
                Assert.That(gpt.P95LatencyMs, Is.EqualTo(1000), "ceil(0.95 x 10) = 10th");
                Assert.That(gpt.MeanTimeToFirstTokenMs, Is.EqualTo(80), "(50 + 70 + 90 + 110) / 4");
                Assert.That(gpt.P50TimeToFirstTokenMs, Is.EqualTo(70), "ceil(0.5 x 4) = 2nd");
                Assert.That(gpt.P95TimeToFirstTokenMs, Is.EqualTo(110), "ceil(0.95 x 4) = 4th");
                Assert.That(gpt.ErrorRate, Is.EqualTo(1.0 / 11), "1 unavailable of 11 counted (the blocked one is not the provider's fault)");
                Assert.That(gpt.Availability, Is.EqualTo(10.0 / 11));
                Assert.That(gpt.CostUsd, Is.EqualTo(0.075m));
                Assert.That((gpt.InputTokens, gpt.OutputTokens), Is.EqualTo((10_000L, 5_000L)));
                Assert.That(gpt.MeanQuality, Is.EqualTo(0.7).Within(1e-12), "(0.8 + 0.6) / 2");
                Assert.That(gpt.Rated, Is.EqualTo(2));
                Assert.That(gpt.RateLimitUtilization, Is.EqualTo(0.85), "ceil(0.95 x 12) = 12th of eleven 0.5 and one 0.85");
            });

            ProviderModelStatistics llama = report.Models.Single(m => m.Model == "llama3.2:3b");
            Assert.Multiple(() =>
            {
                Assert.That((llama.Requests, llama.Succeeded, llama.Cancelled), Is.EqualTo((5, 4, 1)));
                Assert.That(llama.MeanLatencyMs, Is.EqualTo(500), "(200 + 400 + 600 + 800) / 4");
                Assert.That(llama.P50LatencyMs, Is.EqualTo(400));
                Assert.That(llama.P95LatencyMs, Is.EqualTo(800));
                Assert.That(llama.ErrorRate, Is.Zero, "a cancelled request is not an error");
                Assert.That(llama.TokensPerSecond, Is.EqualTo(50), "(10 + 20 + 30 + 40) tokens / 2.0 s");
                Assert.That(llama.CostUsd, Is.Zero);
            });

            Assert.That(
                report.Checks.Where(c => !c.Met).Select(c => $"{c.Model} {c.Metric}"),
                Is.EquivalentTo(new[] { "gpt-4o error rate", "gpt-4o availability", "gpt-4o rate-limit utilisation (p95)", "llama3.2:3b p95 latency" }));
            Assert.That(
                report.Checks.Where(c => c.Met).Select(c => $"{c.Model} {c.Metric}"),
                Is.EquivalentTo(new[] { "gpt-4o p95 latency", "llama3.2:3b error rate", "llama3.2:3b throughput (tokens/s)" }));

            // Route locally: 4 of 10 successes had complexity < 0.5, costing 4 x $0.0075 = $0.03 in a 30-day period.
            // Cheaper model: the 3 moderate ones (0.6, 0.7, 0.8) cost $0.0225; at gpt-4o-mini (0.15 in, 0.60 out per million)
            // their 3,000 input and 1,500 output tokens cost 0.00045 + 0.0009 = $0.00135: a saving of $0.02115.
            Assert.That(report.Recommendations.Select(r => (r.Kind, r.EstimatedMonthlySavingsUsd)).Take(2), Is.EqualTo(new[]
            {
                (RecommendationKind.RouteLocally, 0.03m),
                (RecommendationKind.CheaperModel, 0.02115m),
            }));
            Assert.That(report.Recommendations[0].Text, Is.EqualTo("40% of openai/gpt-4o requests had complexity < 0.5; routing them to ollama/qwen2.5:7b would save $0.03 a month."));
            Assert.That(report.Recommendations[1].Text, Does.Contain("serving them with openai/gpt-4o-mini would save $0.02 a month"));
            Assert.That(report.Recommendations.Count(r => r.Kind == RecommendationKind.Performance), Is.EqualTo(4), "one per missed target");

            string markdown = report.ToMarkdown();
            Assert.That(markdown, Does.Contain("| openai | gpt-4o | 12 | 550 | 500 | 1000 | 70 | 110 | 9.09% | $0.08 | 0.70 |"));
            Assert.That(markdown, Does.Contain("3 of 7 met."));
            Assert.That(markdown, Does.Contain(report.Recommendations[0].Text));

            using JsonDocument json = JsonDocument.Parse(report.ToJson());
            JsonElement first = json.RootElement.GetProperty("recommendations")[0];
            Assert.That(first.GetProperty("kind").GetString(), Is.EqualTo("routeLocally"));
            Assert.That(first.GetProperty("estimatedMonthlySavingsUsd").GetDecimal(), Is.EqualTo(0.03m));
            Assert.That(json.RootElement.GetProperty("models")[1].GetProperty("p95LatencyMs").GetDouble(), Is.EqualTo(1000));
        }
        finally
        {
            if (log is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync();
            }
        }
    }

    [TestCase("memory")]
    [TestCase("sqlite")]
    [TestCase("postgres")]
    public async Task Acceptance_by_category_counts_answered_requests_and_mean_scores_by_tier(string kind)
    {
        RequestLogEntry Answer(string category, ProviderTier tier, int hour, double? score) =>
            Row(tier == ProviderTier.Local ? "ollama" : "openai", tier == ProviderTier.Local ? "qwen2.5:7b" : "gpt-4o", tier, s_since.AddHours(hour), RequestOutcome.Succeeded, 100)
                with { Category = category, QualityScore = score, ResponseId = "r" + hour.ToString(System.Globalization.CultureInfo.InvariantCulture) };

        List<RequestLogEntry> rows =
        [
            Answer("meter-summary", ProviderTier.Local, 1, 1),
            Answer("meter-summary", ProviderTier.Local, 2, 0),
            Answer("meter-summary", ProviderTier.Local, 3, null),
            Answer("meter-summary", ProviderTier.External, 4, 1),
            Answer("meter-summary", ProviderTier.External, 5, 0.5),
            Answer("code", ProviderTier.Local, 6, 0.25),

            // Not answers of a category in the period: a failed attempt (its request was failed over), an answer before the
            // period, and an answer without a category (a call the router did not plan).
            Row("ollama", "qwen2.5:7b", ProviderTier.Local, s_since.AddHours(7), RequestOutcome.Failed, 100) with { Category = "meter-summary" },
            Answer("meter-summary", ProviderTier.External, -1, 0),
            Answer("meter-summary", ProviderTier.Local, 8, 0) with { Category = null },
        ];
        IRequestLog log = await StoreAsync(kind, rows);
        try
        {
            OptimizationReport report = await new OptimizationReporter(log).CreateAsync(s_since, s_until);

            // meter-summary: local 3 answers, 2 scored (1 + 0) / 2 = 0.5; external 2 answers, both scored (1 + 0.5) / 2 = 0.75.
            Assert.That(report.Categories, Is.EqualTo(new[]
            {
                new CategoryAcceptance { Category = "meter-summary", LocalRequests = 3, LocalScored = 2, LocalMeanScore = 0.5, ExternalRequests = 2, ExternalScored = 2, ExternalMeanScore = 0.75 },
                new CategoryAcceptance { Category = "code", LocalRequests = 1, LocalScored = 1, LocalMeanScore = 0.25, ExternalRequests = 0, ExternalScored = 0 },
            }));

            string markdown = report.ToMarkdown();
            Assert.That(markdown, Does.Contain("## Acceptance by category"));
            Assert.That(markdown, Does.Contain("| meter-summary | 5 | 4 | 3 | 2 | 0.50 | 2 | 2 | 0.75 |"));
            Assert.That(markdown, Does.Contain("| code | 1 | 1 | 1 | 1 | 0.25 | 0 | 0 | – |"));

            using JsonDocument json = JsonDocument.Parse(report.ToJson());
            Assert.That(json.RootElement.GetProperty("categories")[0].GetProperty("externalMeanScore").GetDouble(), Is.EqualTo(0.75));
        }
        finally
        {
            if (log is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync();
            }
        }
    }

    [Test]
    public async Task Savings_are_scaled_to_a_month_and_the_default_period_is_the_last_30_days()
    {
        InMemoryRequestLog log = new();
        log.Record(Row("openai", "gpt-4o", ProviderTier.External, s_since.AddDays(1), RequestOutcome.Succeeded, 100, complexity: 0.2, cost: 0.01m));
        log.Record(Row("openai", "gpt-4o", ProviderTier.External, s_since.AddDays(20), RequestOutcome.Succeeded, 100, complexity: 0.2, cost: 0.01m));

        // A 10-day period holds the first row only: $0.01 x 30 / 10 = $0.03 a month.
        OptimizationReport tenDays = await new OptimizationReporter(log).CreateAsync(s_since, s_since.AddDays(10));
        Assert.That(tenDays.Recommendations.Single(r => r.Kind == RecommendationKind.RouteLocally).EstimatedMonthlySavingsUsd, Is.EqualTo(0.03m));

        // The default period ends now: 30 days back from day 25 starts before both rows.
        FakeTimeProvider time = new(s_since.AddDays(25));
        OptimizationReport recent = await new OptimizationReporter(log, timeProvider: time).CreateAsync();
        Assert.That((recent.Since, recent.Until, recent.Requests), Is.EqualTo((s_since.AddDays(-5), s_since.AddDays(25), 2)));
        Assert.ThrowsAsync<ArgumentException>(() => new OptimizationReporter(log).CreateAsync(s_until, s_since));
    }

    private async Task<IRequestLog> SeedAsync(string kind)
    {
        List<RequestLogEntry> rows = [];
        double[] complexities = [0.1, 0.2, 0.3, 0.4, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0];
        for (int i = 0; i < 10; i++)
        {
            rows.Add(Row("openai", "gpt-4o", ProviderTier.External, s_since.AddHours(i), RequestOutcome.Succeeded, 100 * (i + 1), complexities[i], 0.0075m, 1000, 500) with
            {
                TimeToFirstTokenMs = i < 4 ? 50 + (20 * i) : null,
                QualityScore = i switch { 0 => 0.8, 1 => 0.6, _ => null },
                RateLimitUtilization = 0.5,
            });
        }

        rows.Add(Row("openai", "gpt-4o", ProviderTier.External, s_since.AddHours(11), RequestOutcome.Unavailable, 5000) with { RateLimitUtilization = 0.5 });
        rows.Add(Row("openai", "gpt-4o", ProviderTier.External, s_since.AddHours(12), RequestOutcome.Blocked, 1) with { RateLimitUtilization = 0.85 });
        rows.Add(Row("openai", "gpt-4o", ProviderTier.External, s_since.AddMilliseconds(-1), RequestOutcome.Succeeded, 1, 0.1, 100m));
        for (int i = 0; i < 4; i++)
        {
            rows.Add(Row("ollama", "llama3.2:3b", ProviderTier.Local, s_since.AddDays(2).AddMinutes(i), RequestOutcome.Succeeded, 200 * (i + 1), 0.3, 0m, 20, 10 * (i + 1)));
        }

        rows.Add(Row("ollama", "llama3.2:3b", ProviderTier.Local, s_since.AddDays(3), RequestOutcome.Cancelled, 9000));
        return await StoreAsync(kind, rows);
    }

    private async Task<IRequestLog> StoreAsync(string kind, List<RequestLogEntry> rows)
    {
        if (kind == "memory")
        {
            InMemoryRequestLog memory = new();
            rows.ForEach(memory.Record);
            return memory;
        }

        if (kind == "postgres")
        {
            _postgres = await PostgresDatabase.CreateAsync();
            _store = new PostgresStore(_postgres.ConnectionString);
            PostgresRequestLog shared = new(_store);
            rows.ForEach(shared.Record);
            await shared.FlushAsync();
            return shared;
        }

        SqliteRequestLog sqlite = new(Path.Combine(_folder, "eaio.db"));
        await sqlite.WriteAsync(rows);
        return sqlite;
    }

    private static RequestLogEntry Row(
        string provider, string model, ProviderTier tier, DateTimeOffset at, RequestOutcome outcome, double latencyMs,
        double complexity = 0.5, decimal cost = 0m, long input = 0, long output = 0) => new()
        {
            RequestId = Guid.NewGuid().ToString("N"),
            Timestamp = at,
            Provider = provider,
            Model = model,
            Tier = tier,
            Privacy = PrivacyLevel.Public,
            Complexity = complexity,
            Outcome = outcome,
            LatencyMs = latencyMs,
            CostUsd = cost,
            InputTokens = input,
            OutputTokens = output,
        };
}
