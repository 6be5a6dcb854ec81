using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Eaio.Routing;

/// <summary>How the router starts a route's stream and finds the update that commits it.</summary>
internal static class RouteStreams
{
    /// <summary>Starts an attempt's stream; a client that throws here instead of from its first read fails over like one whose first read fails.</summary>
    public static IAsyncEnumerator<ChatResponseUpdate> Open(IChatClient route, IEnumerable<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
    {
        try
        {
            return route.GetStreamingResponseAsync(messages, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        }
#pragma warning disable CA1031 // Not handled: thrown again by the first read.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return FailingStream(ex).GetAsyncEnumerator(cancellationToken);
        }

        static async IAsyncEnumerable<ChatResponseUpdate> FailingStream(Exception failure)
        {
            await Task.CompletedTask.ConfigureAwait(false);
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
            yield break;
        }
    }

    /// <summary>
    /// Reads a stream up to its first update with output. Leading updates without output (a role-only first chunk, an
    /// empty text) are held back, so the route is committed only by real output and a provider that fails before
    /// producing any can still be failed over.
    /// </summary>
    public static async ValueTask<(List<ChatResponseUpdate>? Held, bool HasMore)> UntilOutputAsync(IAsyncEnumerator<ChatResponseUpdate> updates)
    {
        List<ChatResponseUpdate>? held = null;
        bool hasMore;
        while ((hasMore = await updates.MoveNextAsync().ConfigureAwait(false)) && !updates.Current.HasOutput())
        {
            (held ??= []).Add(updates.Current);
        }

        return (held, hasMore);
    }
}
