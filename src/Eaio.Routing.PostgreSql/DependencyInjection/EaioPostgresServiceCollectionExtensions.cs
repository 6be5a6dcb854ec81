using Eaio.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Puts the EAIO budget ledger, audit log, request log and (with a vault key) pseudonym vault in PostgreSQL, shared by every host on the same database.</summary>
public static class EaioPostgresServiceCollectionExtensions
{
    /// <summary>
    /// Replaces the embedded SQLite budget ledger, audit log and request log with PostgreSQL ones, and with <c>PSEUDONYM_VAULT_KEY</c>
    /// set the pseudonym vault too, before or after <c>AddEaioHybridChat</c>. The schema is created or migrated on first use.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="connectionString">An Npgsql connection string.</param>
    /// <returns>The service collection.</returns>
    /// <exception cref="ArgumentException"><paramref name="connectionString"/> is empty.</exception>
    public static IServiceCollection AddEaioPostgres(this IServiceCollection services, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);

        services.RemoveAll<PostgresStore>();
        services.AddSingleton(_ => new PostgresStore(connectionString));

        // Replaced rather than tried: AddEaioHybridChat registers the SQLite defaults with TryAdd, in either order.
        services.RemoveAll<IBudgetLedger>();
        services.AddSingleton<IBudgetLedger>(sp => new PostgresBudgetLedger(
            sp.GetRequiredService<PostgresStore>(),
            BudgetLimits.From(sp.GetRequiredService<EaioHybridChatOptions>()),
            sp.GetService<TimeProvider>()));
        services.RemoveAll<IAuditLog>();
        services.AddSingleton<IAuditLog>(sp => new PostgresAuditLog(
            sp.GetRequiredService<PostgresStore>(),
            AuditChatClientBuilderExtensions.ConfiguredKeyOf(sp.GetRequiredService<EaioHybridChatOptions>())));
        services.AddSingleton<IRoutingFeedbackStore>(sp => new PostgresRoutingFeedbackStore(sp.GetRequiredService<PostgresStore>()));

        services.RemoveAll<IRequestLog>();
        services.AddSingleton<IRequestLog>(sp => new PostgresRequestLog(
            sp.GetRequiredService<PostgresStore>(),
            sp.GetService<Microsoft.Extensions.Logging.ILogger<PostgresRequestLog>>(),
            retention: sp.GetRequiredService<EaioHybridChatOptions>().RequestLogRetention,
            timeProvider: sp.GetService<TimeProvider>()));

        // The vault is shared only with a key (PSEUDONYM_VAULT_KEY): without one, placeholders stay in each host's memory.
        services.Replace(ServiceDescriptor.Singleton<IPseudonymVault>(sp =>
            sp.GetRequiredService<EaioHybridChatOptions>().PseudonymVaultKey is { } key
                ? new PostgresPseudonymVault(
                    sp.GetRequiredService<PostgresStore>(),
                    Convert.FromBase64String(key),
                    timeProvider: sp.GetService<TimeProvider>(),
                    logger: sp.GetService<Microsoft.Extensions.Logging.ILogger<PostgresPseudonymVault>>())
                : new InMemoryPseudonymVault(timeProvider: sp.GetService<TimeProvider>())));
        return services;
    }

    /// <summary>Like <see cref="AddEaioPostgres(IServiceCollection, string)"/>, with the connection string from
    /// <c>EAIO_POSTGRES</c> (environment or the section) or the section's <c>Postgres:ConnectionString</c>.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The section the router is configured from (for example <c>configuration.GetSection("Eaio")</c>).</param>
    /// <returns>The service collection.</returns>
    /// <exception cref="EaioConfigurationException">No connection string is configured.</exception>
    public static IServiceCollection AddEaioPostgres(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        string? connectionString = Environment.GetEnvironmentVariable("EAIO_POSTGRES") is { Length: > 0 } fromEnvironment
            ? fromEnvironment
            : configuration["EAIO_POSTGRES"] is { Length: > 0 } flat ? flat : configuration["Postgres:ConnectionString"];
        return string.IsNullOrWhiteSpace(connectionString)
            ? throw new EaioConfigurationException(["EAIO_POSTGRES (or Postgres:ConnectionString) is not set: expected an Npgsql connection string such as Host=127.0.0.1;Database=eaio;Username=eaio;Password=…"])
            : services.AddEaioPostgres(connectionString);
    }
}
