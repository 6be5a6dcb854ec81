namespace Eaio.Routing;

/// <summary>
/// Tells <see cref="ProviderResilienceChatClient"/> whether a call's HTTP request went out: set for the call's flow
/// (<see cref="AsyncLocal{T}"/>), marked by <see cref="RequestSendTrackingHandler"/> in the provider's HttpClient when the
/// request passes it and when its body starts to be written, which happens only once a connection is held.
/// </summary>
/// <remarks>A time-out before the body started (the request waited for a connection) was never seen by the provider, so
/// it cannot have been billed. Where the handler is absent (a host's own client), nothing is known and the request counts as sent.
/// Started only for an external call (one whose options carry an external <see cref="RouteCallContext"/>, as under the
/// budget layer): a local call is billed nothing, and an <see cref="AsyncLocal{T}"/> costs an execution context per call.</remarks>
internal sealed class RequestSendProbe
{
    private static readonly AsyncLocal<RequestSendProbe?> s_current = new();

    private volatile bool _observed;
    private volatile bool _sent;

    /// <summary>Gets the probe of the call running in this flow, or <see langword="null"/>.</summary>
    public static RequestSendProbe? Current => s_current.Value;

    /// <summary>Gets a value indicating whether the handler saw the request and its body never started: it was not sent.</summary>
    public bool KnownNotSent => _observed && !_sent;

    /// <summary>Starts a probe for the call about to be made in this flow (and the flows it starts).</summary>
    public static RequestSendProbe Start() => s_current.Value = new RequestSendProbe();

    /// <summary>The request reached the tracking handler.</summary>
    public void Observed() => _observed = true;

    /// <summary>The request is going out: its body is being written to a connection.</summary>
    public void Sending() => _sent = true;
}
