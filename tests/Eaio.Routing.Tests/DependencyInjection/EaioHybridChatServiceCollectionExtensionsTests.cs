using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using NSubstitute;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

public sealed class EaioHybridChatServiceCollectionExtensionsTests
{
    [Test]
    public void Arguments_are_checked()
    {
        Assert.Throws<ArgumentNullException>(() => ((IServiceCollection)null!).AddEaioHybridChat(_ => { }));
        Assert.Throws<ArgumentNullException>(() => new ServiceCollection().AddEaioHybridChat((Action<EaioHybridChatOptions>)null!));
        Assert.Throws<ArgumentNullException>(() => new ServiceCollection().AddEaioHybridChat((IConfiguration)null!));
    }

    [Test]
    public void Providers_are_keyed_services_and_only_those_with_a_key_are_registered()
    {
        ServiceCollection services = new();
        services.AddEaioHybridChat(o =>
        {
            o.DeepSeek.ApiKey = "k";
            o.DataDirectory = TestDataDirectory.Path;
        });
        using ServiceProvider provider = services.BuildServiceProvider();

        Assert.That(provider.GetKeyedService<IChatClient>(EaioProviders.Ollama), Is.Not.Null);
        Assert.That(provider.GetKeyedService<IChatClient>(EaioProviders.DeepSeek), Is.Not.Null);
        Assert.That(provider.GetKeyedService<IChatClient>(EaioProviders.OpenAI), Is.Null);
        Assert.That(provider.GetRequiredService<IChatClient>().GetService<HybridRouterChatClient>(), Is.Not.Null);
    }

