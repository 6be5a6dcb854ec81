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
    private long _lastSweepTicks;

    /// <summary>Initializes a new instance of the <see cref="InMemoryPseudonymVault"/> class.</summary>
    /// <param name="expiry">How long an unused scope is kept; by default 1 hour.</param>
    /// <param name="timeProvider">The clock; by default <see cref="TimeProvider.System"/>.</param>
    public InMemoryPseudonymVault(TimeSpan? expiry = null, TimeProvider? timeProvider = null)
    {
        Expiry = expiry ?? TimeSpan.FromHours(1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Expiry, TimeSpan.Zero, nameof(expiry));
        _timeProvider = timeProvider ?? TimeProvider.System;
        _lastSweepTicks = _timeProvider.GetUtcNow().UtcTicks;
    }

    /// <summary>Gets how long an unused scope is kept.</summary>
    public TimeSpan Expiry { get; }

    /// <summary>Gets the number of scopes held, expired ones not yet swept included.</summary>
    public int ScopeCount => _scopes.Count;

    /// <inheritdoc />
    public string OpenScope(string? conversationId)
    {
        long now = _timeProvider.GetUtcNow().UtcTicks;
        SweepIfDue(now);

        // A request without a conversation still needs one scope shared by its messages and its response, but nothing
        // must leak into or out of it: a random id nobody else can name.
        string id = conversationId ?? "request:" + Guid.NewGuid().ToString("N", CultureInfo.InvariantCulture);
        _ = GetLiveScope(id, now, create: true);
        return id;
    }

    /// <inheritdoc />
    public string GetOrAddPlaceholder(string scopeId, string entityType, string originalValue)
    {
        ArgumentNullException.ThrowIfNull(scopeId);
        ArgumentNullException.ThrowIfNull(entityType);
        ArgumentNullException.ThrowIfNull(originalValue);
        Scope scope = GetLiveScope(scopeId, _timeProvider.GetUtcNow().UtcTicks, create: true)!;
        lock (scope)
        {
            return scope.GetOrAdd(PlaceholderSyntax.ToStem(entityType), originalValue);
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

        Scope scope = GetLiveScope(scopeId, _timeProvider.GetUtcNow().UtcTicks, create: true)!;
        lock (scope)
        {
            if (scope.Originals.TryGetValue(literal, out string? original))
            {
                // Already the placeholder of something else: the literal gets a placeholder of its own, which restores
                // to the literal text.
                return original == literal ? literal : scope.GetOrAdd(PlaceholderSyntax.Split(literal).Stem, literal);
            }

            scope.Originals.Add(literal, literal);
            scope.Placeholders[(PlaceholderSyntax.Split(literal).Stem, literal)] = literal;
            return literal;
        }
    }

    /// <inheritdoc />
    public bool TryGetOriginal(string scopeId, ReadOnlySpan<char> placeholder, [NotNullWhen(true)] out string? originalValue)
    {
        ArgumentNullException.ThrowIfNull(scopeId);
        Scope? scope = GetLiveScope(scopeId, _timeProvider.GetUtcNow().UtcTicks, create: false);
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
                long last = Volatile.Read(ref scope.LastUsedTicks);
                if (now - last < Expiry.Ticks)
                {
                    // Sliding expiry; a racing older timestamp only shortens the life by that race.
                    Volatile.Write(ref scope.LastUsedTicks, Math.Max(last, now));
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
        long last = Interlocked.Read(ref _lastSweepTicks);
        if (now - last < Expiry.Ticks || Interlocked.CompareExchange(ref _lastSweepTicks, now, last) != last)
        {
            return;
        }

        foreach (KeyValuePair<string, Scope> entry in _scopes)
        {
            if (now - Volatile.Read(ref entry.Value.LastUsedTicks) >= Expiry.Ticks)
            {
                _ = _scopes.TryRemove(entry);
            }
        }
    }

    private sealed class Scope
    {
        public long LastUsedTicks;

        public Scope(long now)
        {
            LastUsedTicks = now;
            OriginalsBySpan = Originals.GetAlternateLookup<ReadOnlySpan<char>>();
        }

        /// <summary>Placeholder to original; reserved literals map to themselves.</summary>
        public Dictionary<string, string> Originals { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> OriginalsBySpan { get; }

        /// <summary>(stem, original) to placeholder.</summary>
        public Dictionary<(string Stem, string Original), string> Placeholders { get; } = [];

        /// <summary>The last number issued per stem.</summary>
        public Dictionary<string, int> LastNumbers { get; } = new(StringComparer.Ordinal);

        public string GetOrAdd(string stem, string original)
        {
            if (Placeholders.TryGetValue((stem, original), out string? existing))
            {
                return existing;
            }

            _ = LastNumbers.TryGetValue(stem, out int number);
            string placeholder;
            do
            {
                // Skips numbers reserved by literals the user wrote, so an issued placeholder never equals one.
                number++;
                placeholder = string.Concat(stem, "_", number.ToString(CultureInfo.InvariantCulture));
            }
            while (Originals.ContainsKey(placeholder));

            LastNumbers[stem] = number;
            Originals.Add(placeholder, original);
            Placeholders.Add((stem, original), placeholder);
            return placeholder;
        }
    }
}
