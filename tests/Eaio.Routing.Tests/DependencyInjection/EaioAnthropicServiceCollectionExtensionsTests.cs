using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using NSubstitute;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>Anthropic's SDK is in Eaio.Routing.Anthropic: the core does not load it, and says what to add when the key is set without it.</summary>
public sealed class EaioAnthropicServiceCollectionExtensionsTests
{
    private const string NotRegistered = "ANTHROPIC_API_KEY is set but the Eaio.Routing.Anthropic package is not registered: call services.AddEaioAnthropic()";
    private static readonly ChatMessage[] s_question = [new(ChatRole.User, "How do I read an electricity meter?")];

    [Test]
    public void Arguments_are_checked() =>
        Assert.Throws<ArgumentNullException>(() => ((IServiceCollection)null!).AddEaioAnthropic());

    [Test]
    public void The_core_assembly_does_not_reference_the_Anthropic_SDK()
    {
        string[] referenced = [.. typeof(HybridRouterChatClient).Assembly.GetReferencedAssemblies().Select(a => a.Name!)];

        Assert.That(referenced, Does.Not.Contain("Anthropic"));
        Assert.That(typeof(EaioAnthropicServiceCollectionExtensions).Assembly.GetReferencedAssemblies().Select(a => a.Name), Does.Contain("Anthropic"));
    }

    [Test]
    public async Task With_the_key_set_and_AddEaioAnthropic_not_called_Explain_excludes_Anthropic_saying_what_to_add_and_start_up_warns_once()
    {
        using FakeLoggerProvider logs = new();
        ServiceCollection services = new();
        services.AddLogging(b => b.AddProvider(logs));
        services.AddEaioHybridChat(o =>
        {
            o.Anthropic.ApiKey = "sk-ant-test";
            o.DataDirectory = TestDataDirectory.Path;
        });
        await using ServiceProvider provider = services.BuildServiceProvider();

        HybridRouterChatClient router = provider.GetRequiredService<IChatClient>().GetService<HybridRouterChatClient>()!;
        RoutePlan plan = router.Explain(s_question, new ChatOptions().WithEaio(p => p.Privacy = PrivacyLevel.Public));

        Assert.Multiple(() =>
        {
            Assert.That(plan.Routes.Select(r => r.Provider), Does.Not.Contain(EaioProviders.Anthropic));
            Assert.That(plan.Exclusions.Single(e => e.Provider == EaioProviders.Anthropic).Reason, Is.EqualTo(NotRegistered));
            Assert.That(
                logs.Collector.GetSnapshot().Where(r => r.Level == LogLevel.Warning).Select(r => r.Message),
                Has.Exactly(1).EqualTo(NotRegistered + "; the provider is left out of every plan."));
        });
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task The_health_check_of_Anthropic_fails_with_the_same_reason_until_the_package_is_registered(bool registered)
    {
        ServiceCollection services = new();
        services.AddEaioHybridChat(o =>
        {
            o.Anthropic.ApiKey = "sk-ant-test";
            o.DataDirectory = TestDataDirectory.Path;
        });
        if (registered)
        {
            services.AddEaioAnthropic();
        }

        services.AddHealthChecks().AddEaioHealthChecks();
        await using ServiceProvider provider = services.BuildServiceProvider();

        HealthReportEntry anthropic = (await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Name == "eaio-anthropic")).Entries["eaio-anthropic"];

        Assert.That(anthropic.Status, Is.EqualTo(registered ? HealthStatus.Healthy : HealthStatus.Unhealthy));
        Assert.That(anthropic.Description, registered ? Is.EqualTo("API key set") : Is.EqualTo(NotRegistered));
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task Without_the_key_AddEaioAnthropic_registers_no_client_and_the_reason_stays_the_key(bool anthropicFirst)
    {
        using FakeLoggerProvider logs = new();
        ServiceCollection services = new();
        services.AddLogging(b => b.AddProvider(logs));
        if (anthropicFirst)
        {
            services.AddEaioAnthropic();
        }

        services.AddEaioHybridChat(o => o.DataDirectory = TestDataDirectory.Path);
        if (!anthropicFirst)
        {
            services.AddEaioAnthropic();
        }

        await using ServiceProvider provider = services.BuildServiceProvider();

        RoutePlan plan = provider.GetRequiredService<IChatClient>().GetService<HybridRouterChatClient>()!
            .Explain(s_question, new ChatOptions().WithEaio(p => p.Privacy = PrivacyLevel.Public));

        Assert.That(provider.GetKeyedService<IChatClient>(EaioProviders.Anthropic), Is.Null);
        Assert.That(plan.Exclusions.Single(e => e.Provider == EaioProviders.Anthropic).Reason, Is.EqualTo("ANTHROPIC_API_KEY is not set"));
        Assert.That(logs.Collector.GetSnapshot().Select(r => r.Message), Has.None.Contains("AddEaioAnthropic"));
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task A_client_the_host_registered_first_is_kept(bool anthropicFirst)
    {
        IChatClient mine = Substitute.For<IChatClient>();
        ServiceCollection services = new();
        services.AddKeyedSingleton(EaioProviders.Anthropic, mine);
        if (anthropicFirst)
        {
            services.AddEaioAnthropic();
        }

        services.AddEaioHybridChat(o =>
        {
            o.Anthropic.ApiKey = "sk-ant-test";
            o.DataDirectory = TestDataDirectory.Path;
        });
        if (!anthropicFirst)
        {
            services.AddEaioAnthropic();
        }

        await using ServiceProvider provider = services.BuildServiceProvider();

        Assert.That(provider.GetKeyedService<IChatClient>(EaioProviders.Anthropic), Is.SameAs(mine));
    }

    [Test]
    public async Task AddEaioAnthropic_without_AddEaioHybridChat_says_what_is_missing()
    {
        ServiceCollection services = new();
        services.AddEaioAnthropic();
        await using ServiceProvider provider = services.BuildServiceProvider();

        Assert.That(() => provider.GetKeyedService<IChatClient>(EaioProviders.Anthropic),
            Throws.InvalidOperationException.With.Message.Contains("AddEaioHybridChat"));
    }
}
