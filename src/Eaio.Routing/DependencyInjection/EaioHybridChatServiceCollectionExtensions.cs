using Eaio.Routing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the EAIO hybrid router as the host's <see cref="IChatClient"/>.</summary>
public static class EaioHybridChatServiceCollectionExtensions
{
    /// <summary>The prefix of the named <see cref="HttpClient"/>s the provider clients use (for example <c>Eaio.ollama</c>); add handlers to them with <c>AddHttpClient</c>.</summary>
    /// <remarks>
    /// These clients log nothing of their own: a failed call is reported once, by whoever receives its exception, and
    /// HttpClientFactory's default logger would add four lines per request at Information and a stack trace per refused
    /// connection. To see them while debugging: <c>services.AddHttpClient("Eaio.ollama").AddDefaultLogger()</c>.
    /// </remarks>
    public const string HttpClientPrefix = "Eaio.";

    /// <summary>
    /// Registers the hybrid router, configured from a configuration section and the seed's environment variables
    /// (<c>LLM_STRATEGY</c>, <c>OLLAMA_BASE_URL</c>, <c>OPENAI_API_KEY</c>, …), as the <see cref="IChatClient"/>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The section holding the settings (for example <c>configuration.GetSection("Eaio")</c>); the seed's flat names are read from it and from the environment, and win over structured keys.</param>
    /// <returns>A builder to add the host's own middleware (<c>UseFunctionInvocation</c>, <c>UseLogging</c>, <c>UseOpenTelemetry</c>) around the router.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="EaioConfigurationException">A value is invalid; the message names each key, its value and what is allowed.</exception>
    public static ChatClientBuilder AddEaioHybridChat(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        return services.AddEaioHybridChat(EaioOptionsBinder.Bind(configuration, Environment.GetEnvironmentVariable));
    }

    /// <summary>Registers the hybrid router, configured in code only (no configuration or environment is read), as the <see cref="IChatClient"/>.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options, starting from the seed's defaults.</param>
    /// <returns>A builder to add the host's own middleware around the router.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="EaioConfigurationException">A value is invalid; the message names each key, its value and what is allowed.</exception>
    public static ChatClientBuilder AddEaioHybridChat(this IServiceCollection services, Action<EaioHybridChatOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);

