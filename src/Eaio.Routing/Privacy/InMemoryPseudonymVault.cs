using System.Collections.Concurrent;
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
    public ValueTask<string> OpenScopeAsync(string? conversationId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        long now = _timeProvider.GetTimestamp();
        SweepIfDue(now);

        // A request without a conversation still needs one scope shared by its messages and its response, but nothing
        // must leak into or out of it: a random id nobody else can name.
        string id = conversationId ?? "request:" + RandomIds.NewId();
        _ = GetLiveScope(id, now, create: true);
        return new ValueTask<string>(id);
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<string>> PseudonymizeAsync(string scopeId, IReadOnlyList<PseudonymRequest> requests, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scopeId);
        ArgumentNullException.ThrowIfNull(requests);
        cancellationToken.ThrowIfCancellationRequested();
        if (requests.Count == 0)
        {
            return new ValueTask<IReadOnlyList<string>>(Array.Empty<string>());
        }

        string[] answers;
        Scope scope = GetLiveScope(scopeId, _timeProvider.GetTimestamp(), create: true)!;
        lock (scope)
        {
            answers = scope.AnswerAll(requests);
        }

        return new ValueTask<IReadOnlyList<string>>(answers);
    }

    /// <inheritdoc />
    public ValueTask<PseudonymScopeSnapshot> GetSnapshotAsync(string scopeId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scopeId);
        cancellationToken.ThrowIfCancellationRequested();
        Scope? scope = GetLiveScope(scopeId, _timeProvider.GetTimestamp(), create: false);
        if (scope is null)
        {
            return new ValueTask<PseudonymScopeSnapshot>(PseudonymScopeSnapshot.Empty);
        }

        lock (scope)
        {
            // Kept until the scope changes: the later turns of a conversation mostly find every value already issued.
            return new ValueTask<PseudonymScopeSnapshot>(scope.Snapshot ??= new PseudonymScopeSnapshot(scope.Originals));
        }
    }

    /// <inheritdoc />
    public ValueTask RemoveScopeAsync(string scopeId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scopeId);
        cancellationToken.ThrowIfCancellationRequested();
        _ = _scopes.TryRemove(scopeId, out _);
        return default;
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

    /// <summary>A scope of the vault: its mapping and when it was last used.</summary>
    private sealed class Scope(long now) : PseudonymScopeTable
    {
        public long LastUsedTimestamp = now;

        /// <summary>The last snapshot taken, until the scope changes.</summary>
        public PseudonymScopeSnapshot? Snapshot { get; set; }

        protected override void OnChanged() => Snapshot = null;
    }
}
