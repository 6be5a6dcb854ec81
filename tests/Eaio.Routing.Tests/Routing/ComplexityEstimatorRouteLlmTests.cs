using System.Text.Json;
using nietras.SeparatedValues;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>
/// Measures <see cref="ComplexityEstimator"/> as a router on the RouteLLM evaluation data in <c>data/routellm</c>
/// (see the README there): weak model Mixtral-8x7B-Instruct, strong model gpt-4-1106-preview.
/// </summary>
[TestFixture]
public sealed class ComplexityEstimatorRouteLlmTests
{
    private const string WeakModel = "mistralai/Mixtral-8x7B-Instruct-v0.1";
    private const string StrongModel = "gpt-4-1106-preview";

    [Test]
    public void Gsm8k()
    {
        string directory = DataDirectory();
        List<Outcome> all = ReadOutcomes(Path.Combine(directory, "gsm8k_responses.csv"));
        List<Outcome> outcomes = Decontaminate(all, Path.Combine(directory, "gsm8k_contaminated_prompts.jsonl"));

        Report report = Measure("GSM8K", outcomes);

        Assert.Multiple(() =>
        {
            // All 12 contaminated prompts are among the 1,319.
            Assert.That(all, Has.Count.EqualTo(1319));
            Assert.That(report.Prompts, Is.EqualTo(1307));
            Assert.That(report.Auc, Is.GreaterThanOrEqualTo(0.55), "measured 0.570");
            Assert.That(report.Apgr, Is.GreaterThanOrEqualTo(report.RandomApgr + 0.05), "measured 0.566");
            Assert.That(report.Cpt50, Is.LessThan(0.40), "measured 37.1 %; random router: 50 %");
        });
    }

    [Test]
    public void Mmlu18SubjectsPooled()
    {
        List<Outcome> all = ReadMmlu(out int subjects, exclude: null);
        List<Outcome> outcomes = Decontaminate(all, Path.Combine(DataDirectory(), "mmlu_contaminated_prompts.jsonl"));

        Report report = Measure($"MMLU ({subjects} subjects pooled)", outcomes);

        Assert.Multiple(() =>
        {
            // Two of the five contaminated MMLU prompts fall in these 18 subjects; the other three are in subjects left out.
            Assert.That(subjects, Is.EqualTo(18));
            Assert.That(all, Has.Count.EqualTo(2786));
            Assert.That(report.Prompts, Is.EqualTo(2784));
            Assert.That(report.Auc, Is.GreaterThanOrEqualTo(0.54), "measured 0.561");
            Assert.That(report.Apgr, Is.GreaterThanOrEqualTo(report.RandomApgr + 0.08), "measured 0.603");
            Assert.That(report.Cpt50, Is.LessThan(0.33), "measured 29.4 %; random router: 50 %");
        });
    }

    [Test]
    public void Mmlu17SubjectsWithoutHighSchoolMathematics()
    {
        List<Outcome> all = ReadMmlu(out int subjects, exclude: "mmlu_high_school_mathematics.csv");
        List<Outcome> outcomes = Decontaminate(all, Path.Combine(DataDirectory(), "mmlu_contaminated_prompts.jsonl"));

        Report report = Measure($"MMLU ({subjects} subjects pooled, without high_school_mathematics)", outcomes);

        Assert.Multiple(() =>
        {
            Assert.That(subjects, Is.EqualTo(17));
            Assert.That(report.Prompts, Is.EqualTo(2514));
            Assert.That(report.Auc, Is.GreaterThanOrEqualTo(0.55), "measured 0.575");

            // In the source data gpt-4 is right on only 8 of the 270 high-school mathematics prompts (3 %, against 32 %
            // for Mixtral). Without that subject, so that the pooled figure does not rest on it, APGR stays above random.
            Assert.That(report.Apgr, Is.GreaterThanOrEqualTo(report.RandomApgr + 0.04), "measured 0.569");
        });
    }

    private static List<Outcome> ReadMmlu(out int subjects, string? exclude)
    {
        string[] files = Directory.GetFiles(Path.Combine(DataDirectory(), "mmlu"), "mmlu_*.csv")
            .Where(f => Path.GetFileName(f) != exclude)
            .Order(StringComparer.Ordinal)
            .ToArray();
        subjects = files.Length;
        return files.SelectMany(ReadOutcomes).ToList();
    }

