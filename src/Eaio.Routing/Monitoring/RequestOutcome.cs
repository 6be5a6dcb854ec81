namespace Eaio.Routing;

/// <summary>How one route attempt ended, as the request log and the optimisation report count it.</summary>
public enum RequestOutcome
{
    /// <summary>The provider answered.</summary>
    Succeeded = 0,

    /// <summary>The provider answered with an error, or its answer was unusable (a broken stream, malformed data).</summary>
    Failed = 1,

    /// <summary>The provider could not be reached or did not answer in time (connection refused, time limit, circuit open, rate limited).</summary>
    Unavailable = 2,

    /// <summary>The router refused or could not make the call itself (egress guard, sanitising, budget, or its own store
    /// failing: <see cref="EaioStorageException"/>); not the provider's fault.</summary>
    Blocked = 3,

    /// <summary>The caller cancelled or stopped reading the stream; not counted against the provider.</summary>
    Cancelled = 4,
}
