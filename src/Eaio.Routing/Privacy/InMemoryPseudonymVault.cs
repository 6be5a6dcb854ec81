using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Eaio.Routing;

/// <summary>An <see cref="IPseudonymVault"/> in process memory, with sliding expiry per scope.</summary>
/// <remarks>
/// A scope expires when it has not been used for <see cref="Expiry"/>; after that its placeholders no longer restore and
/// the conversation starts numbering afresh. Expired scopes are swept when scopes are opened, so memory is bounded by
/// the conversations active within one expiry period.
/// </remarks>
public sealed class InMemoryPseudonymVault : IPseudonymVault
{
    private readonly ConcurrentDictionary<string, Scope> _scopes = new(StringComparer.Ordinal);
    private readonly TimeProvider _timeProvider;
    private readonly long _expiryTimestampUnits;
    private long _lastSweepTimestamp;

    /// <summary>Initializes a new instance of the <see cref="InMemoryPseudonymVault"/> class.</summary>
    /// <param name="expiry">How long an unused scope is kept; by default 1 hour.</param>
    /// <param name="timeProvider">The clock; by default <see cref="TimeProvider.System"/>.</param>
    public InMemoryPseudonymVault(TimeSpan? expiry = null, TimeProvider? timeProvider = null)
    {
        Expiry = expiry ?? TimeSpan.FromHours(1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Expiry, TimeSpan.Zero, nameof(expiry));
        _timeProvider = timeProvider ?? TimeProvider.System;
        double expiryUnits = Expiry.TotalSeconds * _timeProvider.TimestampFrequency;
        _expiryTimestampUnits = expiryUnits >= long.MaxValue ? long.MaxValue : (long)expiryUnits;
        _lastSweepTimestamp = _timeProvider.GetTimestamp();
    }

    /// <summary>Gets how long an unused scope is kept.</summary>
    public TimeSpan Expiry { get; }

    /// <summary>Gets the number of scopes held, expired ones not yet swept included.</summary>
    public int ScopeCount => _scopes.Count;

    /// <inheritdoc />
    public string OpenScope(string? conversationId)
    {
        long now = _timeProvider.GetTimestamp();
        SweepIfDue(now);

        // A request without a conversation still needs one scope shared by its messages and its response, but nothing
        // must leak into or out of it: a random id nobody else can name.
        string id = conversationId ?? "request:" + Guid.NewGuid().ToString("N", CultureInfo.InvariantCulture);
        _ = GetLiveScope(id, now, create: true);
        return id;
    }

    /// <inheritdoc />
    public string GetOrAddPlaceholder(string scopeId, string entityType, ReadOnlySpan<char> originalValue)
    {
        ArgumentNullException.ThrowIfNull(scopeId);
        ArgumentNullException.ThrowIfNull(entityType);
        Scope scope = GetLiveScope(scopeId, _timeProvider.GetTimestamp(), create: true)!;
        lock (scope)
        {
            return scope.GetOrAdd(scope.GetStemOfType(entityType), originalValue);
        }
    }

    /// <inheritdoc />
    public string ReserveLiteral(string scopeId, string literal)
    {
        ArgumentNullException.ThrowIfNull(scopeId);
        ArgumentNullException.ThrowIfNull(literal);
        if (!PlaceholderSyntax.IsPlaceholderShaped(literal))
        {
            return literal;
        }

        Scope scope = GetLiveScope(scopeId, _timeProvider.GetTimestamp(), create: true)!;
        lock (scope)
        {
            if (scope.Originals.TryGetValue(literal, out string? original))
            {
                // Already the placeholder of something else: the literal gets a placeholder of its own, which restores
                // to the literal text.
                return original == literal ? literal : scope.GetOrAdd(scope.GetStemNamed(PlaceholderSyntax.ToStem(PlaceholderSyntax.Split(literal).Stem)), literal);
            }

            scope.Originals.Add(literal, literal);
            scope.GetStemNamed(PlaceholderSyntax.ToStem(PlaceholderSyntax.Split(literal).Stem)).Placeholders[literal] = literal;
            return literal;
        }
    }

    /// <inheritdoc />
    public bool TryGetOriginal(string scopeId, ReadOnlySpan<char> placeholder, [NotNullWhen(true)] out string? originalValue)
    {
        ArgumentNullException.ThrowIfNull(scopeId);
        Scope? scope = GetLiveScope(scopeId, _timeProvider.GetTimestamp(), create: false);
        if (scope is not null)
        {
            lock (scope)
            {
                return scope.OriginalsBySpan.TryGetValue(placeholder, out originalValue);
            }
        }

        originalValue = null;
        return false;
    }

    /// <inheritdoc />
    public IReadOnlyCollection<string> GetStems(string scopeId)
    {
        ArgumentNullException.ThrowIfNull(scopeId);
        Scope? scope = GetLiveScope(scopeId, _timeProvider.GetTimestamp(), create: false);
        if (scope is null)
        {
            return [];
        }

        lock (scope)
        {
            return [.. scope.StemsByName.Keys];
        }
    }

