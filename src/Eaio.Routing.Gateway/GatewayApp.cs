using Eaio.Routing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.FileProviders;

namespace Eaio.Routing.Gateway;

/// <summary>Builds the gateway: configuration, the router with the keys' tenants, the endpoints.</summary>
internal static class GatewayApp
{
    /// <summary>Where the gateway listens unless <c>Gateway:Urls</c>, <c>--urls</c> or <c>ASPNETCORE_URLS</c> say otherwise: loopback only.</summary>
    public const string DefaultUrls = "http://127.0.0.1:8080";

    /// <summary>The longest period <c>GET /v1/eaio/report</c> covers: a quarter. The reporter holds every latency of the
    /// period in memory, so a year of traffic on one request is too much.</summary>
    public const int MaxReportDays = 92;

    /// <summary>What an unknown path's 404 names.</summary>
    public const string SupportedEndpoints = "POST /v1/chat/completions, POST /v1/responses, POST /v1/embeddings, GET /v1/models, GET /v1/eaio/budget, POST /v1/eaio/feedback, GET /v1/eaio/report (admin keys) and GET /healthz";

    /// <summary>
    /// The per-provider limits the gateway runs with unless configured (<c>Eaio:RequestsPerMinute</c>,
    /// <c>Eaio:TokensPerMinute</c> or <c>PROVIDER_REQUESTS_PER_MINUTE</c>, <c>PROVIDER_TOKENS_PER_MINUTE</c>): OpenAI's
    /// usage tier 4 for gpt-4o-mini. The library's defaults (100 and 200,000) suit one application; in front of many
    /// tenants they held the whole gateway to about 190 calls a minute. Set them to the provider account's own limits.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string?> ProviderLimitDefaults = new Dictionary<string, string?>
    {
        ["Eaio:RequestsPerMinute"] = "10000",
        ["Eaio:TokensPerMinute"] = "10000000",
    };

    private const string KeyItem = "eaio.gateway.key";

    /// <summary>Creates the gateway application.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="configure">Lets tests add configuration and services before the app is built.</param>
    /// <returns>The application, not started.</returns>
    /// <exception cref="EaioConfigurationException">The keys or the router's settings are invalid.</exception>
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(args);
        // appsettings.json beside the executable, first, so the environment and the command line still win over it;
        // CreateSlimBuilder only reads the one in the current directory.
        ((IConfigurationBuilder)builder.Configuration).Sources.Insert(0, new JsonConfigurationSource
        {
            Path = "appsettings.json",
            Optional = true,
            FileProvider = new PhysicalFileProvider(AppContext.BaseDirectory),
        });
        configure?.Invoke(builder);

        // Loopback unless the operator chose otherwise: this gateway holds provider keys and spends budgets.
        if (string.IsNullOrEmpty(builder.Configuration["urls"]))
        {
            builder.WebHost.UseUrls(builder.Configuration["Gateway:Urls"] is { Length: > 0 } urls ? urls : DefaultUrls);
        }

