namespace Eaio.Routing;

/// <summary>The feedback of one request category: how many scored answers each tier gave and the sum of their scores.</summary>
/// <param name="LocalCount">How many answers of the local tier were scored.</param>
/// <param name="LocalScore">The sum of their scores (each 0 to 1).</param>
/// <param name="ExternalCount">How many answers of the external tier were scored.</param>
/// <param name="ExternalScore">The sum of their scores (each 0 to 1).</param>
public readonly record struct CategoryFeedback(long LocalCount, double LocalScore, long ExternalCount, double ExternalScore)
{
    /// <summary>Gets how many answers were scored over both tiers.</summary>
    public long Count => LocalCount + ExternalCount;

    /// <summary>Adds one score of a tier.</summary>
    /// <param name="tier">The tier that answered.</param>
    /// <param name="score">The score, 0 to 1.</param>
    /// <returns>The feedback with the score added.</returns>
    public CategoryFeedback Add(ProviderTier tier, double score) => tier == ProviderTier.Local
        ? this with { LocalCount = LocalCount + 1, LocalScore = LocalScore + score }
        : this with { ExternalCount = ExternalCount + 1, ExternalScore = ExternalScore + score };

    /// <summary>Adds the feedback of another category or host.</summary>
    /// <param name="other">The other feedback.</param>
    /// <returns>The sum.</returns>
    public CategoryFeedback Add(CategoryFeedback other) =>
        new(LocalCount + other.LocalCount, LocalScore + other.LocalScore, ExternalCount + other.ExternalCount, ExternalScore + other.ExternalScore);
}