    /// <inheritdoc />
    public IReadOnlyCollection<string> GetOriginals(string scopeId)
    {
        ArgumentNullException.ThrowIfNull(scopeId);
        Scope? scope = GetLiveScope(scopeId, _timeProvider.GetTimestamp(), create: false);
        if (scope is null)
        {
            return [];
        }

        lock (scope)
        {
            // A reserved literal maps to itself; an issued placeholder never equals its value.
            return [.. scope.Originals.Where(p => !string.Equals(p.Key, p.Value, StringComparison.OrdinalIgnoreCase)).Select(p => p.Value)];
        }
    }

    /// <inheritdoc />
    public void RemoveScope(string scopeId)
    {
        ArgumentNullException.ThrowIfNull(scopeId);
        _ = _scopes.TryRemove(scopeId, out _);
    }

    private Scope? GetLiveScope(string id, long now, bool create)
    {
        while (true)
        {
            if (_scopes.TryGetValue(id, out Scope? scope))
            {
                long last = Volatile.Read(ref scope.LastUsedTimestamp);
                if (now - last < _expiryTimestampUnits)
                {
                    // Sliding expiry; a racing older timestamp only shortens the life by that race.
                    Volatile.Write(ref scope.LastUsedTimestamp, Math.Max(last, now));
                    return scope;
                }

                // Expired: drop exactly this instance so a concurrent fresh scope is not removed by mistake.
                _ = _scopes.TryRemove(new KeyValuePair<string, Scope>(id, scope));
            }

            if (!create)
            {
                return null;
            }

            Scope fresh = new(now);
            if (_scopes.TryAdd(id, fresh))
            {
                return fresh;
            }
        }
    }

    private void SweepIfDue(long now)
    {
        long last = Interlocked.Read(ref _lastSweepTimestamp);
        if (now - last < _expiryTimestampUnits || Interlocked.CompareExchange(ref _lastSweepTimestamp, now, last) != last)
        {
            return;
        }

        foreach (KeyValuePair<string, Scope> entry in _scopes)
        {
            if (now - Volatile.Read(ref entry.Value.LastUsedTimestamp) >= _expiryTimestampUnits)
            {
                _ = _scopes.TryRemove(entry);
            }
        }
    }

    private sealed class Scope
    {
        public long LastUsedTimestamp;

        public Scope(long now)
        {
            LastUsedTimestamp = now;
            OriginalsBySpan = Originals.GetAlternateLookup<ReadOnlySpan<char>>();
        }

        /// <summary>Placeholder to original, ignoring case as models change it; reserved literals map to themselves.</summary>
        public Dictionary<string, string> Originals { get; } = new(StringComparer.OrdinalIgnoreCase);

        public Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> OriginalsBySpan { get; }

        /// <summary>Stems by the entity type as given, so the stem is computed once per type, not once per value.</summary>
        private Dictionary<string, Stem> StemsByType { get; } = new(StringComparer.Ordinal);

        /// <summary>Stems by name, ignoring case as placeholders are compared: types that normalise to the same stem share one numbering.</summary>
        public Dictionary<string, Stem> StemsByName { get; } = new(StringComparer.OrdinalIgnoreCase);

        public Stem GetStemOfType(string entityType)
        {
            if (!StemsByType.TryGetValue(entityType, out Stem? stem))
            {
                stem = GetStemNamed(PlaceholderSyntax.ToStem(entityType));
                StemsByType.Add(entityType, stem);
            }

            return stem;
        }

        public Stem GetStemNamed(string name)
        {
            if (!StemsByName.TryGetValue(name, out Stem? stem))
            {
                stem = new Stem(name);
                StemsByName.Add(name, stem);
            }

            return stem;
        }

        public string GetOrAdd(Stem stem, ReadOnlySpan<char> original)
        {
            // Looked up by span, so a value seen before costs no allocation.
            if (stem.PlaceholdersByValue.TryGetValue(original, out string? existing))
            {
                return existing;
            }

            string placeholder;
            do
            {
                // Skips numbers reserved by literals the user wrote, so an issued placeholder never equals one.
                stem.LastNumber++;
                placeholder = string.Concat(stem.Name, "_", stem.LastNumber.ToString(CultureInfo.InvariantCulture));
            }
            while (Originals.ContainsKey(placeholder));

            string value = original.ToString();
            Originals.Add(placeholder, value);
            stem.Placeholders.Add(value, placeholder);
            return placeholder;
        }
    }

    private sealed class Stem
    {
        public Stem(string name)
        {
            Name = name;
            PlaceholdersByValue = Placeholders.GetAlternateLookup<ReadOnlySpan<char>>();
        }

        public string Name { get; }

        /// <summary>The last number issued.</summary>
        public int LastNumber { get; set; }

        /// <summary>Original to placeholder.</summary>
        public Dictionary<string, string> Placeholders { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> PlaceholdersByValue { get; }
    }
}
