namespace Eaio.Routing;

/// <summary>
/// A store the router keeps its state in (the budget ledger, the audit log, the pseudonym vault) failed: the database
/// could not be reached, refused the statement, or kept aborting it as a conflict after the retries allowed.
/// </summary>
/// <remarks>
/// It is the router's own failure, not the provider's: the router does not fail over to another provider for it, and
/// neither the circuit breaker nor the request log counts it against the provider. The driver's exception is the
/// <see cref="Exception.InnerException"/>; the message names the store without its password.
/// </remarks>
public sealed class EaioStorageException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="EaioStorageException"/> class.</summary>
    public EaioStorageException()
        : this("an EAIO store failed")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="EaioStorageException"/> class.</summary>
    /// <param name="message">The message.</param>
    public EaioStorageException(string message)
        : base(message)
    {
        Store = "unknown";
    }

    /// <summary>Initializes a new instance of the <see cref="EaioStorageException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The driver's exception.</param>
    public EaioStorageException(string message, Exception innerException)
        : base(message, innerException)
    {
        Store = "unknown";
    }

    /// <summary>Initializes a new instance of the <see cref="EaioStorageException"/> class.</summary>
    /// <param name="store">The store, for example <c>SQLite ledger at /var/lib/eaio/eaio.db</c> or <c>PostgreSQL ledger 10.0.0.5:5432/eaio</c>.</param>
    /// <param name="operation">What it was asked to do, for example <c>reserve budget</c>.</param>
    /// <param name="innerException">The driver's exception.</param>
    public EaioStorageException(string store, string operation, Exception innerException)
        : base($"The {store} failed to {operation}: {innerException?.Message}", innerException)
    {
        Store = store;
    }

    /// <summary>Gets the store that failed, without credentials.</summary>
    public string Store { get; }
}
