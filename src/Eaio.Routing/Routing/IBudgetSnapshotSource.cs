namespace Eaio.Routing;

/// <summary>Tells the router what remains of a tenant's budget, so the policy can keep external calls inside it.</summary>
public interface IBudgetSnapshotSource
{
    /// <summary>Gets the current budget snapshot.</summary>
    /// <param name="tenantId">The tenant, or <see langword="null"/> for the host's own budget.</param>
    /// <param name="cancellationToken">The token to cancel the operation.</param>
    /// <returns>The snapshot. Asked for every request that may go out, so an implementation that can answer from memory
    /// should complete synchronously; one that must read a store must not block the calling thread while it does.</returns>
    /// <exception cref="EaioStorageException">The store behind the source could not be read.</exception>
    ValueTask<BudgetSnapshot> GetSnapshotAsync(string? tenantId, CancellationToken cancellationToken = default);
}
