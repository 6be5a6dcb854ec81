using System.Globalization;
using Eaio.Routing;

namespace Eaio.Routing.Gateway;

/// <summary>
/// <c>Retry-After</c> on every <c>429</c> and <c>503</c>: the endpoints set the value they know (a limiter's lease, the
/// soonest provider retry); this fills in the rest (a health check's 503, a refusal that knew no time) with the router's
/// circuit break, after which a failed provider takes a trial call again.
/// </summary>
internal static class GatewayRetryAfter
{
    /// <summary>A wait as <c>Retry-After</c> seconds: whole, rounded up, at least 1.</summary>
    /// <param name="wait">The wait.</param>
    /// <returns>The seconds.</returns>
    public static long Seconds(TimeSpan wait) => Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds));

    /// <summary>Sets the header.</summary>
    /// <param name="response">The response, not started.</param>
    /// <param name="wait">The wait.</param>
    public static void Set(HttpResponse response, TimeSpan wait) =>
        response.Headers.RetryAfter = Seconds(wait).ToString(CultureInfo.InvariantCulture);

    /// <summary>The soonest a failed request may be retried: the soonest retry its attempts reported, else the circuit break.</summary>
    /// <param name="noRoute">The router's refusal.</param>
    /// <param name="options">The router's options.</param>
    /// <returns>The wait.</returns>
    public static TimeSpan Soonest(NoRouteAvailableException noRoute, EaioHybridChatOptions options) =>
        noRoute.Attempts.Where(a => a.RetryAfter is not null).Select(a => a.RetryAfter!.Value).DefaultIfEmpty(options.CircuitBreakDuration).Min();

    /// <summary>Adds the header to a 429 or 503 that went out without one.</summary>
    /// <param name="context">The request.</param>
    /// <param name="next">The rest of the pipeline.</param>
    /// <returns>A task that completes with the pipeline.</returns>
    public static Task Ensure(HttpContext context, RequestDelegate next)
    {
        HttpResponse response = context.Response;
        response.OnStarting(() =>
        {
            if (response.StatusCode is StatusCodes.Status429TooManyRequests or StatusCodes.Status503ServiceUnavailable
                && !response.Headers.ContainsKey("Retry-After"))
            {
                Set(response, context.RequestServices.GetRequiredService<EaioHybridChatOptions>().CircuitBreakDuration);
            }

            return Task.CompletedTask;
        });
        return next(context);
    }
}