        EaioHybridChatOptions options = new();
        configure(options);
        return services.AddEaioHybridChat(options);
    }

    private static ChatClientBuilder AddEaioHybridChat(this IServiceCollection services, EaioHybridChatOptions options)
    {
        EaioOptionsBinder.Validate(options);
        EaioOptionsBinder.ValidateDataDirectory(options);
        ProviderCatalog catalog = options.ResolveCatalog();

        // Read before anything is registered, so a missing file or a bad pattern fails start-up, not the first request.
        IReadOnlyList<ISensitiveDataDetector> identifiers = IdentifierDetectorFactory.Create(options.Privacy);

        services.AddSingleton(options);
        services.TryAddSingleton(TimeProvider.System);
        if (options.PseudonymVaultKey is { } vaultKey)
        {
            // Persistent and shared: originals encrypted, conversation ids hashed, in the same embedded file.
            services.TryAddSingleton<IPseudonymVault>(sp => new SqlitePseudonymVault(
                DataFile("eaio.db"),
                Convert.FromBase64String(vaultKey),
                timeProvider: sp.GetService<TimeProvider>(),
                logger: sp.GetService<ILogger<SqlitePseudonymVault>>()));
        }
        else
        {
            services.TryAddSingleton<IPseudonymVault>(sp => new InMemoryPseudonymVault(timeProvider: sp.GetService<TimeProvider>()));
        }

        // The built-in detectors feed profiling (sensitivity), pseudonymisation and the egress guard. Hosts add their own
        // with AddSingleton<ISensitiveDataDetector>, or remove these with RemoveAll<ISensitiveDataDetector>().
        foreach (ISensitiveDataDetector detector in SensitiveDataScanner.CreateDefault().Detectors)
        {
            services.TryAddEnumerable(ServiceDescriptor.Singleton<ISensitiveDataDetector>(detector));
        }

        // The configured identifiers (Privacy:*) are added as they are: TryAddEnumerable keeps one instance per type, which
        // would drop every equipment pattern but the first and a host's own BuildingRegistryDetector or ours.
        foreach (ISensitiveDataDetector detector in identifiers)
        {
            services.AddSingleton(detector);
        }

        // The default budget ledger has the embedded file eaio.db (with the vault), where nothing else writes in bulk: a
        // reservation or settlement never waits on a request-log batch or an audit flush. Hosts register their own
        // IBudgetLedger (InMemoryBudgetLedger, PostgreSQL) to replace it.
        services.TryAddSingleton<IBudgetLedger>(sp => new SqliteBudgetLedger(DataFile("eaio.db"), BudgetLimits.From(options), sp.GetService<TimeProvider>()));

        // Every route attempt goes to the request log (the optimisation report's data), in a file of its own shared with
        // the routing feedback (a score updates both); tables an earlier version left in eaio.db are moved into it on first
        // use. Hosts register their own IRequestLog (InMemoryRequestLog, PostgreSQL) to replace it. Entries older than
        // REQUEST_LOG_RETENTION_DAYS are purged, so a long-running host's file stops growing.
        // What the adaptive policy learns (ADAPTIVE_ROUTING) survives a restart; register PostgresRoutingFeedbackStore to
        // let many hosts learn together.
        services.TryAddSingleton<IRoutingFeedbackStore>(_ => new SqliteRoutingFeedbackStore(DataFile("eaio-requests.db")) { MoveFrom = DataFile("eaio.db") });
        services.TryAddSingleton<IRequestLog>(sp => new SqliteRequestLog(
            DataFile("eaio-requests.db"),
            sp.GetService<ILoggerFactory>()?.CreateLogger<SqliteRequestLog>(),
            retention: options.RequestLogRetention,
            timeProvider: sp.GetService<TimeProvider>())
        {
            MoveFrom = DataFile("eaio.db"),
        });

        if (options.AuditAllApiCalls)
        {
            // The default store: its own SQLite file, created on first use, so the ledger and request log never wait on its
            // flushes; an audit table left in eaio.db by an earlier version is moved into it on first use.
            // Hosts register their own IAuditLog to replace it. Its chain is keyed with AUDIT_HMAC_KEY when set, so a record
            // cannot be forged without the key; records older than AUDIT_RETENTION_DAYS are exported, then deleted.
            services.TryAddSingleton<IAuditLog>(sp => new SqliteAuditLog(
                DataFile("eaio-audit.db"),
                AuditChatClientBuilderExtensions.ConfiguredKeyOf(options),
                options.AuditRetention,
                sp.GetService<TimeProvider>(),
                sp.GetService<ILoggerFactory>()?.CreateLogger<SqliteAuditLog>())
            {
                MoveFrom = DataFile("eaio.db"),
            });
        }

        foreach (ProviderDescriptor provider in catalog.Providers)
        {
            string name = provider.Name;
            if (provider.Tier == ProviderTier.Local)
            {
                AddProviderHttpClient(services, name);
                services.TryAddKeyedSingleton<IChatClient>(name, (sp, _) =>
                    ProviderClientFactory.CreateOllama(options.Ollama, HttpClientFor(sp, name)));
                continue;
            }

            ExternalProviderOptions? settings = options.GetExternal(name);
            if (settings is not { IsConfigured: true })
            {
                // No key: the provider stays out of every plan, unless the host registers its own client under this key.
                continue;
            }

            AddProviderHttpClient(services, name);
            if (name == EaioProviders.Anthropic)
            {
                // Anthropic's SDK is in Eaio.Routing.Anthropic: until AddEaioAnthropic replaces this stand-in (before or after
                // this call), the provider stays out of plans with a reason that says what to add, not "not set".
                services.TryAddKeyedSingleton<IChatClient>(name, UnregisteredProviderChatClient.ForAnthropic(provider.KeySetting));
                continue;
            }

            string model = provider.ModelFor(ModelTask.General).Id;
            services.TryAddKeyedSingleton<IChatClient>(name, (sp, _) =>
                ProviderClientFactory.CreateOpenAICompatible(settings, model, HttpClientFor(sp, name), options.ApiTotalTimeout));
        }

        // The routes are built when the router is first resolved, so keyed clients and route middleware registered after
        // this call count; the container disposes them with it (the provider clients stay the registrations' own).
        services.TryAddSingleton(sp => EaioRoutes.FromServices(sp, options));
        services.TryAddSingleton(sp => new HybridRouterChatClient(
            options,
            sp.GetRequiredService<EaioRoutes>().Pipelines,
            sp.GetService<TimeProvider>(),
            sp.GetService<IBudgetLedger>(),
            sp.GetService<ILoggerFactory>(),
            sp.GetServices<ISensitiveDataDetector>(),
            sp.GetService<IPseudonymVault>(),
            sp.GetService<ProviderHealthMonitor>(),
            sp.GetService<IRoutingFeedbackStore>()));

        // Embeddings by the same privacy rules: Ollama locally, OpenAI only where they allow, on the same budget and audit log.
        services.TryAddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(sp => new PrivacyRoutingEmbeddingGenerator(
            ProviderClientFactory.CreateOllamaEmbeddings(options.Ollama, HttpClientFor(sp, EaioProviders.Ollama)),
            options.OpenAI.IsConfigured
                ? ProviderClientFactory.CreateOpenAIEmbeddings(options.OpenAI, options.OpenAIEmbeddingModel, HttpClientFor(sp, EaioProviders.OpenAI), options.ApiTotalTimeout)
                : null,
            options,
            sp.GetServices<ISensitiveDataDetector>(),
            sp.GetService<IBudgetLedger>(),
            sp.GetService<IAuditLog>(),
            sp.GetService<TimeProvider>()));

        return services.AddChatClient(sp => sp.GetRequiredService<HybridRouterChatClient>());

        // Resolved when a store is created, as before: the data folder is read from the options then.
        string DataFile(string name) => Path.Combine(options.ResolveDataDirectory(), name);
    }

    /// <summary>Registers the named <see cref="HttpClient"/> of <paramref name="provider"/>: no timeout of its own (the route's
    /// resilience layer keeps time) and no logger of its own (see <see cref="HttpClientPrefix"/>).</summary>
    // The tracking handler tells a time-out spent waiting for a connection (not sent, not billed) from one after sending;
    // the client's own request logs are off (a host adds them back with AddDefaultLogger).
    private static void AddProviderHttpClient(IServiceCollection services, string provider) =>
        services.AddHttpClient(HttpClientPrefix + provider, c => c.Timeout = Timeout.InfiniteTimeSpan)
            .AddHttpMessageHandler(() => new RequestSendTrackingHandler())
            .RemoveAllLoggers();

    /// <summary>The named <see cref="HttpClient"/> of <paramref name="provider"/>, registered with no timeout of its own.</summary>
    internal static HttpClient HttpClientFor(IServiceProvider services, string provider) =>
        services.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientPrefix + provider);
}
