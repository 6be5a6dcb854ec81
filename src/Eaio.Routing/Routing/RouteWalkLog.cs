using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Eaio.Routing;

/// <summary>What the router records of its walk along a plan: each attempt as a <see cref="RouteAttempt"/> for the decision
/// or the no-route error, and the log entries that say what the caller does not see.</summary>
internal sealed partial class RouteWalkLog(ILogger logger, TimeProvider time)
{
    /// <summary>After the egress guard blocked one external route the payload is known to be unfit to leave: only local routes remain.</summary>
    public static RouteAttempt SkippedAfterBlock(PlannedRoute planned) =>
        new(planned.Provider, planned.Model, TimeSpan.Zero, null, nameof(PrivacyViolationException), "skipped: an earlier external route was blocked by the egress guard, so only local routes remain");

    /// <summary>Logs a failed attempt (at Debug: the call's one entry is the failover warning, or the caller's own for the
    /// exception it receives) and describes it for the decision or the no-route error.</summary>
    public RouteAttempt Failed(PlannedRoute planned, TimeSpan elapsed, Exception ex)
    {
        LogAttemptFailed(planned.Provider, planned.Model, ex.GetType().Name, ex);
        return new(planned.Provider, planned.Model, elapsed, null, ex.GetType().Name, ex.Message)
        {
            RetryAfter = (ex as ProviderUnavailableException)?.RetryAfter,
        };
    }

    /// <summary>Logs the route that answered and, when earlier routes failed, those failures.</summary>
    /// <param name="answered">The route that answered.</param>
    /// <param name="all">Every attempt, the answered one last.</param>
    public void Answered(PlannedRoute answered, IReadOnlyList<RouteAttempt> all)
    {
        LogRouted(answered.Provider, answered.Model, all.Count);
        if (all.Count > 1 && logger.IsEnabled(LogLevel.Warning))
        {
            // Once per call: the caller sees no error, so the log is the only place that says routes failed.
            LogAnsweredAfterFailures(answered.Provider, answered.Model, string.Join("; ", all.Take(all.Count - 1)));
        }
    }

    /// <summary>Commits a stream's route at its first update with output: the attempt that succeeded, and the decision every update carries.</summary>
    public RouteDecision Commit(RoutePlan plan, PlannedRoute planned, List<RouteAttempt> attempts, long started, long requestStarted, bool hasMore)
    {
        TimeSpan firstUpdate = time.GetElapsedTime(started);
        attempts.Add(new RouteAttempt(planned.Provider, planned.Model, firstUpdate, hasMore ? firstUpdate : null, null, null));
        Answered(planned, attempts);
        return new(planned.Provider, planned.Model, planned.Tier, planned.Reasons, attempts, time.GetElapsedTime(requestStarted), plan);
    }

    /// <summary>The error for a plan whose every route failed or was skipped, logged once.</summary>
    public NoRouteAvailableException NoRoute(RoutePlan plan, List<RouteAttempt> attempts, Exception? last)
    {
        NoRouteAvailableException exception = new(plan, attempts, last);
        LogNoRoute(exception.Message);
        return exception;
    }

    /// <summary>Closes a provider's stream; a failure to close is logged, never allowed to replace what the caller sees.</summary>
    public async ValueTask DisposeQuietlyAsync(IAsyncEnumerator<ChatResponseUpdate> updates, PlannedRoute planned)
    {
        try
        {
            await updates.DisposeAsync().ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Logged: the stream is over either way; its layers settled and recorded it on their way out.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogStreamDisposeFailed(planned.Provider, planned.Model, ex.GetType().Name, ex);
        }
    }

    [LoggerMessage(LogLevel.Debug, "Routed to {Provider}/{Model} after {Attempts} attempt(s).")]
    private partial void LogRouted(string provider, string model, int attempts);

    [LoggerMessage(LogLevel.Warning, "Closing the stream of {Provider}/{Model} failed with {ErrorType}.")]
    private partial void LogStreamDisposeFailed(string provider, string model, string errorType, Exception exception);

    [LoggerMessage(LogLevel.Debug, "Route {Provider}/{Model} failed with {ErrorType}; trying the next route of the plan.")]
    private partial void LogAttemptFailed(string provider, string model, string errorType, Exception exception);

    // Debug: the exception is thrown to the caller, whose own logging (UseLogging, the host's error handler) reports it once.
    [LoggerMessage(LogLevel.Debug, "No route available: {Details}")]
    private partial void LogNoRoute(string details);

    [LoggerMessage(LogLevel.Warning, "{Provider}/{Model} answered after the plan's earlier routes failed: {Failures}")]
    private partial void LogAnsweredAfterFailures(string provider, string model, string failures);
}
