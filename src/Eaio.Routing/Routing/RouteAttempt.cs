namespace Eaio.Routing;

/// <summary>One try of a route: which provider and model, how long it took, and how it ended.</summary>
/// <param name="Provider">The provider's name.</param>
/// <param name="Model">The model id.</param>
/// <param name="Duration">The time spent on the attempt until it failed, its response arrived, or (streaming) its first update arrived.</param>
/// <param name="TimeToFirstUpdate">The time to the first streamed update, or <see langword="null"/> when none arrived or the call was not streamed.</param>
/// <remarks>On the system clock a non-streamed attempt's duration is read from the millisecond tick count, whose steps are the
/// kernel timer's (1 to 4 ms on Linux, about 16 ms on Windows): an attempt answered at once reads 0. Streamed attempts are
/// timed with the high-resolution clock.</remarks>
/// <param name="ErrorType">The exception type's name when the attempt failed, else <see langword="null"/>.</param>
/// <param name="Error">The failure's message, else <see langword="null"/>.</param>
public sealed record RouteAttempt(string Provider, string Model, TimeSpan Duration, TimeSpan? TimeToFirstUpdate, string? ErrorType, string? Error)
{
    /// <summary>Gets a value indicating whether this attempt served the request.</summary>
    public bool Succeeded => ErrorType is null;

    /// <summary>Gets how long until the route may take a call again, when its failure said so
    /// (<see cref="ProviderUnavailableException.RetryAfter"/>); else <see langword="null"/>.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <inheritdoc/>
    public override string ToString() =>
        Succeeded
            ? $"{Provider}/{Model}: ok in {Duration.TotalMilliseconds:0} ms"
            : $"{Provider}/{Model}: {ErrorType} after {Duration.TotalMilliseconds:0} ms: {Error}";
}
