using System.Buffers;

namespace Eaio.Routing;

/// <summary>Guesses a request's domain from keywords in its text, for requests whose host did not set one.</summary>
/// <remarks>
/// A keyword scan, not a model: it only has to be right often enough to pick a sensible first route. Building-data words
/// are checked before the others because getting them wrong in the other direction would send building questions
/// to an external API first.
/// </remarks>
internal static class DomainClassifier
{
    private const int EdgeLength = 512;

    private static readonly (RequestDomain Domain, SearchValues<string> Words)[] s_rules =
    [
        (RequestDomain.BuildingData, Words("kwh", "meter reading", "consumption of building", "building's", "our building", "bdg2", "hvac", "chiller", "boiler", "submeter", "load profile", "eui")),
        (RequestDomain.Code, Words("```", "function ", "stack trace", "exception", "compile", "refactor", "python", "c#", "javascript", "sql ", "regex", "unit test", "bug")),
        (RequestDomain.EnergyOptimization, Words("optimi", "energy saving", "save energy", "peak shaving", "demand response", "setpoint", "retrofit", "efficiency measure")),
        (RequestDomain.Analysis, Words("analy", "trend", "correlat", "statistic", "regression", "anomal", "pattern", "forecast")),
        (RequestDomain.Technical, Words("calculate", "formula", "equation", "derive", "engineering", "protocol", "algorithm", "thermodynamic")),
        (RequestDomain.Creative, Words("poem", "story", "slogan", "creative", "lyrics", "tagline")),
    ];

    /// <summary>Guesses the domain of a text.</summary>
    /// <param name="text">The request's user text.</param>
    /// <returns>The first domain whose keywords occur, else <see cref="RequestDomain.General"/>.</returns>
    public static RequestDomain Guess(ReadOnlySpan<char> text)
    {
        // A question's subject sits at its start or its end (after pasted data); reading only those keeps the guess
        // cheap on long prompts, where reading everything would cost microseconds per request.
        if (text.Length > 2 * EdgeLength)
        {
            RequestDomain head = Guess(text[..EdgeLength]);
            RequestDomain tail = Guess(text[^EdgeLength..]);
            return head == RequestDomain.BuildingData || tail == RequestDomain.BuildingData ? RequestDomain.BuildingData
                : head != RequestDomain.General ? head
                : tail;
        }

        foreach ((RequestDomain domain, SearchValues<string> words) in s_rules)
        {
            if (text.ContainsAny(words))
            {
                return domain;
            }
        }

        return RequestDomain.General;
    }

    private static SearchValues<string> Words(params string[] words) => SearchValues.Create(words, StringComparison.OrdinalIgnoreCase);
}
