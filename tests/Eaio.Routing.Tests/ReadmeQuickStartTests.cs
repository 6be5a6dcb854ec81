using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace Eaio.Routing.Tests;

/// <summary>The README's quick start, line for line, against loopback providers: if it stops compiling or working, so does this.</summary>
public sealed class ReadmeQuickStartTests
{
    [Test]
    public async Task The_quick_start_routes_explains_and_composes_with_the_hosts_middleware()
    {
        await using LoopbackOllamaServer ollama = await LoopbackOllamaServer.StartAsync(defaultReply: LoopbackReply.Text("Raise the chilled-water setpoint by 1 K.", 12, 9));
        await using LoopbackOpenAIServer openAI = await LoopbackOpenAIServer.StartAsync(defaultReply: LoopbackReply.Text("Stagger the chiller starts.", 12, 6));
        string data = Directory.CreateTempSubdirectory("eaio-readme-").FullName;
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Eaio:Ollama:BaseUrl"] = ollama.BaseUri.ToString(),
            ["Eaio:OpenAI:ApiKey"] = "sk-readme",
            ["Eaio:OpenAI:BaseUrl"] = openAI.BaseUri.ToString(),
            ["Eaio:BuildingPrivacy:Panther_office_Hannah"] = "PRIVATE",
            ["Eaio:DataDirectory"] = data,
        }).Build();

        try
        {
            ServiceCollection services = new();
            services.AddLogging();
            services.AddEaioHybridChat(configuration.GetSection("Eaio"))
                .UseFunctionInvocation()
                .UseOpenTelemetry()
                .UseLogging();
            await using ServiceProvider host = services.BuildServiceProvider();

            IChatClient chat = host.GetRequiredService<IChatClient>();
            var options = new ChatOptions().WithEaio(p =>
            {
                p.Privacy = PrivacyLevel.Enhanced;
                p.Domain = RequestDomain.EnergyOptimization;
                p.BuildingId = "Panther_office_Hannah";
            });

            ChatResponse answer = await chat.GetResponseAsync("Which setpoint changes would cut peak demand?", options);
            RouteDecision route = answer.GetRouteDecision()!;
            RoutePlan plan = chat.GetService<HybridRouterChatClient>()!.Explain([new(ChatRole.User, "…")], options);

            Assert.That(route.Provider, Is.EqualTo(EaioProviders.Ollama), "the building's PRIVATE override is a ceiling the request cannot loosen");
            Assert.That(answer.Text, Is.EqualTo("Raise the chilled-water setpoint by 1 K."));
            Assert.That(openAI.ChatRequestCount, Is.Zero);
            Assert.That(plan.Profile.Privacy, Is.EqualTo(PrivacyLevel.Private));
            Assert.That(plan.Exclusions.Select(e => e.Provider), Does.Contain(EaioProviders.OpenAI));
            Assert.That(new ChatMessage(ChatRole.User, "41.2, 43.7").WithSensitivity(DataSensitivity.Critical).AdditionalProperties, Is.Not.Empty);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(data, recursive: true);
        }
    }
}
