namespace Eaio.Routing;

/// <summary>How far a request's data may travel. Set by the host, never by message text.</summary>
/// <remarks>The values are ordered from strictest to most permissive, so a lower value is stricter.</remarks>
public enum PrivacyLevel
{
    /// <summary>Local model only: nothing leaves the machine (sensitive building data).</summary>
    Private = 0,

    /// <summary>External APIs allowed for sanitised, aggregated insights; local preferred.</summary>
    Enhanced = 1,

    /// <summary>External APIs preferred for the best experience (general, public knowledge).</summary>
    Public = 2,
}
