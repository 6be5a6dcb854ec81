using Microsoft.Extensions.AI;

namespace Eaio.Routing.Tests;

/// <summary>A router over plain provider clients, their routes composed as AddEaioHybridChat composes them.</summary>
internal static class TestRouter
{
    public static HybridRouterChatClient Create(
        EaioHybridChatOptions options,
        IReadOnlyDictionary<string, IChatClient> clients,
        TimeProvider? time = null,
        IBudgetLedger? budget = null,
        ProviderHealthMonitor? health = null,
        IEnumerable<ISensitiveDataDetector>? detectors = null,
        IPseudonymVault? vault = null)
    {
        time ??= TimeProvider.System;
        budget ??= new InMemoryBudgetLedger(BudgetLimits.From(options), time);
        vault ??= new InMemoryPseudonymVault(timeProvider: time);
        ISensitiveDataDetector[]? detectorList = detectors?.ToArray();
        EaioRoutes routes = EaioRoutes.ForClients(options, clients, time, budget, vault, detectorList);
        return new HybridRouterChatClient(options, routes.Pipelines, time, budget, detectors: detectorList, vault: vault, health: health);
    }
}
