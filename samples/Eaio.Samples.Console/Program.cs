using Eaio.Routing;
using Eaio.Samples.Console;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

if (args is ["--help" or "-h" or "help"])
{
    Console.WriteLine(CommandLine.Usage);
    return ExitCodes.Done;
}

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
    return ExitCodes.Usage;
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

    return ExitCodes.Configuration;
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
        // Every provider is checked once before planning: until its first check a provider counts as healthy, so a plan
        // made at once would race the checks and differ from run to run.
        IReadOnlyList<ProviderHealth> checks = await provider.GetRequiredService<ProviderHealthMonitor>().GetHealthAsync();
        Output.WritePlan(await router.ExplainAsync(messages, options));
        Output.WriteChecks(checks);
        return ExitCodes.Done;
    }

    return await AskAsync(chat, messages, options);
}
catch (NoRouteAvailableException ex)
{
    // Plain stderr, not Spectre markup: the message must stay whole for people and scripts, whatever the console width.
    Console.Error.WriteLine($"No route could answer: {ex.Message}");
    return ExitCodes.NoRoute;
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    return ExitCodes.Usage;
}

static async Task<int> AskAsync(IChatClient chat, ChatMessage[] messages, ChatOptions options)
{
    RouteDecision? decision = null;
    int shown = 0;
    try
    {
        await foreach (ChatResponseUpdate update in chat.GetStreamingResponseAsync(messages, options))
        {
            string text = update.Text;
            Console.Write(text);
            shown += text.Length;
            decision ??= update.GetRouteDecision();
        }
    }
#pragma warning disable CA1031 // Whatever ends a stream after its output was shown is reported in one paragraph, not a stack trace.
    catch (Exception ex) when (decision is not null)
#pragma warning restore CA1031
    {
        // The committed route cannot fail over: keep what was shown and say what happened to the rest.
        Console.WriteLine();
        Console.Error.WriteLine(Output.DescribeCutShort(decision, shown, ex));
        return ExitCodes.AnswerCutShort;
    }

    Console.WriteLine();
    if (decision is not null)
    {
        Output.WriteDecision(decision);
    }

    return ExitCodes.Done;
}
