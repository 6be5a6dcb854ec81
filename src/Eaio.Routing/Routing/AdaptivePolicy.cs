namespace Eaio.Routing;

/// <summary>
/// The adaptive policy as pure functions: a request's routing score from its category's feedback, the feedback of all
/// categories and its complexity, and the choice that score makes against the complexity threshold, with bounded exploration.
/// </summary>
/// <remarks>
/// <para>
/// The score is the request's complexity (a length prior, see <see cref="ComplexityEstimator"/>) plus the estimated gain of
/// its category: how much more often the external tier's answers are accepted than the local tier's, each a Beta-style
/// estimate shrunk towards the pooled rate. A category goes external when the score is above the threshold in effect (the
/// fixed 0.8, or the quantile calibrated to <c>COMPLEXITY_STRONG_SHARE</c>), so the live decision follows the same order
/// the replay benchmark measures the ranking by. With probability <see cref="Exploration"/> the other tier is tried, but
/// only while it has fewer than <see cref="MaxExplorations"/> scored answers in the category, so exploration is bounded
/// per category. A category without feedback gets <see cref="AdaptiveChoice.None"/>: its score is its complexity, and the
/// complexity rule decides.
/// </para>
/// <para>
/// The score's form and <see cref="GainWeight"/> were chosen on a tuning split of the RouteLLM data (9 MMLU subjects and
/// every other GSM8K prompt) and measured on the other half; the other parameters were set by hand. Weighing the gain up to
/// 20 times the complexity, and finer categories (the subject with shape features, hashed key terms, an online logistic
/// model over hashed words), were tried there and did not clearly beat this, the finer categories not even when trained on
/// both models' answers to 1,000 prompts. See docs/benchmarks.md, "Adaptive routing on RouteLLM data".
/// </para>
/// </remarks>
internal static class AdaptivePolicy
{
    /// <summary>The chance that a request explores the tier the score does not choose.</summary>
    public const double Exploration = 0.1;

    /// <summary>How much the category's estimated gain (external minus local acceptance, -1 to 1) weighs in the score against
    /// the complexity (0 to 1). Weights 2 to 20 were within 0.011 APGR of 1 on the tuning half (30 orders), better with the
    /// subject as category and worse with the guessed domain.</summary>
    public const double GainWeight = 1;

    /// <summary>How many pooled answers the prior of a category's estimate counts for.</summary>
    public const double PriorStrength = 4;

    /// <summary>Exploration stops once the explored tier has this many scored answers in the category.</summary>
    public const long MaxExplorations = 20;

    /// <summary>The lowest score: complexity 0, and a category whose local answers are all accepted and external ones none.</summary>
    public const double MinScore = -GainWeight;

    /// <summary>The highest score: complexity 1, and a category whose external answers are all accepted and local ones none.</summary>
    public const double MaxScore = 1 + GainWeight;

    /// <summary>The parameters in use: the constants above; a replay passes others to try them.</summary>
    public static readonly Parameters Default = new(Exploration, PriorStrength, MaxExplorations, GainWeight);

    /// <summary>The routing score of a request: its complexity plus its category's estimated external-minus-local acceptance.</summary>
    /// <param name="category">The category's feedback.</param>
    /// <param name="all">The feedback of every category together, the prior.</param>
    /// <param name="complexity">The request's complexity, 0 to 1.</param>
    /// <param name="p">The parameters.</param>
    /// <param name="local">The local acceptance estimate, or <see cref="double.NaN"/> without feedback.</param>
    /// <param name="external">The external acceptance estimate, or <see cref="double.NaN"/> without feedback.</param>
    /// <returns>The score, from <see cref="MinScore"/> to <see cref="MaxScore"/>; the complexity without feedback.</returns>
    public static double Score(in CategoryFeedback category, in CategoryFeedback all, double complexity, in Parameters p, out double local, out double external)
    {
        if (category.Count == 0)
        {
            local = external = double.NaN;
            return complexity;
        }

        local = Estimate(category.LocalScore, category.LocalCount, all.LocalScore, all.LocalCount, p.PriorStrength);
        external = Estimate(category.ExternalScore, category.ExternalCount, all.ExternalScore, all.ExternalCount, p.PriorStrength);
        return complexity + (p.GainWeight * (external - local));
    }

    /// <summary>Chooses for a request of a category.</summary>
    /// <param name="category">The category's feedback.</param>
    /// <param name="score">The request's <see cref="Score"/>.</param>
    /// <param name="threshold">The threshold in effect: above it the request goes external.</param>
    /// <param name="draw">A uniform random number in [0, 1) for exploration; 1 never explores (as <c>Explain</c> does).</param>
    /// <param name="p">The parameters.</param>
    /// <returns>The choice.</returns>
    public static AdaptiveChoice Choose(in CategoryFeedback category, double score, double threshold, double draw, in Parameters p)
    {
        if (category.Count == 0)
        {
            return AdaptiveChoice.None;
        }

        bool goExternal = score > threshold;
        if (draw < p.Exploration)
        {
            if (goExternal && category.LocalCount < p.MaxExplorations)
            {
                return AdaptiveChoice.ExploreLocal;
            }

            if (!goExternal && category.ExternalCount < p.MaxExplorations)
            {
                return AdaptiveChoice.ExploreExternal;
            }
        }

        return goExternal ? AdaptiveChoice.External : AdaptiveChoice.Local;
    }

    // Posterior mean with the pooled rate as the prior's mean (0.5 before anything is pooled), worth PriorStrength answers.
    private static double Estimate(double score, long count, double pooledScore, long pooledCount, double priorStrength)
    {
        double prior = pooledCount > 0 ? pooledScore / pooledCount : 0.5;
        return (score + (priorStrength * prior)) / (count + priorStrength);
    }

    /// <summary>The policy's parameters; see the constants of <see cref="AdaptivePolicy"/>.</summary>
    internal readonly record struct Parameters(double Exploration, double PriorStrength, long MaxExplorations, double GainWeight);
}