    private static Report Measure(string name, List<Outcome> outcomes)
    {
        double[] scores = outcomes.Select(o => ComplexityEstimator.Default.Estimate(o.Prompt)).ToArray();
        bool[] weak = outcomes.Select(o => o.WeakCorrect).ToArray();
        bool[] strong = outcomes.Select(o => o.StrongCorrect).ToArray();
        bool[] weakFailed = weak.Select(w => !w).ToArray();
        bool[] needStrong = outcomes.Select(o => !o.WeakCorrect && o.StrongCorrect).ToArray();

        var report = new Report(
            Prompts: outcomes.Count,
            NeedStrong: outcomes.Count(o => !o.WeakCorrect && o.StrongCorrect) / (double)outcomes.Count,
            WeakAccuracy: weak.Count(w => w) / (double)outcomes.Count,
            StrongAccuracy: strong.Count(s => s) / (double)outcomes.Count,
            Auc: RoutingQualityMetrics.RocAuc(scores, weakFailed),
            Apgr: RoutingQualityMetrics.Apgr(scores, weak, strong),
            Cpt50: RoutingQualityMetrics.Cpt(scores, weak, strong, 0.5),
            RandomApgr: 0,
            RandomAuc: 0,
            RandomCpt50: 0);

        // The random router's figures are measured too rather than assumed: mean over seeded random scorings.
        const int RandomRuns = 200;
        var random = new Random(20240626);
        double randomAuc = 0, randomApgr = 0, randomCpt = 0;
        for (int run = 0; run < RandomRuns; run++)
        {
            double[] noise = scores.Select(_ => random.NextDouble()).ToArray();
            randomAuc += RoutingQualityMetrics.RocAuc(noise, weakFailed) / RandomRuns;
            randomApgr += RoutingQualityMetrics.Apgr(noise, weak, strong) / RandomRuns;
            randomCpt += RoutingQualityMetrics.Cpt(noise, weak, strong, 0.5) / RandomRuns;
        }

        report = report with { RandomAuc = randomAuc, RandomApgr = randomApgr, RandomCpt50 = randomCpt };

        TestContext.Out.WriteLine(
            $"{name}: {report.Prompts} prompts after decontamination, need strong {report.NeedStrong:P1}, "
            + $"weak accuracy {report.WeakAccuracy:P1}, strong accuracy {report.StrongAccuracy:P1}");
        TestContext.Out.WriteLine(
            $"  estimator: AUC {report.Auc:F3}, APGR {report.Apgr:F3} (grid 0..100 % in 10 % steps, 11 points), CPT(50%) {report.Cpt50:P1}; "
            + $"AUC for 'needs strong' {RoutingQualityMetrics.RocAuc(scores, needStrong):F3}");
        TestContext.Out.WriteLine(
            $"  random router ({RandomRuns} runs): AUC {report.RandomAuc:F3}, APGR {report.RandomApgr:F3}, CPT(50%) {report.RandomCpt50:P1}");
        TestContext.Out.WriteLine(
            "  PGR by call %: " + string.Join(", ", RoutingQualityMetrics.CallPercentGrid.Select(p =>
                $"{p}%={RoutingQualityMetrics.Pgr(scores, weak, strong, RoutingQualityMetrics.StrongCalls(p, scores.Length)):F2}")));

        // Sanity of the baseline itself, so that a broken metric cannot make the estimator look good.
        Assert.Multiple(() =>
        {
            Assert.That(report.RandomAuc, Is.EqualTo(0.5).Within(0.01));
            Assert.That(report.RandomApgr, Is.EqualTo(0.5).Within(0.02));
        });

        return report;
    }

    internal static List<Outcome> ReadOutcomes(string path)
    {
        var outcomes = new List<Outcome>();
        using SepReader reader = Sep.New(',').Reader(o => o with { Unescape = true }).FromFile(path);
        foreach (SepReader.Row row in reader)
        {
            outcomes.Add(new Outcome(
                row["prompt"].ToString(),
                bool.Parse(row[WeakModel].Span),
                bool.Parse(row[StrongModel].Span)));
        }

        return outcomes;
    }

    internal static List<Outcome> Decontaminate(IReadOnlyList<Outcome> outcomes, string contaminatedJsonl)
    {
        // Each line pairs a RouteLLM training prompt with the evaluation prompt it leaks ("eval_prompt").
        var contaminated = new HashSet<string>(StringComparer.Ordinal);
        foreach (string line in File.ReadLines(contaminatedJsonl))
        {
            if (line.Length > 0)
            {
                using var document = JsonDocument.Parse(line);
                contaminated.Add(document.RootElement.GetProperty("eval_prompt").GetString()!);
            }
        }

        return outcomes.Where(o => !contaminated.Contains(o.Prompt)).ToList();
    }

    private static string DataDirectory() => RepositoryPaths.Data("routellm");

    internal sealed record Outcome(string Prompt, bool WeakCorrect, bool StrongCorrect);

    private sealed record Report(
        int Prompts,
        double NeedStrong,
        double WeakAccuracy,
        double StrongAccuracy,
        double Auc,
        double Apgr,
        double Cpt50,
        double RandomAuc,
        double RandomApgr,
        double RandomCpt50);
}
