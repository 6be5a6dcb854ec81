using System.Runtime.CompilerServices;
using System.Threading.RateLimiting;
using Microsoft.Extensions.AI;

namespace Eaio.Routing;

/// <summary>
/// A provider's tokens-per-minute limit: each call takes its input estimate plus its output limit from a token bucket, and
/// is refused with <see cref="ProviderUnavailableException"/> when the bucket cannot cover it, so the router tries the
/// next route instead of waiting for the provider's 429.
/// </summary>
/// <remarks>
/// Placed inside <see cref="BudgetChatClient"/>, it takes the tokens the budget already counted
/// (<see cref="RouteCallContext.TokensHeld"/>) instead of counting the input again. Tokens are not given back when the call
/// uses fewer (providers count the limit on the request), nor when a layer below refuses the call (the egress guard, an
/// open circuit): the bucket then runs out a little early, never late.
/// </remarks>
public sealed class TokenRateLimitingChatClient : DelegatingChatClient
{
    private readonly TokenBucketRateLimiter _bucket;

    /// <summary>Initializes a new instance of the <see cref="TokenRateLimitingChatClient"/> class.</summary>
    /// <param name="innerClient">The provider's client.</param>
    /// <param name="tokensPerMinute">The tokens the provider allows per minute.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="tokensPerMinute"/> is below 1.</exception>
    public TokenRateLimitingChatClient(IChatClient innerClient, int tokensPerMinute)
        : base(innerClient)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tokensPerMinute, 1);
        TokensPerMinute = tokensPerMinute;

        // Refilled every 10 seconds rather than once a minute, so a burst that empties the bucket is not locked out for a minute.
        _bucket = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = tokensPerMinute,
            TokensPerPeriod = Math.Max(1, tokensPerMinute / 6),
            ReplenishmentPeriod = TimeSpan.FromSeconds(10),
            QueueLimit = 0,
        });
    }

    /// <summary>Gets the tokens the provider allows per minute.</summary>
    public int TokensPerMinute { get; }

    /// <summary>Gets or sets the configuration key named in refusals (default <c>PROVIDER_TOKENS_PER_MINUTE</c>).</summary>
    public string Setting { get; set; } = "PROVIDER_TOKENS_PER_MINUTE";

    /// <inheritdoc/>
    public override Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Take(messages, options);
        return base.GetResponseAsync(messages, options, cancellationToken);
    }

    /// <inheritdoc/>
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Take(messages, options);
        await foreach (ChatResponseUpdate update in base.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
        {
            yield return update;
        }
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _bucket.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Take(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        ArgumentNullException.ThrowIfNull(messages);
        RouteCallContext? context = RouteCallContext.Get(options);
        string provider = context?.Provider ?? RouteCallContext.ProviderOf(InnerClient);
        int tokens = context?.TokensHeld ?? Count(messages, options);
        if (tokens > TokensPerMinute)
        {
            throw new ProviderUnavailableException(provider, $"the call needs {tokens} tokens (input and output limit), more than {Setting}={TokensPerMinute} allows in a minute");
        }

        using RateLimitLease lease = _bucket.AttemptAcquire(tokens);
        if (!lease.IsAcquired)
        {
            throw new ProviderUnavailableException(provider, $"its token rate limit is reached ({Setting}={TokensPerMinute}; this call needs {tokens})")
            {
                RetryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out TimeSpan retryAfter) ? retryAfter : null,
            };
        }
    }

    private int Count(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        string model = RouteCallContext.ModelOf(options, InnerClient) ?? string.Empty;
        return TokenEstimator.EstimateInputTokens(messages, options, model) + (options?.MaxOutputTokens ?? 0);
    }
}
