using System.Threading.RateLimiting;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Eaio.Routing;

/// <summary>
/// The composition root of the router's routes: one <see cref="ChatClientBuilder"/> pipeline per provider that has a
/// client, in the order the invariants fix (see <c>docs/design.md</c>). It owns the pipelines and the limiters they share.
/// </summary>
/// <remarks>
/// From the outside in: the host's own middleware (<c>ConfigureEaioRoute</c>), the request log, then for external
/// routes audit, pseudonymisation, budget, token rate limit and the egress guard; then every route's resilience (time
/// limits, concurrency, request rate, circuit breaker, stream-end check), usage normalisation and the provider's option fixes.
/// </remarks>
internal sealed partial class EaioRoutes : IDisposable
{
    private static int s_randomKeyReported;
    private readonly List<IDisposable> _owned = [];
    private readonly ILogger _logger;

    /// <summary>Builds the routes of the providers that have a client.</summary>
    /// <param name="options">The router's options.</param>
    /// <param name="clients">The provider clients by name; the pipelines use them but do not own them.</param>
    /// <param name="services">Where the layers find what they need (budget ledger, vault, detectors, logs, clock).</param>
    public EaioRoutes(EaioHybridChatOptions options, IReadOnlyDictionary<string, IChatClient> clients, IServiceProvider services)
    {
        TimeProvider time = services.GetService<TimeProvider>() ?? TimeProvider.System;
        _logger = services.GetService<ILoggerFactory>()?.CreateLogger<HybridRouterChatClient>() ?? (ILogger)Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        ProviderCatalog catalog = options.ResolveCatalog();
        EaioRouteConfiguration[] hostMiddleware = [.. services.GetServices<EaioRouteConfiguration>()];
        IAuditLog? audit = Audit(services, options);
        byte[] auditKey = AuditChatClientBuilderExtensions.KeyOf(options);

        // One concurrency limit per tier, shared by its providers: the local model's GPU and the host's outbound budget.
        ConcurrencyLimiter local = Own(NeverIdleLimiter(options.MaxConcurrentLocal, options.MaxQueuedRequests));
        ConcurrencyLimiter api = Own(NeverIdleLimiter(options.MaxConcurrentApi, options.MaxQueuedRequests));

        Dictionary<string, IChatClient> pipelines = new(StringComparer.OrdinalIgnoreCase);
        foreach (ProviderDescriptor provider in catalog.Providers)
        {
            if (!clients.TryGetValue(provider.Name, out IChatClient? client))
            {
                continue;
            }

            if (client is UnregisteredProviderChatClient standIn)
            {
                // The key was set on purpose, so a silent absence would surprise: the route table reads the reason from it.
                LogProviderNotRegistered(standIn.Reason);
                pipelines[provider.Name] = standIn;
                continue;
            }

            bool isLocal = provider.Tier == ProviderTier.Local;
            ChatClientBuilder builder = new(new BorrowedChatClient(client));
            foreach (EaioRouteConfiguration configuration in hostMiddleware)
            {
                if (string.Equals(configuration.Provider, provider.Name, StringComparison.OrdinalIgnoreCase))
                {
                    configuration.Configure(builder);
                }
            }

            builder.UseRequestLog();
            if (!isLocal)
            {
                if (audit is not null)
                {
                    builder.UseAudit(audit, auditKey);
                }

                builder
                    .UsePseudonymization()
                    .UseBudget(configure: b => b.DefaultMaxOutputTokens = options.DefaultMaxOutputTokens)
                    .UseTokenRateLimit(options.TokensPerMinute)
                    .UseEgressGuard(provider.Name);
            }

            builder
                .UseProviderResilience(new ProviderResilienceOptions
                {
                    ProviderName = provider.Name,
                    FirstUpdateTimeout = isLocal ? options.LocalTimeout : options.ApiTimeout,
                    TotalTimeout = isLocal ? options.LocalTotalTimeout : options.ApiTotalTimeout,
                    FirstUpdateTimeoutSettingName = isLocal ? "LOCAL_TIMEOUT_SEC" : "API_TIMEOUT_SEC",
                    TotalTimeoutSettingName = isLocal ? "LOCAL_TOTAL_TIMEOUT_SEC" : "API_TOTAL_TIMEOUT_SEC",
                    ConcurrencySettingName = isLocal ? "MAX_CONCURRENT_LOCAL" : "MAX_CONCURRENT_API",
                    QueueLimitSettingName = "MAX_QUEUED_REQUESTS",
                    RequestsPerMinute = options.RequestsPerMinute,
                    RequestsPerMinuteSettingName = "PROVIDER_REQUESTS_PER_MINUTE",
                    ConcurrencyLimiter = isLocal ? local : api,
                    CircuitMinimumThroughput = options.CircuitMinimumThroughput,
                    CircuitBreakDuration = options.CircuitBreakDuration,
                    TimeProvider = time,
                })
                .UseUsageNormalization();
            if (provider.Name is EaioProviders.DeepSeek or EaioProviders.Mistral)
            {
                builder.UseMaxTokensField();
            }

            pipelines[provider.Name] = Own(builder.Build(services));
        }

        Pipelines = pipelines;
    }

