using Microsoft.Extensions.Logging;

namespace Eaio.Routing;

/// <summary>What a request log does with an entry its full queue cannot take: count it, in a field and a metric, and say so.</summary>
internal static partial class RequestLogOverflow
{
    /// <summary>Counts a dropped entry; logs the 1st, 2nd, 4th, 8th… so an overload is visible without flooding the log.</summary>
    public static void Dropped(ref long dropped, ILogger logger, string store)
    {
        long count = Interlocked.Increment(ref dropped);
        EaioMetrics.RequestLogDropped.Add(1);
        if ((count & (count - 1)) == 0)
        {
            LogDropped(logger, store, count);
        }
    }

    [LoggerMessage(LogLevel.Warning, "The request log ({Store}) cannot keep up: {Count} entries dropped so far because its queue was full.")]
    private static partial void LogDropped(ILogger logger, string store, long count);
}
