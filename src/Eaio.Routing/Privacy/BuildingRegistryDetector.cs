namespace Eaio.Routing;

/// <summary>
/// Finds the ids of a <see cref="BuildingRegistry"/>'s buildings and sites, and its coordinates, anywhere in text:
/// in prose, in file names, and as CSV column headers (<c>timestamp,Panther_office_Hannah,Panther_lodging_Dean</c>).
/// </summary>
/// <remarks>
/// Ids are matched as whole tokens of letters, digits and underscores, so <c>Panther_office_Hannah</c> is a building
/// and the <c>Panther</c> inside it is not reported again as a site. Building ids compare case-insensitively,
/// site ids exactly; a host whose site ids are everyday words can turn site matching off.
/// </remarks>
public sealed class BuildingRegistryDetector : ISensitiveDataDetector
{
    private readonly BuildingRegistry _registry;

    /// <summary>Initializes a new instance of the <see cref="BuildingRegistryDetector"/> class.</summary>
    /// <param name="registry">The buildings to find.</param>
    /// <param name="matchSiteIds">Whether site ids alone are reported.</param>
    /// <param name="matchCoordinates">Whether the buildings' latitudes and longitudes are reported.</param>
    public BuildingRegistryDetector(BuildingRegistry registry, bool matchSiteIds = true, bool matchCoordinates = true)
    {
        ArgumentNullException.ThrowIfNull(registry);
        _registry = registry;
        MatchSiteIds = matchSiteIds;
        MatchCoordinates = matchCoordinates;
    }

    /// <summary>Gets a value indicating whether site ids alone are reported.</summary>
    public bool MatchSiteIds { get; }

    /// <summary>Gets a value indicating whether the buildings' latitudes and longitudes are reported.</summary>
    public bool MatchCoordinates { get; }

    /// <inheritdoc />
    public void Detect(ReadOnlySpan<char> text, ICollection<SensitiveSpan> spans)
    {
        ArgumentNullException.ThrowIfNull(spans);
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            if (char.IsAsciiDigit(c) || (c == '-' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1])))
            {
                i = ScanNumber(text, i, spans);
            }
            else if (IsIdChar(c))
            {
                i = ScanToken(text, i, spans);
            }
            else
            {
                i++;
            }
        }
    }

    private int ScanToken(ReadOnlySpan<char> text, int start, ICollection<SensitiveSpan> spans)
    {
        int end = start;
        while (end < text.Length && IsIdChar(text[end]))
        {
            end++;
        }

        ReadOnlySpan<char> token = text[start..end];
        if (_registry.TryGetBuilding(token, out _))
        {
            spans.Add(new SensitiveSpan(start, end - start, EntityTypes.Building, 0.99));
        }
        else if (MatchSiteIds && (_registry.IsSiteId(token) || (_registry.IsSiteIdIgnoringCase(token) && NextToSiteWord(text, start, end))))
        {
            // Site ids are everyday words ("robin", "wolf"): in another case they count only where the text says it means a site.
            spans.Add(new SensitiveSpan(start, end - start, EntityTypes.Site, 0.9));
        }

        return end;
    }

    private int ScanNumber(ReadOnlySpan<char> text, int start, ICollection<SensitiveSpan> spans)
    {
        int end = start + 1;
        while (end < text.Length && (char.IsAsciiDigit(text[end]) || (text[end] == '.' && end + 1 < text.Length && char.IsAsciiDigit(text[end + 1]))))
        {
            end++;
        }

        // A number glued to letters ("B12") is part of an id, which ScanToken handles.
        bool glued = (start > 0 && IsIdChar(text[start - 1])) || (end < text.Length && IsIdChar(text[end]));
        if (glued)
        {
            // A leading '-' is punctuation here; step over it so the scan always moves forward.
            return text[start] == '-' ? start + 1 : ScanToken(text, start, spans);
        }

        if (MatchCoordinates && _registry.IsCoordinate(text[start..end]))
        {
            spans.Add(new SensitiveSpan(start, end - start, EntityTypes.Coordinates, 0.9));
        }

        return end;
    }

    private static bool IsIdChar(char c) => char.IsLetterOrDigit(c) || c == '_';

    /// <summary>Whether the word just before or after a token is "site" or "campus" (<c>the robin site</c>, <c>site wolf</c>).</summary>
    private static bool NextToSiteWord(ReadOnlySpan<char> text, int start, int end)
    {
        int after = end;
        while (after < text.Length && text[after] is ' ' or '-' or ':' or '\'' or '"')
        {
            after++;
        }

        int afterEnd = after;
        while (afterEnd < text.Length && char.IsLetter(text[afterEnd]))
        {
            afterEnd++;
        }

        int before = start;
        while (before > 0 && text[before - 1] is ' ' or '-' or ':' or '\'' or '"')
        {
            before--;
        }

        int beforeStart = before;
        while (beforeStart > 0 && char.IsLetter(text[beforeStart - 1]))
        {
            beforeStart--;
        }

        return IsSiteWord(text[after..afterEnd]) || IsSiteWord(text[beforeStart..before]);
    }

    private static bool IsSiteWord(ReadOnlySpan<char> word) =>
        word.Equals("site", StringComparison.OrdinalIgnoreCase) || word.Equals("sites", StringComparison.OrdinalIgnoreCase)
        || word.Equals("campus", StringComparison.OrdinalIgnoreCase) || word.Equals("standort", StringComparison.OrdinalIgnoreCase);
}
