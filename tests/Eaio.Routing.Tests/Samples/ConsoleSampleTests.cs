using System.Text.RegularExpressions;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>The console sample run as a user runs it: what it prints and the exit codes the README's table lists.</summary>
public sealed class ConsoleSampleTests
{
    private const string Building = "Bobcat_education_Dylan";

    [TestCase("--help")]
    [TestCase("-h")]
    [TestCase("bdg2", "--help")]
    public async Task Help_prints_the_usage_on_standard_output_and_exits_0(params string[] arguments)
    {
        (int exit, string output, string error) = await ConsoleSample.RunAsync(arguments);

        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.Zero, error);
            Assert.That(output, Does.StartWith("Usage:"));
            Assert.That(error, Is.Empty);
        });
    }

    [Test]
    public async Task An_empty_date_range_is_a_usage_error_that_says_why()
    {
        (int exit, string output, string error) = await ConsoleSample.RunAsync(["bdg2", "summary", Building, "--from", "2016-03-01", "--to", "2016-03-01"]);

        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(1));
            Assert.That(output, Is.Empty, "no summary of an empty period");
            Assert.That(error, Does.StartWith("The period --from 2016-03-01 --to 2016-03-01 is empty"));
        });
    }

    [Test]
    public async Task A_period_without_readings_is_a_data_error_that_says_what_the_file_covers()
    {
        (int exit, string output, string error) = await ConsoleSample.RunAsync(["bdg2", "summary", Building, "--from", "2020-03-01"]);

        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(5));
            Assert.That(output, Is.Empty);
            Assert.That(error.Trim(), Does.EndWith("its file covers 2016-01-01 00:00 to 2017-12-31 23:00 local."));
        });
    }

    [TestCase("--from", "2016-13-01")]
    [TestCase("--to", "1 March")]
    public async Task A_bad_date_is_a_usage_error(string option, string value)
    {
        (int exit, _, string error) = await ConsoleSample.RunAsync(["bdg2", "summary", Building, option, value]);

        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(1));
            Assert.That(error, Does.StartWith($"{option} '{value}' is not a date; expected yyyy-MM-dd."));
        });
    }

    [Test]
    public async Task A_chart_in_a_folder_that_does_not_exist_is_refused_and_no_folder_is_made()
    {
        string root = Directory.CreateTempSubdirectory("eaio-out-").FullName;
        try
        {
            string missing = Path.Combine(root, "missing", "deeper");
            (int exit, string output, string error) = await ConsoleSample.RunAsync(["bdg2", "profile", Building, "--out", Path.Combine(missing, "profile.png")]);

            Assert.Multiple(() =>
            {
                Assert.That(exit, Is.EqualTo(1));
                Assert.That(error, Does.StartWith($"--out '{Path.Combine(missing, "profile.png")}': the folder {missing} does not exist"));
                Assert.That(Directory.Exists(Path.Combine(root, "missing")), Is.False);
                Assert.That(output, Is.Empty);
            });
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Test]
    public async Task The_report_states_an_error_rate_as_a_percentage_beside_its_target()
    {
        string data = Directory.CreateTempSubdirectory("eaio-cli-").FullName;
        try
        {
            await using (SqliteRequestLog log = new(Path.Combine(data, "eaio-requests.db")))
            {
                await log.WriteAsync([new RequestLogEntry
                {
                    RequestId = "r1",
                    Timestamp = DateTimeOffset.UtcNow.AddHours(-1),
                    Provider = EaioProviders.OpenAI,
                    Model = "gpt-4o",
                    Tier = ProviderTier.External,
                    Privacy = PrivacyLevel.Public,
                    Complexity = 0.5,
                    Outcome = RequestOutcome.Failed,
                    ErrorType = "HttpRequestException",
                    LatencyMs = 120,
                }, new RequestLogEntry
                {
                    RequestId = "r2",
                    ResponseId = "answer-2",
                    Timestamp = DateTimeOffset.UtcNow.AddHours(-1),
                    Provider = EaioProviders.Ollama,
                    Model = "qwen2.5:7b",
                    Tier = ProviderTier.Local,
                    Privacy = PrivacyLevel.Enhanced,
                    Complexity = 0.5,
                    Outcome = RequestOutcome.Succeeded,
                    LatencyMs = 300,
                    Category = "meter-summary",
                    QualityScore = 0.75,
                }]);
            }

            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            (int exit, string output, string error) = await ConsoleSample.RunAsync(["report"], new Dictionary<string, string?> { ["EAIO_DATA_DIR"] = data });

            Assert.Multiple(() =>
            {
                Assert.That(exit, Is.Zero, error);
                Assert.That(output, Does.Contain("Acceptance by category"));
                Assert.That(output, Does.Match(@"meter-summary\W+1\W+1\W+1\W+1\W+0\.75\W+0\W+0\W+–"), "one local answer scored 0.75, none external");
                Assert.That(output, Does.Contain("openai/gpt-4o missed its error rate target: 100.0%, target < 1%."));
                Assert.That(output, Does.Not.Contain("target: 1,"));
            });
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(data, recursive: true);
        }
    }

    [Test]
    public async Task Explain_checks_every_provider_before_planning_and_prints_the_checks()
    {
        // Reachable, but without the default model: unknown (before the first check) would plan it, checked it is out.
        await using LoopbackOllamaServer ollama = await LoopbackOllamaServer.StartAsync(models: []);
        Dictionary<string, string?> environment = new() { ["OLLAMA_BASE_URL"] = ollama.BaseUri.ToString() };

        string[] plans = new string[2];
        for (int run = 0; run < plans.Length; run++)
        {
            (int exit, string output, string error) = await ConsoleSample.RunAsync(["explain", "How do I lower the peak load?", "--privacy", "enhanced"], environment);
            Assert.Multiple(() =>
            {
                Assert.That(exit, Is.Zero, error);
                Assert.That(output, Does.Contain("Planned after these health checks:"));
                Assert.That(output, Does.Contain($"  ollama: unhealthy - reachable at {ollama.BaseUri}, but the default model llama3.2:3b (OLLAMA_DEFAULT_MODEL) is not pulled"));
                Assert.That(output, Does.Contain("  openai: unhealthy - OPENAI_API_KEY is not set"));
                Assert.That(output, Does.Contain("No route is allowed."));
            });
            plans[run] = output;
        }

        Assert.That(plans[1], Is.EqualTo(plans[0]), "the same plan from run to run");
    }

    public static IEnumerable<TestCaseData> CutShort()
    {
        const string Answer = "Raise the chilled-water setpoint by one kelvin.";
        yield return new TestCaseData(LoopbackReply.CutStreamBeforeFinal(Answer, abort: true), Answer.Length, "the connection was cut", null)
            .SetArgDisplayNames("connection cut");
        yield return new TestCaseData(LoopbackReply.CutStreamBeforeFinal(Answer), Answer.Length, "the stream ended without its final chunk", null)
            .SetArgDisplayNames("ended without its final chunk");
        yield return new TestCaseData(LoopbackReply.DelayAfterFirstChunk(TimeSpan.FromSeconds(30), Answer, 12, 9), LoopbackReply.Split(Answer)[0].Length,
            "it stalled and hit its time limit (Provider 'ollama' did not deliver the rest of its stream within 1 s", "1")
            .SetArgDisplayNames("stalled");
    }

    [TestCaseSource(nameof(CutShort))]
    public async Task Ask_keeps_the_output_shown_and_says_in_one_paragraph_what_cut_the_answer_short(LoopbackReply reply, int shown, string what, string? timeLimit)
    {
        await using LoopbackOllamaServer ollama = await LoopbackOllamaServer.StartAsync(defaultReply: reply);
        Dictionary<string, string?> environment = new() { ["OLLAMA_BASE_URL"] = ollama.BaseUri.ToString() };
        if (timeLimit is not null)
        {
            environment["LOCAL_TIMEOUT_SEC"] = timeLimit;
            environment["LOCAL_TOTAL_TIMEOUT_SEC"] = timeLimit;
        }

        (int exit, string output, string error) = await ConsoleSample.RunAsync(["ask", "How do I lower the peak load?"], environment);

        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(6), error);
            Assert.That(output.Trim(), Has.Length.EqualTo(shown), "the part of the answer that arrived stays on the screen");
            Assert.That(error.Trim(), Does.StartWith($"The answer from ollama/llama3.2:3b stopped after {shown} characters: {what}"));
            Assert.That(error.Trim().Split('\n'), Has.Length.EqualTo(1), "one paragraph");
            Assert.That(Regex.IsMatch(error, @"^\s+at ", RegexOptions.Multiline), Is.False, "no stack trace");
        });
    }
}
