using System.Collections.Frozen;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Eaio.Routing;

/// <summary>
/// Runs a set of <see cref="ISensitiveDataDetector"/>s over a text, collects what they find, and classes the text as
/// <see cref="DataSensitivity.Public"/>, <see cref="DataSensitivity.Sensitive"/> or <see cref="DataSensitivity.Critical"/>.
/// </summary>
/// <remarks>
/// <para>
/// The default map (<see cref="DefaultSensitivityMap"/>) follows the EAIO classes. Readings of one building
/// (<see cref="EntityTypes.Readings"/>) are CRITICAL: they stay local. Identifiers, personal data and secrets (e-mail,
/// names, building and site ids, supply point ids, coordinates, keys…) are SENSITIVE, not CRITICAL: they are pseudonymised before any
/// external call, so by themselves they do not keep a request local, yet the request is no longer PUBLIC, which tells
/// the router it may leave only pseudonymised. A type missing from the map (a host detector's own type) counts as
/// <see cref="UnknownEntitySensitivity"/>.
/// </para>
/// <para>
/// A detector that throws does not make <see cref="Scan(ReadOnlySpan{char})"/> throw: the failure is in the result,
/// and the text is CRITICAL, because what the detector would have found is unknown.
/// </para>
/// </remarks>
public sealed class SensitiveDataScanner
{
    /// <summary>
    /// What the last scan of a string found, kept as long as the string lives: an external call scans its text while it
    /// is profiled and again when it is masked, with the same detectors (both from the container), and the second scan of
    /// an 8 KB prompt cost 55 µs of the route's 290 (docs/benchmarks.md). Keyed by the string's identity, so only the very
    /// same string, scanned by the very same detectors in the same order, finds it.
    /// </summary>
    private static readonly ConditionalWeakTable<string, ScanMemo> s_memos = [];

    private readonly ISensitiveDataDetector[] _detectors;
    private readonly FrozenDictionary<string, DataSensitivity> _map;

    /// <summary>Initializes a new instance of the <see cref="SensitiveDataScanner"/> class.</summary>
    /// <param name="detectors">The detectors to run, in order.</param>
    /// <param name="sensitivityMap">
    /// Overrides of <see cref="DefaultSensitivityMap"/> by entity type (compared case-insensitively), or <see langword="null"/> for the defaults.
    /// </param>
    /// <param name="unknownEntitySensitivity">The class of entity types in neither map.</param>
    public SensitiveDataScanner(
        IEnumerable<ISensitiveDataDetector> detectors,
        IReadOnlyDictionary<string, DataSensitivity>? sensitivityMap = null,
        DataSensitivity unknownEntitySensitivity = DataSensitivity.Sensitive)
    {
        ArgumentNullException.ThrowIfNull(detectors);
        _detectors = [.. detectors];
        foreach (ISensitiveDataDetector detector in _detectors)
        {
            ArgumentNullException.ThrowIfNull(detector, nameof(detectors));
        }

        Dictionary<string, DataSensitivity> map = new(DefaultSensitivityMap, StringComparer.OrdinalIgnoreCase);
        if (sensitivityMap is not null)
        {
            foreach (KeyValuePair<string, DataSensitivity> entry in sensitivityMap)
            {
                map[entry.Key] = entry.Value;
            }
        }

        _map = map.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        UnknownEntitySensitivity = unknownEntitySensitivity;
        MinimumReadings = _detectors.OfType<ReadingsDetector>().Select(r => r.MinimumReadings).DefaultIfEmpty(int.MaxValue).Min();
    }

