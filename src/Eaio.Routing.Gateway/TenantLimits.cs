using System.Globalization;
using System.Threading.RateLimiting;
using Eaio.Routing;
using Microsoft.Extensions.AI;

namespace Eaio.Routing.Gateway;

/// <summary>
/// Each tenant's requests and tokens per minute, in front of the router: one tenant's burst meets its own limit, with
/// <c>429</c> and <c>Retry-After</c>, instead of using up the per-provider limits every tenant shares.
/// </summary>
/// <remarks>
/// <para>
/// Both are token buckets refilled by a sixth every 10 seconds (as the library's provider token limit), partitioned by
/// tenant. A request takes one request permit and one token to be admitted; the tokens its answer used (input and output,
/// as the provider reported them, local answers too) are taken after it, as far as the bucket holds them. So a tenant is
/// admitted while its token bucket is not empty, is never held to an output limit it did not use, and overshoots by at
/// most the answers already in flight when the bucket runs dry.
/// </para>
/// <para>Configuration: <c>Gateway:Limits:RequestsPerMinute</c> and <c>Gateway:Limits:TokensPerMinute</c> for every
/// tenant, <c>Gateway:Limits:Tenants:&lt;tenant&gt;:RequestsPerMinute</c> and <c>…:TokensPerMinute</c> for one.</para>
/// </remarks>
internal sealed class TenantLimits : IDisposable
{
    /// <summary>Requests per minute per tenant unless configured: ten a second.</summary>
    public const int DefaultRequestsPerMinute = 600;

    /// <summary>Tokens per minute per tenant unless configured: about 600 answers of 3,000 tokens.</summary>
    public const int DefaultTokensPerMinute = 2_000_000;

    private static readonly TimeSpan s_period = TimeSpan.FromSeconds(10);

    private readonly Dictionary<string, (int Requests, int Tokens)> _limits;
    private readonly (int Requests, int Tokens) _default;
    private readonly PartitionedRateLimiter<string> _requests;
    private readonly PartitionedRateLimiter<string> _tokens;

    private TenantLimits(Dictionary<string, (int Requests, int Tokens)> limits, (int Requests, int Tokens) defaults)
    {
        _limits = limits;
        _default = defaults;
        _requests = PartitionedRateLimiter.Create<string, string>(tenant => RateLimitPartition.GetTokenBucketLimiter(tenant, t => Bucket(For(t).Requests)));
        _tokens = PartitionedRateLimiter.Create<string, string>(tenant => RateLimitPartition.GetTokenBucketLimiter(tenant, t => Bucket(For(t).Tokens)));
    }

    /// <summary>Reads and validates the limits.</summary>
    /// <param name="section">The <c>Gateway:Limits</c> section.</param>
    /// <param name="keys">The keys, whose tenants are the only ones a tenant entry may name.</param>
    /// <returns>The limits.</returns>
    /// <exception cref="EaioConfigurationException">A value is not a whole number of 1 or more, or a tenant entry names no key's tenant.</exception>
    public static TenantLimits Load(IConfigurationSection section, GatewayKeyStore keys)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(keys);
        List<string> errors = [];
        (int Requests, int Tokens) defaults = (
            Read(section, "RequestsPerMinute", DefaultRequestsPerMinute, errors),
            Read(section, "TokensPerMinute", DefaultTokensPerMinute, errors));

        HashSet<string> tenants = [.. keys.Keys.Select(k => k.Tenant)];
        Dictionary<string, (int, int)> limits = new(StringComparer.Ordinal);
        foreach (IConfigurationSection tenant in section.GetSection("Tenants").GetChildren())
        {
            // Configuration keys ignore case; tenant names do not, so the entry takes the key's spelling.
            string? name = tenants.FirstOrDefault(t => string.Equals(t, tenant.Key, StringComparison.OrdinalIgnoreCase));
            if (name is null)
            {
                errors.Add($"{tenant.Path} names tenant '{tenant.Key}', which no key under Gateway:Keys has; allowed: {string.Join(", ", tenants.Order(StringComparer.Ordinal))}.");
                continue;
            }

            limits[name] = (Read(tenant, "RequestsPerMinute", defaults.Requests, errors), Read(tenant, "TokensPerMinute", defaults.Tokens, errors));
        }

        return errors.Count > 0 ? throw new EaioConfigurationException(errors) : new TenantLimits(limits, defaults);
    }

    /// <summary>Gets a tenant's limits.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <returns>Its requests and tokens per minute.</returns>
    public (int Requests, int Tokens) For(string tenant) => _limits.GetValueOrDefault(tenant, _default);

    /// <summary>Admits a request of a tenant, or says why not and when to retry.</summary>
    /// <param name="tenant">The key's tenant.</param>
    /// <returns><see langword="null"/> when admitted; else a <c>429</c> in OpenAI's shape with its <c>Retry-After</c>.</returns>
    public GatewayError? TryAdmit(string tenant)
    {
        (int requests, int tokens) = For(tenant);
        using (RateLimitLease lease = _requests.AttemptAcquire(tenant))
        {
            if (!lease.IsAcquired)
            {
                return Refusal(lease, "requests", string.Create(CultureInfo.InvariantCulture, $"Tenant '{tenant}' has reached its limit of {requests} requests per minute"));
            }
        }

        using (RateLimitLease lease = _tokens.AttemptAcquire(tenant))
        {
            return lease.IsAcquired
                ? null
                : Refusal(lease, "tokens", string.Create(CultureInfo.InvariantCulture, $"Tenant '{tenant}' has used its limit of {tokens} tokens per minute"));
        }
    }

    /// <summary>Takes the tokens an answer used from its tenant's bucket, as far as the bucket holds them.</summary>
    /// <param name="tenant">The key's tenant.</param>
    /// <param name="usage">The usage the provider reported, if any.</param>
    /// <param name="cost">What the budget settled on, if anything (its token counts stand in for a missing usage).</param>
    public void Charge(string tenant, UsageDetails? usage, CallCost? cost)
    {
        long used = usage?.TotalTokenCount
            ?? (usage?.InputTokenCount ?? cost?.InputTokens ?? 0) + (usage?.OutputTokenCount ?? cost?.OutputTokens ?? 0);

        // One token was taken on admission.
        long available = _tokens.GetStatistics(tenant)?.CurrentAvailablePermits ?? 0;
        int take = (int)Math.Min(used - 1, available);
        if (take > 0)
        {
            _tokens.AttemptAcquire(tenant, take).Dispose();
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _requests.Dispose();
        _tokens.Dispose();
    }

    private static GatewayError Refusal(RateLimitLease lease, string type, string what)
    {
        TimeSpan retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out TimeSpan after) && after > TimeSpan.Zero ? after : s_period;
        return new GatewayError(
            StatusCodes.Status429TooManyRequests,
            string.Create(CultureInfo.InvariantCulture, $"{what}: retry after {GatewayRetryAfter.Seconds(retryAfter)} s, or ask the gateway's operator to raise Gateway:Limits."),
            type,
            null,
            "rate_limit_exceeded",
            retryAfter);
    }

    private static TokenBucketRateLimiterOptions Bucket(int perMinute) => new()
    {
        TokenLimit = perMinute,
        TokensPerPeriod = Math.Max(1, perMinute / 6),
        ReplenishmentPeriod = s_period,
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    private static int Read(IConfigurationSection section, string name, int fallback, List<string> errors)
    {
        string? text = section[name];
        if (text is null)
        {
            return fallback;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value >= 1)
        {
            return value;
        }

        errors.Add($"{section.Path}:{name} is '{text}'; allowed: a whole number of 1 or more.");
        return fallback;
    }
}