        // Per-provider limits sized for a gateway, below every other source: the library's defaults suit one application.
        ((IConfigurationBuilder)builder.Configuration).Sources.Insert(0, new MemoryConfigurationSource { InitialData = ProviderLimitDefaults });
        GatewayKeyStore keys = GatewayKeyStore.Load(builder.Configuration.GetSection("Gateway:Keys"));
        builder.Services.AddSingleton(keys);
        builder.Services.AddSingleton(TenantLimits.Load(builder.Configuration.GetSection("Gateway:Limits"), keys));
        builder.Services.AddSingleton<BudgetEndpoint>();
        builder.Services.AddSingleton<FeedbackEndpoint>();
        builder.Services.AddEaioHybridChat(RouterConfiguration(builder.Configuration.GetSection("Eaio"), keys));
        builder.Services.AddEaioAnthropic();
        builder.Services.AddSingleton(sp =>
        {
            HybridRouterChatClient router = sp.GetRequiredService<IChatClient>().GetService<HybridRouterChatClient>()
                ?? throw new InvalidOperationException("The registered IChatClient is not the EAIO router.");
            return new GatewayModels(router.Policy.Catalog, sp.GetRequiredService<EaioHybridChatOptions>());
        });
        builder.Services.AddSingleton<EndUserPseudonyms>();
        builder.Services.AddSingleton<RoutedChat>();
        builder.Services.AddSingleton<ChatCompletionsEndpoint>();
        TimeSpan responseLifetime = ResponseStore.ReadLifetime(builder.Configuration);
        builder.Services.AddSingleton(sp => new ResponseStore(responseLifetime, sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<ResponsesEndpoint>();
        builder.Services.AddSingleton<EmbeddingsEndpoint>();
        builder.Services.AddHealthChecks().AddCheck<RouterHealthCheck>("eaio-router").AddEaioHealthChecks();

        WebApplication app = builder.Build();
        ILogger logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Eaio.Routing.Gateway");
        int tenants = keys.Keys.Select(k => k.Tenant).Distinct(StringComparer.Ordinal).Count();
        string ceilings = GatewayLog.Describe(keys.Keys);
        GatewayLog.Started(logger, keys.Keys.Count, tenants, ceilings);

        // Unknown paths and wrong methods answer in OpenAI's error shape, naming what exists, rather than with an empty
        // body that OpenAI's SDKs show as a bare "Not Found". Endpoints write their own errors, so a started response is theirs.
        app.Use(async (http, next) =>
        {
            await next(http);
            if (!http.Response.HasStarted && http.Response.StatusCode is StatusCodes.Status404NotFound or StatusCodes.Status405MethodNotAllowed)
            {
                bool wrongMethod = http.Response.StatusCode == StatusCodes.Status405MethodNotAllowed;
                string asked = $"{http.Request.Method} {http.Request.Path}";
                await OpenAIWire.WriteErrorAsync(http.Response, new GatewayError(
                    http.Response.StatusCode,
                    (wrongMethod ? $"{asked}: the method is not allowed on this path." : $"{asked}: there is no such endpoint.") + " This gateway serves " + SupportedEndpoints + ".",
                    "invalid_request_error",
                    null,
                    wrongMethod ? "method_not_allowed" : "unknown_url"));
            }
        });

        app.Use(GatewayRetryAfter.Ensure);
        app.MapHealthChecks("/healthz");

        RouteGroupBuilder v1 = app.MapGroup("/v1");
        v1.AddEndpointFilter(async (context, next) =>
        {
            HttpContext http = context.HttpContext;
            if (http.RequestServices.GetRequiredService<GatewayKeyStore>().Find(http.Request.Headers.Authorization) is not { } key)
            {
                GatewayLog.Unauthorized(logger, http.Connection.RemoteIpAddress);

                await OpenAIWire.WriteErrorAsync(http.Response, new GatewayError(
                    StatusCodes.Status401Unauthorized,
                    "Missing or unknown API key: send 'Authorization: Bearer <key>' with a key from the gateway's configuration (Gateway:Keys).",
                    "invalid_request_error",
                    null,
                    "invalid_api_key"));
                return Results.Empty;
            }

            http.Items[KeyItem] = key;
            return await next(context);
        });

        v1.MapPost("/chat/completions", async (HttpContext http, ChatCompletionsEndpoint endpoint) =>
        {
            await endpoint.HandleAsync(http, (GatewayKey)http.Items[KeyItem]!);
            return Results.Empty;
        });

        v1.MapGet("/eaio/budget", async (HttpContext http, BudgetEndpoint endpoint) => { await endpoint.HandleAsync(http, (GatewayKey)http.Items[KeyItem]!); return Results.Empty; });
        v1.MapPost("/eaio/feedback", async (HttpContext http, FeedbackEndpoint endpoint) => { await endpoint.HandleAsync(http, (GatewayKey)http.Items[KeyItem]!); return Results.Empty; });

        v1.MapPost("/responses", async (HttpContext http, ResponsesEndpoint endpoint) =>
        {
            await endpoint.HandleAsync(http, (GatewayKey)http.Items[KeyItem]!);
            return Results.Empty;
        });

        v1.MapPost("/embeddings", async (HttpContext http, EmbeddingsEndpoint endpoint) =>
        {
            await endpoint.HandleAsync(http, (GatewayKey)http.Items[KeyItem]!);
            return Results.Empty;
        });

        v1.MapGet("/models", async (HttpContext http, GatewayModels models, TimeProvider time) =>
        {
            GatewayKey key = (GatewayKey)http.Items[KeyItem]!;
            await OpenAIWire.WriteModelsAsync(http.Response, models.AllowedAt(key.MaxPrivacy), time.GetUtcNow().ToUnixTimeSeconds());
            return Results.Empty;
        });

        // The optimisation report over the request log as JSON: ?days=N (1 to MaxReportDays, default 30) back from now.
        // It covers every tenant's traffic, so only admin keys may read it.
        v1.MapGet("/eaio/report", async (HttpContext http, IRequestLog log, EaioHybridChatOptions options, TimeProvider time) =>
        {
            if (!((GatewayKey)http.Items[KeyItem]!).Admin)
            {
                await OpenAIWire.WriteErrorAsync(http.Response, new GatewayError(
                    StatusCodes.Status403Forbidden,
                    "GET /v1/eaio/report covers every tenant's requests: it needs a key marked as admin in the gateway's configuration (Gateway:Keys:n:Admin=true).",
                    "permission_error",
                    null,
                    "admin_key_required"));
                return Results.Empty;
            }

            int days = 30;
            if (http.Request.Query.TryGetValue("days", out Microsoft.Extensions.Primitives.StringValues value)
                && !(int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out days) && days is >= 1 and <= MaxReportDays))
            {
                await OpenAIWire.WriteErrorAsync(http.Response, new GatewayError(
                    StatusCodes.Status400BadRequest, $"days '{value}' is not valid: expected a whole number of days from 1 to {MaxReportDays}.", "invalid_request_error", "days", null));
                return Results.Empty;
            }

            DateTimeOffset until = time.GetUtcNow();
            OptimizationReport report = await new OptimizationReporter(log, options, timeProvider: time).CreateAsync(until.AddDays(-days), until, http.RequestAborted);
            return Results.Text(report.ToJson(), "application/json");
        });

        return app;
    }

    /// <summary>The router's configuration: the <c>Eaio</c> section, with each key's tenant budget and privacy ceiling laid over it.</summary>
    /// <remarks>
    /// The tenant's privacy ceiling also goes to the router (<c>ClientPrivacy</c>), so even a request that reached the
    /// router without the gateway's own check could not run looser than its tenant allows. With several keys per tenant,
    /// the router gets the loosest of them and the gateway enforces each key's own.
    /// </remarks>
    private static IConfiguration RouterConfiguration(IConfigurationSection eaio, GatewayKeyStore keys)
    {
        Dictionary<string, string?> overlay = new(StringComparer.OrdinalIgnoreCase);
        foreach (IGrouping<string, GatewayKey> tenant in keys.Keys.GroupBy(k => k.Tenant, StringComparer.Ordinal))
        {
            overlay[$"ClientPrivacy:{tenant.Key}"] = tenant.Max(k => k.MaxPrivacy).ToString();
            if (tenant.First().MonthlyBudgetUsd is { } budget)
            {
                overlay[$"TenantBudgets:{tenant.Key}"] = budget.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return new ConfigurationBuilder().AddConfiguration(eaio).AddInMemoryCollection(overlay).Build();
    }
}