    /// <summary>Gets the default class of each built-in entity type (see the remarks on <see cref="SensitiveDataScanner"/>).</summary>
    public static IReadOnlyDictionary<string, DataSensitivity> DefaultSensitivityMap { get; } = new Dictionary<string, DataSensitivity>(StringComparer.OrdinalIgnoreCase)
    {
        [EntityTypes.Readings] = DataSensitivity.Critical,
        [EntityTypes.Email] = DataSensitivity.Sensitive,
        [EntityTypes.Phone] = DataSensitivity.Sensitive,
        [EntityTypes.IpAddress] = DataSensitivity.Sensitive,
        [EntityTypes.PaymentCard] = DataSensitivity.Sensitive,
        [EntityTypes.Iban] = DataSensitivity.Sensitive,
        [EntityTypes.Secret] = DataSensitivity.Sensitive,
        [EntityTypes.Coordinates] = DataSensitivity.Sensitive,
        [EntityTypes.StreetAddress] = DataSensitivity.Sensitive,
        [EntityTypes.Person] = DataSensitivity.Sensitive,
        [EntityTypes.Building] = DataSensitivity.Sensitive,
        [EntityTypes.Site] = DataSensitivity.Sensitive,
        [EntityTypes.Equipment] = DataSensitivity.Sensitive,
        [EntityTypes.SupplyPoint] = DataSensitivity.Sensitive,
        [EntityTypes.IdentityNumber] = DataSensitivity.Sensitive,
        [EntityTypes.BankAccount] = DataSensitivity.Sensitive,
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets the detectors, in the order they run.</summary>
    public IReadOnlyList<ISensitiveDataDetector> Detectors => _detectors;

    /// <summary>Gets how many readings make a series for the scanner's <see cref="ReadingsDetector"/>; <see cref="int.MaxValue"/> without one.</summary>
    internal int MinimumReadings { get; }

    /// <summary>Gets the class of entity types that are in neither the default map nor the host's overrides.</summary>
    public DataSensitivity UnknownEntitySensitivity { get; }

    /// <summary>Creates a scanner with all built-in detectors that need no configuration, plus the optional ones given.</summary>
    /// <param name="registry">Buildings to find, or <see langword="null"/>.</param>
    /// <param name="personNames">Person names to find, or <see langword="null"/>.</param>
    /// <param name="additionalDetectors">The host's own detectors, or <see langword="null"/>.</param>
    /// <param name="sensitivityMap">Overrides of <see cref="DefaultSensitivityMap"/>, or <see langword="null"/>.</param>
    /// <returns>The scanner.</returns>
    public static SensitiveDataScanner CreateDefault(
        BuildingRegistry? registry = null,
        IEnumerable<string>? personNames = null,
        IEnumerable<ISensitiveDataDetector>? additionalDetectors = null,
        IReadOnlyDictionary<string, DataSensitivity>? sensitivityMap = null)
    {
        List<ISensitiveDataDetector> detectors =
        [
            new ReadingsDetector(),
            new EmailDetector(),
            new PhoneNumberDetector(),
            new IpAddressDetector(),
            new PaymentCardDetector(),
            new IbanDetector(),
            new SecretDetector(),
            new CoordinatesDetector(),
            new StreetAddressDetector(),
            new Bdg2BuildingIdDetector(),
            new SupplyPointDetector(),
            new IdentityNumberDetector(),
            new WalletAddressDetector(),
        ];
        if (registry is not null)
        {
            detectors.Add(new BuildingRegistryDetector(registry));
        }

        if (personNames is not null)
        {
            detectors.Add(new PersonNameDetector(personNames));
        }

        if (additionalDetectors is not null)
        {
            detectors.AddRange(additionalDetectors);
        }

        return new SensitiveDataScanner(detectors, sensitivityMap);
    }

    /// <summary>Runs every detector over <paramref name="text"/> and classes it.</summary>
    /// <param name="text">The text to scan.</param>
    /// <returns>The spans found, the failures and the sensitivity; never throws for a failing detector.</returns>
    public SensitiveDataScanResult Scan(ReadOnlySpan<char> text) => Scan(text, null);

    /// <summary>Runs every detector over <paramref name="text"/>, as <see cref="Scan(ReadOnlySpan{char})"/> does, and remembers
    /// the spans for a later <see cref="Detect(string, List{SensitiveSpan})"/> of the same string with the same detectors.</summary>
    internal SensitiveDataScanResult Scan(string text) => Scan(text, text.Length >= MemoMinimumLength ? text : null);

    /// <summary>As <see cref="Detect(ReadOnlySpan{char}, List{SensitiveSpan})"/>, reusing what a scan of this very string with
    /// the same detectors found.</summary>
    internal void Detect(string text, List<SensitiveSpan> spans)
    {
        if (s_memos.TryGetValue(text, out ScanMemo? memo) && memo.Detectors.AsSpan().SequenceEqual(_detectors))
        {
            spans.AddRange(memo.Spans);
            return;
        }

        Detect(text.AsSpan(), spans);
    }

    /// <summary>
    /// Runs every detector over <paramref name="text"/> as <see cref="Scan(ReadOnlySpan{char})"/> does, adding the spans to
    /// <paramref name="spans"/>; a failing detector's exception is thrown again, so the caller fails closed.
    /// </summary>
    internal void Detect(ReadOnlySpan<char> text, List<SensitiveSpan> spans)
    {
        List<SensitiveDataDetectorFailure>? failures = null;
        _ = Run(text, spans, ref failures);
        if (failures is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failures[0].Exception);
        }
    }

