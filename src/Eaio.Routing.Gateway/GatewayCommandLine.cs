using System.Reflection;

namespace Eaio.Routing.Gateway;

/// <summary>The few arguments the gateway answers itself, before it reads its configuration: <c>--help</c> and <c>--version</c>.</summary>
/// <remarks>Everything else is ASP.NET Core configuration (<c>--urls=…</c>, <c>--Gateway:Keys:0:Key=…</c>), so it is left to the host.</remarks>
internal static class GatewayCommandLine
{
    /// <summary>What <c>eaio-gateway --help</c> prints.</summary>
    public static readonly string Usage = $"""
        eaio-gateway: an OpenAI-compatible HTTP gateway in front of the EAIO router (privacy-first routing, budgets, audit).

        Usage: eaio-gateway [--urls <url>] [--<Section>:<Key>=<value> ...]
               eaio-gateway --help | --version

        Settings come from appsettings.json (beside the program, then the current directory), the environment and the
        command line, each overriding the one before:
          Gateway:Keys:<n>:Key, :Tenant, :MaxPrivacy, :MonthlyBudgetUsd, :Admin
                           the API keys clients send (at least one; for example Gateway__Keys__0__Key in the environment)
          Gateway:Urls     where to listen (or --urls, ASPNETCORE_URLS; default {GatewayApp.DefaultUrls}, loopback only)
          Gateway:Limits:RequestsPerMinute, Gateway:Limits:TokensPerMinute
                           each tenant's limits (default {TenantLimits.DefaultRequestsPerMinute} and {TenantLimits.DefaultTokensPerMinute:N0})
          Gateway:Responses:StoreMinutes
                           how long /v1/responses answers are kept in memory for item_reference and
                           previous_response_id, after their last use (default {ResponseStore.DefaultStoreMinutes}; 0 keeps none)
          OPENAI_API_KEY, ANTHROPIC_API_KEY, OLLAMA_BASE_URL, EAIO_DATA_DIR, LLM_MONTHLY_BUDGET, ...
                           the router's settings (or the Eaio section: Eaio:OpenAI:ApiKey, ...)

        Endpoints: {GatewayApp.SupportedEndpoints}.
        Exit codes: 0 stopped (Ctrl+C, SIGTERM), 2 invalid configuration (the message says which setting and what is allowed).
        Documentation: https://github.com/eaio/EAIO.Routing/tree/main/src/Eaio.Routing.Gateway
        """;

    /// <summary>Answers <c>--help</c> (also <c>-h</c>, <c>-?</c>) and <c>--version</c> when they are the only argument.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="output">Where to print.</param>
    /// <returns>The exit code when the command line was one of them; <see langword="null"/> to start the gateway.</returns>
    public static int? TryAnswer(string[] args, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        switch (args)
        {
            case ["--help" or "-h" or "-?"]:
                output.WriteLine(Usage);
                return 0;
            case ["--version"]:
                output.WriteLine($"eaio-gateway {Version}");
                return 0;
            default:
                return null;
        }
    }

    /// <summary>Gets the gateway's version as packed (<c>0.1.0</c>, with the commit after a <c>+</c> when built from git).</summary>
    public static string Version { get; } =
        typeof(GatewayCommandLine).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(GatewayCommandLine).Assembly.GetName().Version?.ToString()
        ?? "unknown";
}
