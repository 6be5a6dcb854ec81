namespace Eaio.Routing.Gateway;

/// <summary>The gateway's log messages. None of them carries an API key or message text: only tenants, routes and reasons.</summary>
internal static partial class GatewayLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Tenant {Tenant}: served by {Provider}/{Model} (streamed: {Stream})")]
    public static partial void Served(ILogger logger, string tenant, string provider, string model, bool stream);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Refused a request without a valid API key (no key, or an unknown one) from {Remote}")]
    public static partial void Unauthorized(ILogger logger, System.Net.IPAddress? remote);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Tenant {Tenant}: refused with {Status} {Code}")]
    public static partial void Refused(ILogger logger, string tenant, int status, string? code);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning, Message = "Tenant {Tenant}: no route could serve the request, refused with 503: {Reason}")]
    public static partial void NoRoute(ILogger logger, string tenant, string reason);

    [LoggerMessage(EventId = 4, Level = LogLevel.Error, Message = "Tenant {Tenant}: the request failed unexpectedly")]
    public static partial void Failed(ILogger logger, Exception exception, string tenant);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Tenant {Tenant}: the stream from {Provider}/{Model} failed after it started; the client got an error event")]
    public static partial void StreamFailed(ILogger logger, Exception exception, string tenant, string provider, string model);

    [LoggerMessage(EventId = 6, Level = LogLevel.Information, Message = "EAIO gateway: {KeyCount} API key(s) for {TenantCount} tenant(s); privacy ceilings: {Ceilings}")]
    public static partial void Started(ILogger logger, int keyCount, int tenantCount, string ceilings);

    /// <summary>Describes the keys' ceilings without the keys, e.g. <c>#0 acme Enhanced</c>.</summary>
    /// <param name="keys">The keys.</param>
    /// <returns>The description.</returns>
    public static string Describe(IEnumerable<GatewayKey> keys) =>
        string.Join(", ", keys.Select(k => $"#{k.Index} {k.Tenant} {PrivacyLevels.Name(k.MaxPrivacy)}"));
}
