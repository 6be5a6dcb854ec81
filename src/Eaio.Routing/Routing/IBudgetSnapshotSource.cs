namespace Eaio.Routing;

/// <summary>Tells the router what remains of a tenant's budget, so the policy can keep external calls inside it.</summary>
public interface IBudgetSnapshotSource
{
    /// <summary>Gets the current budget snapshot.</summary>
    /// <param name="tenantId">The tenant, or <see langword="null"/> for the host's own budget.</param>
    /// <returns>The snapshot.</returns>
    BudgetSnapshot GetSnapshot(string? tenantId);
}
