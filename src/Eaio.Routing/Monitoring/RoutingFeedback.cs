using System.Globalization;

namespace Eaio.Routing;

/// <summary>The one place a routing feedback store's arguments are checked, so every store rejects the same values the same way.</summary>
internal static class RoutingFeedback
{
    /// <summary>The longest category kept; a longer one is most likely text that does not belong there.</summary>
    public const int MaxCategoryLength = 200;

    public static void Validate(string category, double score)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(category);
        if (category.Length > MaxCategoryLength)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"A request category is a short name such as 'meter-summary' (at most {MaxCategoryLength} characters); got {category.Length} characters."),
                nameof(category));
        }

        if (!(score is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(
                nameof(score),
                score,
                string.Create(CultureInfo.InvariantCulture, $"A quality score is a number from 0 (useless) to 1 (perfect); got {score}. Scale ratings first, for example 4 of 5 stars is 0.8."));
        }
    }
}
