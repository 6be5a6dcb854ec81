using Eaio.Routing;
using Eaio.Samples.Console;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

if (Bdg2Commands.Handles(args))
{
    return await Bdg2Commands.RunAsync(args);
}

// The sample's configuration: an optional appsettings.json beside the program (section "Eaio") and the seed's
// environment variables (LLM_STRATEGY, OLLAMA_BASE_URL, OPENAI_API_KEY, ...), which win.
if (!CommandLine.TryParse(args, out CommandLine? command, out string? usageError))
{
    Console.Error.WriteLine(usageError);
    Console.Error.WriteLine(CommandLine.Usage);
    return 1;
}

IConfiguration configuration = new ConfigurationBuilder()
    .SetBasePath(AppContext.BaseDirectory)
    .AddJsonFile("appsettings.json", optional: true)
    .AddEnvironmentVariables()
    .Build();

ServiceCollection services = new();
try
{
    services.AddEaioHybridChat(configuration.GetSection("Eaio"));
    services.AddEaioAnthropic();
    services.AddHealthChecks().AddEaioHealthChecks();
}
catch (EaioConfigurationException ex)
{
    Console.Error.WriteLine("The configuration is invalid:");
    foreach (string error in ex.Errors)
    {
        Console.Error.WriteLine($"  {error}");
    }

    return 3;
}

await using ServiceProvider provider = services.BuildServiceProvider();
if (command.Verb.StartsWith("audit", StringComparison.Ordinal))
{
    return await AuditCommands.RunAsync(command, provider.GetService<IAuditLog>());
}

if (command.Verb == "budget")
{
    return await BudgetCommand.RunAsync(provider.GetRequiredService<IBudgetLedger>(), command.Profile.TenantId);
}

if (command.Verb == "report")
{
    return await ReportCommand.RunAsync(provider.GetRequiredService<IRequestLog>(), provider.GetRequiredService<EaioHybridChatOptions>(), command.Arguments);
}

if (command.Verb == "health")
{
    return await HealthCommand.RunAsync(provider);
}

IChatClient chat = provider.GetRequiredService<IChatClient>();
HybridRouterChatClient router = chat.GetService<HybridRouterChatClient>()!;
ChatMessage[] messages = [new(ChatRole.User, command.Question)];
ChatOptions options = new ChatOptions().WithEaio(command.Profile);

try
{
    if (command.Verb == "explain")
    {
        Output.WritePlan(router.Explain(messages, options));
        return 0;
    }

    RouteDecision? decision = null;
    await foreach (ChatResponseUpdate update in chat.GetStreamingResponseAsync(messages, options))
    {
        Console.Write(update.Text);
        decision ??= update.GetRouteDecision();
    }

    Console.WriteLine();
    if (decision is not null)
    {
        Output.WriteDecision(decision);
    }

    return 0;
}
catch (NoRouteAvailableException ex)
{
    // Plain stderr, not Spectre markup: the message must stay whole for people and scripts, whatever the console width.
    Console.Error.WriteLine($"No route could answer: {ex.Message}");
    return 2;
}
catch (IncompleteStreamException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 1;
}
