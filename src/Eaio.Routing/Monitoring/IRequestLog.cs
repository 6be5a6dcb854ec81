namespace Eaio.Routing;

/// <summary>The request log: every route attempt with its latency, tokens, cost, outcome and quality, for the optimisation report.</summary>
/// <remarks>
/// <see cref="Record"/> is on the request path: implementations buffer and return at once, never block and never throw;
/// what was recorded is written later, and all of it by <see cref="FlushAsync"/> or a normal dispose.
/// </remarks>
public interface IRequestLog
{
    /// <summary>Queues an entry for writing; returns at once.</summary>
    /// <param name="entry">The entry.</param>
    void Record(RequestLogEntry entry);

    /// <summary>Waits until every entry recorded before this call is stored.</summary>
    /// <param name="cancellationToken">Stops waiting (the entries are still written).</param>
    /// <returns>A task that completes when they are stored.</returns>
    Task FlushAsync(CancellationToken cancellationToken = default);

    /// <summary>Sets the quality score of a response.</summary>
    /// <param name="responseId">The response's <c>ChatResponse.ResponseId</c>.</param>
    /// <param name="score">The score, from 0 (useless) to 1 (perfect).</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns><see langword="true"/> when the response was found in the log.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="score"/> is not from 0 to 1.</exception>
    Task<bool> RecordFeedbackAsync(string responseId, double score, CancellationToken cancellationToken = default);

    /// <summary>Reads the entries whose attempt started in a period, in no particular order.</summary>
    /// <param name="since">The period's start, included.</param>
    /// <param name="until">The period's end, excluded.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The entries.</returns>
    IAsyncEnumerable<RequestLogEntry> ReadAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken = default);
}
