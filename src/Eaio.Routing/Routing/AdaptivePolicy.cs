namespace Eaio.Routing;

/// <summary>
/// The adaptive policy's decision for one category, as a pure function of its feedback, the feedback of all categories
/// and a random draw: Beta-style estimates of how often each tier's answers are accepted, shrunk towards the pooled rate.
/// </summary>
/// <remarks>
/// <para>
/// A category goes external when its local acceptance estimate is below <see cref="Target"/> and the external tier's
/// estimate is higher (sending a category out where the strong model does no better only costs money). With probability
/// <see cref="Exploration"/> the other tier is tried, but only while it has fewer than <see cref="MaxExplorations"/>
/// scored answers in the category, so exploration is bounded per category. A category without feedback gets
/// <see cref="AdaptiveChoice.None"/>: the complexity estimate (a length prior, see <see cref="ComplexityEstimator"/>) decides.
/// </para>
/// <para>
/// The four parameters were chosen on a tuning split of the RouteLLM data (9 MMLU subjects and every other GSM8K prompt) and
/// measured on the other half; see docs/benchmarks.md, "Adaptive routing on RouteLLM data".
/// </para>
/// </remarks>
internal static class AdaptivePolicy
{
    /// <summary>The local acceptance below which a category goes external.</summary>
    public const double Target = 0.4;

    /// <summary>The chance that a request explores the tier the estimates do not choose.</summary>
    public const double Exploration = 0.1;

    /// <summary>How many pooled answers the prior of a category's estimate counts for.</summary>
    public const double PriorStrength = 4;

    /// <summary>Exploration stops once the explored tier has this many scored answers in the category.</summary>
    public const long MaxExplorations = 20;

    /// <summary>The parameters in use: the constants above; a replay passes others to tune them.</summary>
    public static readonly Parameters Default = new(Target, Exploration, PriorStrength, MaxExplorations);

    /// <summary>Chooses for a category.</summary>
    /// <param name="category">The category's feedback.</param>
    /// <param name="all">The feedback of every category together, the prior.</param>
    /// <param name="draw">A uniform random number in [0, 1), for exploration.</param>
    /// <param name="local">The local acceptance estimate, or <see cref="double.NaN"/> without feedback.</param>
    /// <param name="external">The external acceptance estimate, or <see cref="double.NaN"/> without feedback.</param>
    /// <param name="p">The parameters, <see cref="Default"/> but in a replay that tunes them.</param>
    /// <returns>The choice.</returns>
    public static AdaptiveChoice Choose(in CategoryFeedback category, in CategoryFeedback all, double draw, out double local, out double external, in Parameters p)
    {
        if (category.Count == 0)
        {
            local = external = double.NaN;
            return AdaptiveChoice.None;
        }

        local = Estimate(category.LocalScore, category.LocalCount, all.LocalScore, all.LocalCount, p.PriorStrength);
        external = Estimate(category.ExternalScore, category.ExternalCount, all.ExternalScore, all.ExternalCount, p.PriorStrength);
        bool goExternal = local < p.Target && external > local;
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

    /// <summary>A score that orders requests by how much the external tier is expected to add: the estimated gain of the
    /// request's category (external minus local acceptance) plus the request's complexity, the length prior. For the
    /// replay benchmark's APGR; on the tuning half this ranked better than the local estimate alone (0.60 against 0.47).</summary>
    public static double Rank(in CategoryFeedback category, in CategoryFeedback all, double complexity, in Parameters p)
    {
        if (category.Count == 0)
        {
            return complexity;
        }

        double local = Estimate(category.LocalScore, category.LocalCount, all.LocalScore, all.LocalCount, p.PriorStrength);
        double external = Estimate(category.ExternalScore, category.ExternalCount, all.ExternalScore, all.ExternalCount, p.PriorStrength);
        return external - local + complexity;
    }

    // Posterior mean with the pooled rate as the prior's mean (0.5 before anything is pooled), worth PriorStrength answers.
    private static double Estimate(double score, long count, double pooledScore, long pooledCount, double priorStrength)
    {
        double prior = pooledCount > 0 ? pooledScore / pooledCount : 0.5;
        return (score + (priorStrength * prior)) / (count + priorStrength);
    }

    /// <summary>The policy's parameters; see the constants of <see cref="AdaptivePolicy"/>.</summary>
    internal readonly record struct Parameters(double Target, double Exploration, double PriorStrength, long MaxExplorations);
}
