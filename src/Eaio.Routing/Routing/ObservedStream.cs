using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Eaio.Routing;

/// <summary>
/// Passes a stream through while an <see cref="IStreamObserver"/> watches it: the one place that tells a failure before
/// any output from one after it, and a provider's failure from a caller who stopped reading, so the budget, audit and
/// request-log layers settle, record and log each stream exactly once.
/// </summary>
/// <remarks>
/// Output is what the router commits a route on (<see cref="ChatResponseUpdateOutput.HasOutput"/>): a stream that broke
/// after a role-only chunk is failed over, so it must be recorded as a failure before output, not as one after it.
/// </remarks>
internal static class ObservedStream
{
    /// <param name="open">Starts the inner stream; a client that throws here instead of from its first read fails like one
    /// that fails before its first update.</param>
    /// <param name="observer">What the middleware does.</param>
    /// <param name="cancellationToken">The caller's token.</param>
    public static async IAsyncEnumerable<ChatResponseUpdate> ObserveAsync(
        Func<IAsyncEnumerable<ChatResponseUpdate>> open, IStreamObserver observer, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        IAsyncEnumerator<ChatResponseUpdate> updates;
        try
        {
            updates = open().GetAsyncEnumerator(cancellationToken);
        }
        catch (Exception ex)
        {
            await observer.FailedBeforeOutputAsync(ex, cancellationToken.IsCancellationRequested).ConfigureAwait(false);
            throw;
        }

        bool hasOutput = false;
        bool failedBeforeFirst = false;
        StreamEnd end = StreamEnd.StoppedByCaller; // unless the loop below says otherwise: the caller left at a yield
        try
        {
            while (true)
            {
                try
                {
                    if (!await updates.MoveNextAsync().ConfigureAwait(false))
                    {
                        break;
                    }
                }
                catch (Exception ex) when (!hasOutput)
                {
                    failedBeforeFirst = true;
                    await observer.FailedBeforeOutputAsync(ex, cancellationToken.IsCancellationRequested).ConfigureAwait(false);
                    throw;
                }
                catch when (!cancellationToken.IsCancellationRequested)
                {
                    end = StreamEnd.FailedAfterOutput;
                    throw;
                }

                hasOutput |= updates.Current.HasOutput();
                await observer.OnUpdateAsync(updates.Current).ConfigureAwait(false);
                yield return updates.Current;
            }

            end = StreamEnd.Completed;
        }
        finally
        {
            try
            {
                await updates.DisposeAsync().ConfigureAwait(false);
            }
            finally
            {
                if (!failedBeforeFirst)
                {
                    await observer.EndedAsync(end).ConfigureAwait(false);
                }
            }
        }
    }
}