    /// <summary>
    /// Runs every detector on the folded text, maps their spans back, and records each detector that throws or reports a
    /// span outside the text; returns the readings that belong to no series.
    /// </summary>
    private int Run(ReadOnlySpan<char> text, List<SensitiveSpan> spans, ref List<SensitiveDataDetectorFailure>? failures)
    {
        // Detectors see the folded text (no zero-width characters, no full-width digits); spans are mapped back.
        string? folded = TextNormalizer.Fold(text, out int[]? map);
        ReadOnlySpan<char> input = folded ?? text;
        int looseReadings = 0;
        foreach (ISensitiveDataDetector detector in _detectors)
        {
            int before = spans.Count;
            try
            {
                if (detector is ReadingsDetector readings)
                {
                    looseReadings += readings.Run(input, spans);
                }
                else
                {
                    detector.Detect(input, spans);
                }

                if (!SpansFit(spans, before, input.Length) || (map is not null && !TextNormalizer.TryMapBack(spans, before, map)))
                {
                    // A span outside the text it was given: what the detector meant is unknown, so the worst case.
                    spans.RemoveRange(before, spans.Count - before);
                    throw new InvalidOperationException($"{detector.GetType().Name} reported a span outside the text.");
                }
            }
#pragma warning disable CA1031 // Any failure, including a regex timeout, must fail closed (CRITICAL) rather than fail the request.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                // Spans the detector added before it threw are kept: pseudonymising more is the safe side.
                (failures ??= []).Add(new SensitiveDataDetectorFailure(detector, ex));
            }
        }

        return looseReadings;
    }

    private SensitiveDataScanResult Scan(ReadOnlySpan<char> text, string? remembered)
    {
        // The detectors fill a list of this thread's, and the result keeps an array of exactly what they found: growing a
        // fresh list by doubling left twice the spans behind (about 6 KB for an 8 KB prompt's 82 values). Taken off the
        // thread while in use, so a detector that scans again on this thread gets a list of its own.
        List<SensitiveSpan> found = t_found ?? new List<SensitiveSpan>(16);
        t_found = null;
        try
        {
            List<SensitiveDataDetectorFailure>? failures = null;
            int looseReadings = Run(text, found, ref failures);
            if (remembered is not null && failures is null)
            {
                // In the order the detectors found them, as a Detect would give them: masking breaks ties between
                // overlapping spans by that order.
                s_memos.AddOrUpdate(remembered, new ScanMemo(_detectors, [.. found]));
            }

            SensitiveSpan[] spans = [.. found];
            SensitiveSpanSort.ByStartLongestFirst(spans);
            DataSensitivity sensitivity = failures is null ? Classify(spans) : DataSensitivity.Critical;
            return new SensitiveDataScanResult(spans, sensitivity, failures is null ? [] : failures) { LooseReadings = looseReadings };
        }
        finally
        {
            found.Clear();
            if (found.Capacity <= MaxKeptSpans)
            {
                t_found = found;
            }
        }
    }

    /// <summary>The most spans a thread's list keeps room for between scans.</summary>
    private const int MaxKeptSpans = 4096;

    [ThreadStatic]
    private static List<SensitiveSpan>? t_found;

    /// <summary>Below this length a scan costs about what remembering it does.</summary>
    private const int MemoMinimumLength = 64;

    private sealed record ScanMemo(ISensitiveDataDetector[] Detectors, SensitiveSpan[] Spans);

    private static bool SpansFit(List<SensitiveSpan> spans, int from, int length)
    {
        for (int i = from; i < spans.Count; i++)
        {
            if (spans[i].Start < 0 || spans[i].Length < 0 || spans[i].Start > length - spans[i].Length)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Classes a set of spans: the highest class of their entity types, <see cref="DataSensitivity.Public"/> when there are none.</summary>
    /// <param name="spans">The spans.</param>
    /// <returns>The sensitivity.</returns>
    public DataSensitivity Classify(IEnumerable<SensitiveSpan> spans)
    {
        ArgumentNullException.ThrowIfNull(spans);
        DataSensitivity highest = DataSensitivity.Public;
        foreach (SensitiveSpan span in spans)
        {
            DataSensitivity sensitivity = Classify(span.EntityType);
            if (sensitivity > highest)
            {
                highest = sensitivity;
            }
        }

        return highest;
    }

    /// <summary>Classes one entity type through the map.</summary>
    /// <param name="entityType">The entity type.</param>
    /// <returns>The mapped class, or <see cref="UnknownEntitySensitivity"/>.</returns>
    public DataSensitivity Classify(string entityType)
    {
        ArgumentNullException.ThrowIfNull(entityType);
        return _map.TryGetValue(entityType, out DataSensitivity sensitivity) ? sensitivity : UnknownEntitySensitivity;
    }
}
