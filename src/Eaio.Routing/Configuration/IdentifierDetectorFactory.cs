using System.Text;
using System.Text.RegularExpressions;

namespace Eaio.Routing;

/// <summary>Builds the detectors <see cref="IdentifierDetectionOptions"/> asks for, and turns every unusable value into an error naming its key.</summary>
internal static class IdentifierDetectorFactory
{
    public const string MetadataKey = "EAIO_BUILDINGS_METADATA (Privacy:BuildingsMetadata)";
    public const string PersonNamesFileKey = "EAIO_PERSON_NAMES_FILE (Privacy:PersonNamesFile)";
    public const string EquipmentPatternKey = "EAIO_EQUIPMENT_PATTERN (Privacy:EquipmentPatterns)";
    public const string MetadataAllowed = "the path of a BDG2 metadata.csv with the columns building_id, site_id, lat and lng";
    public const string PersonNamesFileAllowed = "the path of a UTF-8 text file with one person name per line";
    public const string PatternAllowed = "a .NET regular expression that cannot match the empty string, for example \\bMTR-\\d{6}\\b";

    /// <summary>Creates the detectors; throws <see cref="EaioConfigurationException"/> listing every value it cannot use.</summary>
    public static IReadOnlyList<ISensitiveDataDetector> Create(IdentifierDetectionOptions options)
    {
        List<ISensitiveDataDetector> detectors = [];
        if (!options.IsConfigured)
        {
            return detectors;
        }

        List<string> errors = [];
        BuildingRegistry? metadata = null;
        if (options.BuildingsMetadata is { } metadataPath)
        {
            metadata = Load(metadataPath, MetadataKey, MetadataAllowed, errors, BuildingRegistry.LoadBdg2Metadata);
        }

        List<string> names = [.. options.PersonNames];
        if (options.PersonNamesFile is { } namesPath && Load(namesPath, PersonNamesFileKey, PersonNamesFileAllowed, errors, ReadNames) is { } fromFile)
        {
            names.AddRange(fromFile);
        }

        foreach (string pattern in options.EquipmentPatterns)
        {
            try
            {
                detectors.Add(new PatternDetector(EntityTypes.Equipment, CreatePattern(pattern)));
            }
            catch (FormatException ex)
            {
                errors.Add($"{EquipmentPatternKey}='{pattern}' is not valid: expected {PatternAllowed} ({ex.Message}).");
            }
        }

        if (errors.Count > 0)
        {
            throw new EaioConfigurationException(errors);
        }

        // The registry matches whole tokens of letters, digits and '_'; an id with other characters ("HQ-North",
        // "Plant 7") would never be one token, so those are matched as literals instead.
        (List<string> buildingTokens, List<string> buildingLiterals) = SplitByShape(options.BuildingIds);
        (List<string> siteTokens, List<string> siteLiterals) = SplitByShape(options.SiteIds);
        List<BuildingInfo> buildings = [.. metadata?.Buildings ?? [], .. buildingTokens.Select(id => new BuildingInfo(id))];
        List<string> sites = [.. metadata?.SiteIds ?? [], .. siteTokens];
        int at = 0;
        if (buildings.Count > 0 || (sites.Count > 0 && options.MatchSiteIds))
        {
            detectors.Insert(at++, new BuildingRegistryDetector(new BuildingRegistry(buildings, sites), options.MatchSiteIds));
        }

        if (buildingLiterals.Count > 0)
        {
            detectors.Insert(at++, new PatternDetector(EntityTypes.Building, LiteralPattern(buildingLiterals, RegexOptions.IgnoreCase)));
        }

        if (siteLiterals.Count > 0 && options.MatchSiteIds)
        {
            detectors.Insert(at, new PatternDetector(EntityTypes.Site, LiteralPattern(siteLiterals, RegexOptions.None)));
        }

        if (names.Exists(n => !string.IsNullOrWhiteSpace(n)))
        {
            detectors.Add(new PersonNameDetector(names));
        }

        return detectors;
    }

    /// <summary>Compiles a pattern as <see cref="PatternDetector"/> runs it; a syntax error or an empty-match pattern is a <see cref="FormatException"/>.</summary>
    public static Regex CreatePattern(string pattern)
    {
        Regex regex;
        try
        {
            regex = new Regex(pattern, RegexOptions.CultureInvariant, PatternDetector.DefaultMatchTimeout);
        }
        catch (ArgumentException ex)
        {
            throw new FormatException(ex.Message, ex);
        }

        // A pattern that matches nothing at all ("", "a*") would mask nothing while looking configured.
        if (string.IsNullOrWhiteSpace(pattern) || regex.IsMatch(string.Empty))
        {
            const string Reason = "it matches the empty string";
            throw new FormatException(Reason, new ArgumentException(Reason, nameof(pattern)));
        }

        return regex;
    }

    private static (List<string> Tokens, List<string> Literals) SplitByShape(IEnumerable<string> ids)
    {
        List<string> tokens = [];
        List<string> literals = [];
        foreach (string id in ids.Where(id => !string.IsNullOrWhiteSpace(id)).Select(id => id.Trim()))
        {
            (id.All(c => char.IsLetterOrDigit(c) || c == '_') ? tokens : literals).Add(id);
        }

        return (tokens, literals);
    }

    /// <summary>Whole-word literals, longest first, with any run of whitespace where the literal has a space.</summary>
    private static Regex LiteralPattern(IEnumerable<string> literals, RegexOptions options)
    {
        IEnumerable<string> alternatives = literals
            .Distinct(StringComparer.Ordinal)
            .OrderByDescending(l => l.Length)
            .Select(l => string.Join(@"\s+", l.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Select(Regex.Escape)));
        return new Regex(
            @"(?<![\p{L}\p{N}_])(?:" + string.Join('|', alternatives) + @")(?![\p{L}\p{N}_])",
            options | RegexOptions.CultureInvariant,
            PatternDetector.DefaultMatchTimeout);
    }

    /// <summary>Finds a configured file: an absolute path as given, a relative one in the current directory, then beside the program.</summary>
    public static string? Resolve(string path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return null;
        }

        if (Path.IsPathFullyQualified(path))
        {
            return File.Exists(path) ? path : null;
        }

        foreach (string folder in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            string candidate = Path.GetFullPath(path, folder);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Describes where a missing file was looked for.</summary>
    public static string DescribeMissing(string path) => Path.IsPathFullyQualified(path)
        ? "no such file"
        : $"no such file in {Directory.GetCurrentDirectory()} or {AppContext.BaseDirectory}";

    private static T? Load<T>(string path, string key, string allowed, List<string> errors, Func<string, T> read)
        where T : class
    {
        if (Resolve(path) is not { } resolved)
        {
            errors.Add($"{key}='{path}' is not valid: expected {allowed} ({DescribeMissing(path)}).");
            return null;
        }

        try
        {
            return read(resolved);
        }
#pragma warning disable CA1031 // Whatever the reader throws (I/O, access, a missing column), the operator needs the key and the file.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            errors.Add($"{key}='{path}' is not valid: expected {allowed} ({ex.GetType().Name}: {ex.Message}).");
            return null;
        }
    }

    private static List<string> ReadNames(string path) =>
        File.ReadLines(path, Encoding.UTF8)
            .Select(line => line.Trim())
            .Where(line => line.Length > 0 && line[0] != '#')
            .ToList();
}
