namespace Eaio.Routing;

/// <summary>The names an OpenTelemetry host subscribes to, for example <c>metrics.AddMeter(EaioTelemetry.MeterName)</c> and
/// <c>tracing.AddSource(EaioTelemetry.ActivitySourceName)</c>.</summary>
/// <remarks>
/// Instruments follow the OpenTelemetry gen_ai semantic conventions where one exists (<c>gen_ai.client.operation.duration</c>,
/// <c>gen_ai.client.token.usage</c>, tags <c>gen_ai.provider.name</c>, <c>gen_ai.request.model</c>, <c>gen_ai.operation.name</c>,
/// <c>gen_ai.token.type</c>, <c>error.type</c>); what the conventions do not cover is named <c>eaio.*</c>.
/// </remarks>
public static class EaioTelemetry
{
    /// <summary>The name of the library's <see cref="System.Diagnostics.Metrics.Meter"/>.</summary>
    public const string MeterName = "Eaio.Routing";

    /// <summary>The name of the library's <see cref="System.Diagnostics.ActivitySource"/>: one <c>chat {model}</c> span per request.</summary>
    public const string ActivitySourceName = "Eaio.Routing";
}
