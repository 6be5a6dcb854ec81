using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Eaio.Routing;

/// <summary>Adds <see cref="BudgetChatClient"/> to a chat pipeline.</summary>
public static class BudgetChatClientBuilderExtensions
{
    /// <summary>The file, in the data folder (<c>EAIO_DATA_DIR</c>), of settlements the ledger could not take.</summary>
    public const string PendingSettlementsFile = "eaio-pending-settlements.db";

    /// <summary>Adds cost governance: each call holds its worst case on a budget ledger and settles to its usage.</summary>
    /// <param name="builder">The pipeline.</param>
    /// <param name="ledger">The ledger; the registered <see cref="IBudgetLedger"/> when <see langword="null"/>.</param>
    /// <param name="prices">The prices; the registered <see cref="EaioHybridChatOptions"/>' prices, else <see cref="PriceCatalog.Default"/>, when <see langword="null"/>.</param>
    /// <param name="configure">Configures the client, for example its <see cref="BudgetChatClient.DefaultMaxOutputTokens"/>.</param>
    /// <returns>The <paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">No ledger is passed and none is registered (thrown when the pipeline is built).</exception>
    public static ChatClientBuilder UseBudget(
        this ChatClientBuilder builder, IBudgetLedger? ledger = null, PriceCatalog? prices = null, Action<BudgetChatClient>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((inner, services) =>
        {
            EaioHybridChatOptions? options = services.GetService<EaioHybridChatOptions>();
            BudgetChatClient client = new(
                inner,
                ledger ?? services.GetService<IBudgetLedger>()
                    ?? throw new InvalidOperationException("UseBudget needs a budget ledger: pass one, or register an IBudgetLedger (for example InMemoryBudgetLedger or SqliteBudgetLedger)."),
                prices ?? options?.ResolvePrices(),
                services.GetService<ILoggerFactory>()?.CreateLogger<BudgetChatClient>(),
                options?.TenantBudgetsUsd.Keys);
            if (options is not null)
            {
                client.DefaultMaxOutputTokens = options.DefaultMaxOutputTokens;
                client.OutputLimitOverruns.ExclusionThreshold = options.OutputOverrunsBeforeExclusion;
                client.PendingSettlementsPath = Path.Combine(options.ResolveDataDirectory(), PendingSettlementsFile);
            }

            configure?.Invoke(client);
            return client;
        });
    }
}
