using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>
/// A hosted app set up as the README's quick start (<c>UseLogging</c> around the router), every log level captured: one
/// failed call is one log entry, not the same exception three times with HttpClient's stack traces around it.
/// </summary>
public sealed class OneFailureOneLogEntryTests
{
    private const string Question = "Which setpoint changes would cut peak demand?";

    [Test]
    public async Task A_call_that_fails_on_every_route_logs_one_warning_or_above_and_each_exception_once()
    {
        await using LoopbackOpenAIServer openAI = await LoopbackOpenAIServer.StartAsync(defaultReply: LoopbackReply.Status(500));
        string data = Directory.CreateTempSubdirectory("eaio-logs-").FullName;
        try
        {
            // Ollama on the discard port: the connection is refused.
            (IHost host, FakeLoggerProvider logs) = Start(data, new()
            {
                ["Eaio:Ollama:BaseUrl"] = "http://127.0.0.1:9/",
                ["Eaio:OpenAI:ApiKey"] = "sk-logs",
                ["Eaio:OpenAI:BaseUrl"] = openAI.BaseUri.ToString(),
            });
            using (host)
            using (logs)
            {
                IChatClient chat = host.Services.GetRequiredService<IChatClient>();
                int startUp = logs.Collector.Count;

                NoRouteAvailableException thrown = Assert.ThrowsAsync<NoRouteAvailableException>(
                    () => chat.GetResponseAsync(Question, new ChatOptions().WithEaio(p => p.Privacy = PrivacyLevel.Public)))!;

                FakeLogRecord[] call = [.. logs.Collector.GetSnapshot().Skip(startUp)];
                string all = string.Join('\n', call.Select(r => $"{r.Level} {r.Category}: {r.Message}"));
                Assert.Multiple(() =>
                {
                    Assert.That(thrown.Attempts.Select(a => a.Provider), Is.EqualTo(new[] { EaioProviders.OpenAI, EaioProviders.Ollama }), "both routes were tried");
                    FakeLogRecord[] loud = [.. call.Where(r => r.Level >= LogLevel.Warning)];
                    Assert.That(loud, Has.Length.EqualTo(1), all);
                    Assert.That(loud.Select(r => r.Exception), Has.All.SameAs(thrown), all);

                    // An exception reaches the log at Information or above once, on its own or as the cause of another.
                    Exception[] logged = [.. call.Where(r => r.Level >= LogLevel.Information).SelectMany(r => Chain(r.Exception))];
                    Assert.That(logged, Is.Unique, all);

                    Assert.That(call.Where(r => r.Category?.StartsWith("System.Net.Http.HttpClient", StringComparison.Ordinal) == true && r.Level > LogLevel.Debug), Is.Empty, all);
                });
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(data, recursive: true);
        }
    }

    [Test]
    public async Task A_call_answered_after_a_failed_route_logs_one_warning_naming_the_failure()
    {
        await using LoopbackOllamaServer ollama = await LoopbackOllamaServer.StartAsync(defaultReply: LoopbackReply.Text("Stagger the chiller starts.", 12, 6));
        await using LoopbackOpenAIServer openAI = await LoopbackOpenAIServer.StartAsync(defaultReply: LoopbackReply.Status(500));
        string data = Directory.CreateTempSubdirectory("eaio-logs-").FullName;
        try
        {
            (IHost host, FakeLoggerProvider logs) = Start(data, new()
            {
                ["Eaio:Ollama:BaseUrl"] = ollama.BaseUri.ToString(),
                ["Eaio:OpenAI:ApiKey"] = "sk-logs",
                ["Eaio:OpenAI:BaseUrl"] = openAI.BaseUri.ToString(),
            });
            using (host)
            using (logs)
            {
                IChatClient chat = host.Services.GetRequiredService<IChatClient>();
                int startUp = logs.Collector.Count;

                ChatResponse answer = await chat.GetResponseAsync(Question, new ChatOptions().WithEaio(p => p.Privacy = PrivacyLevel.Public));

                FakeLogRecord[] loud = [.. logs.Collector.GetSnapshot().Skip(startUp).Where(r => r.Level >= LogLevel.Warning)];
                Assert.Multiple(() =>
                {
                    Assert.That(answer.GetRouteDecision()!.Provider, Is.EqualTo(EaioProviders.Ollama));
                    Assert.That(loud.Select(r => r.Message), Has.Exactly(1).Items);
                    Assert.That(loud.Single().Message, Does.StartWith("ollama/").And.Contain("openai/gpt-4o: ClientResultException"));
                    Assert.That(loud.Single().Exception, Is.Null, "the caller got an answer: no stack trace");
                });
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(data, recursive: true);
        }
    }

    [Test]
    public async Task A_host_that_wants_a_provider_clients_request_logs_adds_the_default_logger_back()
    {
        await using LoopbackOllamaServer ollama = await LoopbackOllamaServer.StartAsync();
        string data = Directory.CreateTempSubdirectory("eaio-logs-").FullName;
        try
        {
            (IHost host, FakeLoggerProvider logs) = Start(data, new() { ["Eaio:Ollama:BaseUrl"] = ollama.BaseUri.ToString() }, services => services.AddHttpClient("Eaio.ollama").AddDefaultLogger());
            using (host)
            using (logs)
            {
                await host.Services.GetRequiredService<IChatClient>().GetResponseAsync(Question);

                Assert.That(logs.Collector.GetSnapshot().Select(r => r.Category), Has.Some.StartsWith("System.Net.Http.HttpClient.Eaio.ollama"));
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(data, recursive: true);
        }
    }

    [TestCase(null, 1)]
    [TestCase("a-stable-audit-hmac-key", 0)]
    public void The_AUDIT_HMAC_KEY_warning_is_logged_at_most_once_per_process_and_not_with_a_key(string? key, int atMost)
    {
        string data = Directory.CreateTempSubdirectory("eaio-logs-").FullName;
        try
        {
            int warnings = 0;
            for (int i = 0; i < 2; i++)
            {
                (IHost host, FakeLoggerProvider logs) = Start(data, new()
                {
                    ["Eaio:Ollama:BaseUrl"] = "http://127.0.0.1:9/",
                    ["Eaio:OpenAI:ApiKey"] = "sk-logs",
                    ["Eaio:AuditHmacKey"] = key,
                });
                using (host)
                using (logs)
                {
                    _ = host.Services.GetRequiredService<IChatClient>();
                    warnings += logs.Collector.GetSnapshot().Count(r => r.Message.Contains("AUDIT_HMAC_KEY", StringComparison.Ordinal));
                }
            }

            Assert.That(warnings, Is.LessThanOrEqualTo(atMost), "two hosts started in one process");
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(data, recursive: true);
        }
    }

    /// <summary>A host as <c>Host.CreateApplicationBuilder</c> makes it, set up as the README's quick start, with every level captured.</summary>
    private static (IHost Host, FakeLoggerProvider Logs) Start(string data, Dictionary<string, string?> settings, Action<IServiceCollection>? after = null)
    {
        // The content root is the empty data folder, so no appsettings.json of the test's output folder sets log levels.
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], ContentRootPath = data });
        settings["Eaio:DataDirectory"] = data;
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders().SetMinimumLevel(LogLevel.Trace);
        FakeLoggerProvider logs = new();
        builder.Logging.AddProvider(logs);
        builder.Services.AddEaioHybridChat(builder.Configuration.GetSection("Eaio"))
            .UseFunctionInvocation()
            .UseLogging();
        after?.Invoke(builder.Services);
        return (builder.Build(), logs);
    }

    private static IEnumerable<Exception> Chain(Exception? exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            yield return e;
        }
    }
}
