using System.Globalization;

namespace Eaio.Routing;

/// <summary>One of the seed's performance targets checked for one provider and model.</summary>
/// <param name="Provider">The provider's name.</param>
/// <param name="Model">The model id.</param>
/// <param name="Metric">What was measured, for example <c>p95 latency</c>.</param>
/// <param name="Target">The target, for example <c>&lt; 500 ms</c>.</param>
/// <param name="Actual">The measured value, in the target's unit (milliseconds, a share from 0 to 1, tokens per second).</param>
/// <param name="Met">Whether the target was met.</param>
public sealed record TargetCheck(string Provider, string Model, string Metric, string Target, double Actual, bool Met)
{
    /// <summary>Gets the measured value in the target's own terms, to print beside it: a share as a percentage
    /// (<c>100%</c> against <c>&lt; 1%</c>, not <c>1</c>), a time in milliseconds, anything else as a number.</summary>
    public string FormattedActual =>
        Target.Contains('%', StringComparison.Ordinal) ? Actual.ToString("0.0##%", CultureInfo.InvariantCulture)
        : Target.EndsWith("ms", StringComparison.Ordinal) ? Actual.ToString("0 ms", CultureInfo.InvariantCulture)
        : Actual.ToString("0.#", CultureInfo.InvariantCulture);
}
