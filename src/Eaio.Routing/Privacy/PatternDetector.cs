using System.Text.RegularExpressions;

namespace Eaio.Routing;

/// <summary>Reports every match of a host-configured regular expression as one entity type, for example meter or equipment ids.</summary>
/// <example>
/// <code>new PatternDetector(EntityTypes.Equipment, @"\bMTR-\d{6}\b")</code>
/// </example>
public sealed class PatternDetector : ISensitiveDataDetector
{
    /// <summary>The match timeout used when the pattern is given as a string.</summary>
    public static readonly TimeSpan DefaultMatchTimeout = TimeSpan.FromSeconds(1);

    private readonly Regex _pattern;

    /// <summary>Initializes a new instance of the <see cref="PatternDetector"/> class.</summary>
    /// <param name="entityType">The entity type reported for each match, one of <see cref="EntityTypes"/> or a host's own.</param>
    /// <param name="pattern">The pattern; give it a match timeout so a bad pattern cannot stall a request.</param>
    /// <param name="confidence">The confidence reported for each match, from 0 to 1.</param>
    public PatternDetector(string entityType, Regex pattern, double confidence = 0.9)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(entityType);
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentOutOfRangeException.ThrowIfLessThan(confidence, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(confidence, 1);
        EntityType = entityType;
        _pattern = pattern;
        Confidence = confidence;
    }

    /// <summary>Initializes a new instance of the <see cref="PatternDetector"/> class from a pattern string, culture-invariant, with <see cref="DefaultMatchTimeout"/>.</summary>
    /// <param name="entityType">The entity type reported for each match.</param>
    /// <param name="pattern">The regular expression.</param>
    /// <param name="options">Extra regex options, for example <see cref="RegexOptions.IgnoreCase"/>.</param>
    /// <param name="confidence">The confidence reported for each match, from 0 to 1.</param>
    public PatternDetector(string entityType, string pattern, RegexOptions options = RegexOptions.None, double confidence = 0.9)
        : this(entityType, new Regex(pattern ?? throw new ArgumentNullException(nameof(pattern)), options | RegexOptions.CultureInvariant, DefaultMatchTimeout), confidence)
    {
    }

    /// <summary>Gets the entity type reported for each match.</summary>
    public string EntityType { get; }

    /// <summary>Gets the confidence reported for each match.</summary>
    public double Confidence { get; }

    /// <inheritdoc />
    public void Detect(ReadOnlySpan<char> text, ICollection<SensitiveSpan> spans)
    {
        ArgumentNullException.ThrowIfNull(spans);
        foreach (ValueMatch match in _pattern.EnumerateMatches(text))
        {
            // An empty match marks a position, not a value.
            if (match.Length > 0)
            {
                spans.Add(new SensitiveSpan(match.Index, match.Length, EntityType, Confidence));
            }
        }
    }
}
