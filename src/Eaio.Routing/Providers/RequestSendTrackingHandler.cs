using System.Net;

namespace Eaio.Routing;

/// <summary>Marks a call's <see cref="RequestSendProbe"/> when its request body starts going out on a connection (see there).</summary>
internal sealed class RequestSendTrackingHandler : DelegatingHandler
{
    /// <inheritdoc/>
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (RequestSendProbe.Current is { } probe)
        {
            probe.Observed();
            if (request.Content is { } content)
            {
                request.Content = new SignallingContent(content, probe);
            }
            else
            {
                probe.Sending();
            }
        }

        return base.SendAsync(request, cancellationToken);
    }

    /// <summary>The request's body, which marks the probe when the handler below starts writing it: after it has a connection.</summary>
    private sealed class SignallingContent : HttpContent
    {
        private readonly HttpContent _inner;
        private readonly RequestSendProbe _probe;

        public SignallingContent(HttpContent inner, RequestSendProbe probe)
        {
            _inner = inner;
            _probe = probe;
            foreach (KeyValuePair<string, IEnumerable<string>> header in inner.Headers)
            {
                _ = Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            _probe.Sending();
            return _inner.CopyToAsync(stream, context, cancellationToken);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _inner.Headers.ContentLength ?? -1;
            return length >= 0;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
