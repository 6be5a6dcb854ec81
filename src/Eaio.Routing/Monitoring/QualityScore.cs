using System.Globalization;

namespace Eaio.Routing;

/// <summary>The one place the range of a quality score is checked, so every request log rejects the same values the same way.</summary>
internal static class QualityScore
{
    public static void Validate(string responseId, double score)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(responseId);
        if (!(score is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(
                nameof(score),
                score,
                string.Create(CultureInfo.InvariantCulture, $"A quality score is a number from 0 (useless) to 1 (perfect); got {score}. Scale ratings first, for example 4 of 5 stars is 0.8."));
        }
    }
}
