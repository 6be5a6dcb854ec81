using Microsoft.Extensions.AI;

namespace Eaio.Routing;

/// <summary>What a middleware does while a stream passes through it (see <see cref="ObservedStream"/>).</summary>
internal interface IStreamObserver
{
    /// <summary>The stream failed, or the caller cancelled it, before any output (updates without output may have passed).</summary>
    ValueTask FailedBeforeOutputAsync(Exception exception, bool cancelledByCaller);

    /// <summary>An update is about to be passed on.</summary>
    ValueTask OnUpdateAsync(ChatResponseUpdate update);

    /// <summary>A stream that produced output, or completed without any, has ended; the provider's stream is closed.</summary>
    ValueTask EndedAsync(StreamEnd end);
}
