namespace Eaio.Routing;

/// <summary>A routing feedback store in memory, for tests and single hosts that need not keep what they learnt.</summary>
/// <remarks>This type is thread-safe.</remarks>
public sealed class InMemoryRoutingFeedbackStore : IRoutingFeedbackStore
{
    private readonly Dictionary<string, CategoryFeedback> _categories = new(StringComparer.Ordinal);

    /// <inheritdoc/>
    public Task AddAsync(string category, ProviderTier tier, double score, CancellationToken cancellationToken = default)
    {
        RoutingFeedback.Validate(category, score);
        lock (_categories)
        {
            _categories[category] = _categories.GetValueOrDefault(category).Add(tier, score);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task<IReadOnlyDictionary<string, CategoryFeedback>> ReadAsync(CancellationToken cancellationToken = default)
    {
        lock (_categories)
        {
            return Task.FromResult<IReadOnlyDictionary<string, CategoryFeedback>>(new Dictionary<string, CategoryFeedback>(_categories, StringComparer.Ordinal));
        }
    }
}
