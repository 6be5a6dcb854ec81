namespace Eaio.Routing;

/// <summary>
/// Where the adaptive policy keeps what it learnt: per request category, how many answers of each tier were scored and the
/// sum of the scores. Hosts that share a store learn together.
/// </summary>
public interface IRoutingFeedbackStore
{
    /// <summary>Adds one score to a category's feedback.</summary>
    /// <param name="category">The request's category (<see cref="ResolvedRequestProfile.Category"/>).</param>
    /// <param name="tier">The tier of the route that answered.</param>
    /// <param name="score">The score, from 0 (useless) to 1 (perfect).</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>A task that completes when the score is stored.</returns>
    /// <exception cref="ArgumentException"><paramref name="category"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="score"/> is not from 0 to 1.</exception>
    Task AddAsync(string category, ProviderTier tier, double score, CancellationToken cancellationToken = default);

    /// <summary>Reads the feedback of every category.</summary>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The feedback by category.</returns>
    Task<IReadOnlyDictionary<string, CategoryFeedback>> ReadAsync(CancellationToken cancellationToken = default);
}
