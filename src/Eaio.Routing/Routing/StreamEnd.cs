namespace Eaio.Routing;

/// <summary>How a stream that produced output (or completed without any) ended, as a middleware that watched it sees it.</summary>
internal enum StreamEnd
{
    /// <summary>The provider's stream ran to its end.</summary>
    Completed,

    /// <summary>Reading the provider's stream failed after it had produced output.</summary>
    FailedAfterOutput,

    /// <summary>The caller stopped reading, or cancelled, after the stream had produced updates.</summary>
    StoppedByCaller,
}
