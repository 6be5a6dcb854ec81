using Microsoft.Extensions.AI;

namespace Eaio.Routing;

/// <summary>What a middleware does while a stream passes through it (see <see cref="ObservedStream"/>).</summary>
internal interface IStreamObserver
{
    /// <summary>The stream failed, or the caller cancelled it, before its first update.</summary>
    ValueTask FailedBeforeFirstUpdateAsync(Exception exception, bool cancelledByCaller);

    /// <summary>An update is about to be passed on.</summary>
    ValueTask OnUpdateAsync(ChatResponseUpdate update);

    /// <summary>A stream that produced updates, or completed without any, has ended; the provider's stream is closed.</summary>
    ValueTask EndedAsync(StreamEnd end);
}