    [Test]
    public async Task The_budget_ledger_is_the_SQLite_file_in_the_data_directory_unless_the_host_registers_its_own()
    {
        string folder = Directory.CreateTempSubdirectory("eaio-di-").FullName;
        try
        {
            ServiceCollection services = new();
            services.AddEaioHybridChat(o =>
            {
                o.DataDirectory = folder;
                o.MonthlyBudgetUsd = 42m;
                o.TenantBudgetsUsd["acme"] = 7m;
            });
            await using (ServiceProvider provider = services.BuildServiceProvider())
            {
                SqliteBudgetLedger ledger = (SqliteBudgetLedger)provider.GetRequiredService<IBudgetLedger>();
                Assert.That(ledger.Path, Is.EqualTo(Path.Combine(folder, "eaio.db")));
                Assert.That((await ledger.GetStatusAsync("acme")).BudgetUsd, Is.EqualTo(7m));
                Assert.That(provider.GetRequiredService<IChatClient>().GetService<HybridRouterChatClient>()!.Budget, Is.SameAs(ledger));
            }

            InMemoryBudgetLedger mine = new(new BudgetLimits(5m));
            ServiceCollection replaced = new();
            replaced.AddSingleton<IBudgetLedger>(mine);
            replaced.AddEaioHybridChat(o => o.DataDirectory = folder);
            await using ServiceProvider withMine = replaced.BuildServiceProvider();
            Assert.That(withMine.GetRequiredService<IChatClient>().GetService<HybridRouterChatClient>()!.Budget, Is.SameAs(mine));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public async Task With_a_vault_key_placeholders_persist_in_the_data_directory_across_restarts()
    {
        string folder = Directory.CreateTempSubdirectory("eaio-vault-di-").FullName;
        string key = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        try
        {
            string placeholder;
            string scope;
            ServiceCollection first = new();
            first.AddEaioHybridChat(o => { o.DataDirectory = folder; o.PseudonymVaultKey = key; });
            await using (ServiceProvider provider = first.BuildServiceProvider())
            {
                IPseudonymVault vault = provider.GetRequiredService<IPseudonymVault>();
                Assert.That(vault, Is.InstanceOf<SqlitePseudonymVault>());
                Assert.That(((SqlitePseudonymVault)vault).Path, Is.EqualTo(Path.Combine(folder, "eaio.db")));
                scope = await vault.OpenScopeAsync("conversation-1");
                placeholder = await vault.GetOrAddPlaceholderAsync(scope, EntityTypes.Email, "ada@example.org");
            }

            ServiceCollection second = new();
            second.AddEaioHybridChat(o => { o.DataDirectory = folder; o.PseudonymVaultKey = key; });
            await using ServiceProvider restarted = second.BuildServiceProvider();
            IPseudonymVault again = restarted.GetRequiredService<IPseudonymVault>();
            string? original = await again.OriginalAsync(await again.OpenScopeAsync("conversation-1"), placeholder);
            Assert.That(original, Is.Not.Null);
            Assert.That(original, Is.EqualTo("ada@example.org"));

            EaioConfigurationException bad = Assert.Throws<EaioConfigurationException>(() => new ServiceCollection().AddEaioHybridChat(o => o.PseudonymVaultKey = "c2hvcnQ="))!;
            Assert.That(bad.Message, Does.Contain("PSEUDONYM_VAULT_KEY").And.Contain("at least 32").And.Not.Contain("c2hvcnQ="));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public async Task A_host_can_replace_a_provider_client_with_its_own()
    {
        IChatClient mine = Substitute.For<IChatClient>();
        mine.GetResponseAsync(Arg.Any<IEnumerable<ChatMessage>>(), Arg.Any<ChatOptions?>(), Arg.Any<CancellationToken>())
            .Returns(new ChatResponse(new ChatMessage(ChatRole.Assistant, "from the host's client")));
        ServiceCollection services = new();
        services.AddKeyedSingleton(EaioProviders.Ollama, mine);
        services.AddEaioHybridChat(o => o.DataDirectory = TestDataDirectory.Path);
        await using ServiceProvider provider = services.BuildServiceProvider();

        ChatResponse response = await provider.GetRequiredService<IChatClient>().GetResponseAsync("hello");

        Assert.That(response.Text, Is.EqualTo("from the host's client"));
        await mine.Received(1).GetResponseAsync(
            Arg.Any<IEnumerable<ChatMessage>>(),
            // OLLAMA_KEEP_ALIVE, like OLLAMA_BASE_URL, configures the client the package builds, not a host's own.
            Arg.Is<ChatOptions?>(o => o!.ModelId == "llama3.2:3b" && o.AdditionalProperties == null),
            Arg.Any<CancellationToken>());
    }

    [Test]
    public async Task The_returned_builder_takes_function_invocation_open_telemetry_and_logging()
    {
        await using LoopbackOllamaServer ollama = await LoopbackOllamaServer.StartAsync(defaultReply: LoopbackReply.Text("ok", 3, 1));
        using FakeLoggerProvider logs = new();
        List<string> instruments = [];
        using MeterListener meters = new() { InstrumentPublished = (i, l) => { if (i.Meter.Name == "eaio-test") { instruments.Add(i.Name); } } };
        meters.Start();
        List<Activity> activities = [];
        using ActivityListener listener = new()
        {
            ShouldListenTo = s => s.Name == "eaio-test",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activities.Add,
        };
        ActivitySource.AddActivityListener(listener);

        ServiceCollection services = new();
        services.AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        services.AddEaioHybridChat(o =>
            {
                o.Ollama.BaseUrl = ollama.BaseUri;
                o.DataDirectory = TestDataDirectory.Path;
            })
            .UseFunctionInvocation()
            .UseOpenTelemetry(sourceName: "eaio-test")
            .UseLogging();
        await using ServiceProvider provider = services.BuildServiceProvider();

        ChatResponse response = await provider.GetRequiredService<IChatClient>().GetResponseAsync("hello");

        Assert.That(response.GetRouteDecision()!.Provider, Is.EqualTo(EaioProviders.Ollama));
        Assert.That(activities.Count(a => a.DisplayName.StartsWith("chat", StringComparison.Ordinal)), Is.EqualTo(1));
        Assert.That(logs.Collector.GetSnapshot().Select(r => r.Category), Does.Contain(typeof(LoggingChatClient).FullName));
        Assert.That(instruments, Does.Contain("gen_ai.client.operation.duration"));
    }
}