    /// <summary>The routes of the providers registered as keyed <see cref="IChatClient"/>s (the package's or the host's own).</summary>
    public static EaioRoutes FromServices(IServiceProvider services, EaioHybridChatOptions options)
    {
        Dictionary<string, IChatClient> clients = new(StringComparer.OrdinalIgnoreCase);
        foreach (ProviderDescriptor provider in options.ResolveCatalog().Providers)
        {
            if (services.GetKeyedService<IChatClient>(provider.Name) is { } client)
            {
                clients[provider.Name] = client;
            }
        }

        return new EaioRoutes(options, clients, services);
    }

    /// <summary>
    /// The routes of plain provider clients, composed as <c>AddEaioHybridChat</c> composes them, with the given stores
    /// (in memory when <see langword="null"/>) and no audit log; for tests and benchmarks that build a router by hand.
    /// </summary>
    internal static EaioRoutes ForClients(
        EaioHybridChatOptions options,
        IReadOnlyDictionary<string, IChatClient> clients,
        TimeProvider? time = null,
        IBudgetLedger? budget = null,
        IPseudonymVault? vault = null,
        IEnumerable<ISensitiveDataDetector>? detectors = null,
        IRequestLog? requestLog = null)
    {
        time ??= TimeProvider.System;
        ServiceCollection services = new();
        services.AddSingleton(options);
        services.AddSingleton(time);
        services.AddSingleton(budget ?? new InMemoryBudgetLedger(BudgetLimits.From(options), time));
        services.AddSingleton(vault ?? new InMemoryPseudonymVault(timeProvider: time));
        if (requestLog is not null)
        {
            services.AddSingleton(requestLog);
        }

        foreach (ISensitiveDataDetector detector in detectors ?? [])
        {
            services.AddSingleton(detector);
        }

        return new EaioRoutes(options, clients, services.BuildServiceProvider());
    }

    /// <summary>Gets each provider's pipeline by name.</summary>
    public IReadOnlyDictionary<string, IChatClient> Pipelines { get; }

    public void Dispose()
    {
        foreach (IDisposable owned in _owned)
        {
            owned.Dispose();
        }
    }

    private IAuditLog? Audit(IServiceProvider services, EaioHybridChatOptions options)
    {
        IAuditLog? audit = options.AuditAllApiCalls ? services.GetService<IAuditLog>() : null;
        if (audit is null)
        {
            LogAuditOff();
        }
        else if (options.AuditHmacKey is null && Interlocked.Exchange(ref s_randomKeyReported, 1) == 0)
        {
            // Once per process: every container a process builds (a test host, a second router) would repeat the same advice.
            LogRandomHmacKey();
        }

        return audit;
    }

    /// <summary>A concurrency limit of <paramref name="permits"/> whose limiter holds one more permit for its lifetime.</summary>
    /// <remarks>
    /// A <see cref="ConcurrencyLimiter"/> reads the clock each time its last permit comes back, to report how long it has been
    /// idle; nothing here reads that, and on a lightly loaded router it would cost every call a clock read. The held permit
    /// keeps it from ever being idle. Disposing the limiter ends the lease with it.
    /// </remarks>
    private static ConcurrencyLimiter NeverIdleLimiter(int permits, int queued)
    {
        ConcurrencyLimiter limiter = new(new ConcurrencyLimiterOptions
        {
            PermitLimit = permits < int.MaxValue ? permits + 1 : permits, // int.MaxValue is no limit either way
            QueueLimit = queued,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
        _ = limiter.AttemptAcquire();
        return limiter;
    }

    private T Own<T>(T disposable)
        where T : IDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }

    [LoggerMessage(LogLevel.Warning, "{Reason}; the provider is left out of every plan.")]
    private partial void LogProviderNotRegistered(string reason);

    [LoggerMessage(LogLevel.Warning, "AUDIT_ALL_API_CALLS is off or no audit log is registered: external calls are not audited.")]
    private partial void LogAuditOff();

    [LoggerMessage(LogLevel.Warning, "AUDIT_HMAC_KEY is not set: the audit log's payload hashes use a random key made at start-up and cannot be compared across restarts.")]
    private partial void LogRandomHmacKey();
}
