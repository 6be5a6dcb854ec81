using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Eaio.Routing;

/// <summary>
/// An <see cref="IPseudonymVault"/> in PostgreSQL, so a conversation keeps its placeholders whichever host serves its
/// next turn. What is stored is what <see cref="SqlitePseudonymVault"/> stores: scopes and value look-ups as keyed hashes,
/// originals encrypted with AES-256-GCM bound to scope and placeholder, under keys derived from the host's secret.
/// </summary>
/// <remarks>
/// Changes to a scope run in a transaction holding an advisory lock on that scope, so hosts adding values to one
/// conversation at once agree on one placeholder per value while other conversations proceed in parallel. Expiry is
/// sliding on the wall clock, as in the SQLite vault. The sweep of expired scopes takes no scope's lock: it deletes each
/// scope row together with its entries in one statement, and a host renewing a scope writes its row with an upsert, so a
/// scope is always either live with its entries or gone with them (made afresh, empty, when a renewal lost the race).
/// The vault interface is synchronous (restoring runs inside a stream's enumeration), so this store uses Npgsql's
/// synchronous calls.
/// </remarks>
public sealed partial class PostgresPseudonymVault : IPseudonymVault
{
    private readonly PostgresStore _store;
    private readonly PseudonymSealer _sealer;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly long _expiryMilliseconds;
    private readonly long _touchMilliseconds;
    private long _lastSweep;

    /// <summary>Initializes a new instance of the <see cref="PostgresPseudonymVault"/> class.</summary>
    /// <param name="store">The database.</param>
    /// <param name="key">The secret, at least 32 bytes; every host needs the same one.</param>
    /// <param name="expiry">How long an unused scope is kept; by default 1 hour.</param>
    /// <param name="timeProvider">The clock; by default <see cref="TimeProvider.System"/>.</param>
    /// <param name="logger">The logger; none by default.</param>
    /// <exception cref="ArgumentException"><paramref name="key"/> is too short.</exception>
    public PostgresPseudonymVault(PostgresStore store, ReadOnlySpan<byte> key, TimeSpan? expiry = null, TimeProvider? timeProvider = null, ILogger<PostgresPseudonymVault>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _sealer = new PseudonymSealer(key);
        Expiry = expiry ?? TimeSpan.FromHours(1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Expiry, TimeSpan.Zero, nameof(expiry));
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _expiryMilliseconds = Expiry.TotalMilliseconds >= long.MaxValue / 2 ? long.MaxValue / 2 : (long)Expiry.TotalMilliseconds;
        _touchMilliseconds = Math.Max(1, _expiryMilliseconds / 100);
        _lastSweep = Now();
    }

    /// <summary>Gets how long an unused scope is kept.</summary>
    public TimeSpan Expiry { get; }

    /// <inheritdoc />
    public string OpenScope(string? conversationId)
    {
        string id = conversationId ?? "request:" + Guid.NewGuid().ToString("N", CultureInfo.InvariantCulture);
        byte[] scope = _sealer.ScopeKey(id);
        long now = Now();
        using NpgsqlConnection connection = _store.Open();
        SweepIfDue(connection, now);
        InScopeTransaction(connection, scope, transaction => EnsureLiveScope(connection, transaction, scope, now));
        return id;
    }

    /// <inheritdoc />
    public string GetOrAddPlaceholder(string scopeId, string entityType, ReadOnlySpan<char> originalValue)
    {
        ArgumentNullException.ThrowIfNull(scopeId);
        ArgumentNullException.ThrowIfNull(entityType);
        string value = originalValue.ToString();
        string stem = PlaceholderSyntax.ToStem(entityType);
        byte[] scope = _sealer.ScopeKey(scopeId);
        long now = Now();
        using NpgsqlConnection connection = _store.Open();

        // Values seen before (each turn resends the conversation) are found without the scope's lock. A renewal that
        // finds no row means another host swept the scope just now: the locked path below makes it afresh.
        long? lastUsed = ReadLastUsed(connection, null, scope);
        if (lastUsed is not null && now - lastUsed.Value < _expiryMilliseconds
            && FindPlaceholder(connection, null, scope, stem, _sealer.ValueMac(scope, stem, value)) is string existing
            && (now - lastUsed.Value < _touchMilliseconds || Touch(connection, scope, now)))
        {
            return existing;
        }

        return InScopeTransaction(connection, scope, transaction =>
        {
            EnsureLiveScope(connection, transaction, scope, now);
            return GetOrAdd(connection, transaction, scope, stem, value);
        });
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

        (string literalStem, int number) = PlaceholderSyntax.Split(literal);
        string stem = PlaceholderSyntax.ToStem(literalStem);
        byte[] scope = _sealer.ScopeKey(scopeId);
        long now = Now();
        using NpgsqlConnection connection = _store.Open();
        return InScopeTransaction(connection, scope, transaction =>
        {
            EnsureLiveScope(connection, transaction, scope, now);
            if (TryReadOriginal(connection, transaction, scope, literal, out bool exists, out string? original) || exists)
            {
                // Already the placeholder of something else: the literal gets a placeholder of its own.
                return original == literal ? literal : GetOrAdd(connection, transaction, scope, stem, literal);
            }

            Insert(connection, transaction, scope, literal, stem, number, literal, issued: false);
            return literal;
        });
    }

    /// <inheritdoc />
    public bool TryGetOriginal(string scopeId, ReadOnlySpan<char> placeholder, [NotNullWhen(true)] out string? originalValue)
    {
        ArgumentNullException.ThrowIfNull(scopeId);
        originalValue = null;
        if (!PlaceholderSyntax.IsPlaceholderShaped(placeholder))
        {
            return false;
        }

        byte[] scope = _sealer.ScopeKey(scopeId);
        long now = Now();
        using NpgsqlConnection connection = _store.Open();
        long? lastUsed = ReadLastUsed(connection, null, scope);
        if (lastUsed is null || now - lastUsed.Value >= _expiryMilliseconds)
        {
            return false;
        }

        if (now - lastUsed.Value >= _touchMilliseconds && !Touch(connection, scope, now))
        {
            // Swept by another host since it was read: its placeholders no longer restore.
            return false;
        }

        return TryReadOriginal(connection, null, scope, placeholder.ToString(), out _, out originalValue);
    }

    /// <inheritdoc />
    public IReadOnlyCollection<string> GetStems(string scopeId)
    {
        ArgumentNullException.ThrowIfNull(scopeId);
        byte[] scope = _sealer.ScopeKey(scopeId);
        using NpgsqlConnection connection = _store.Open();
        if (!IsLive(connection, scope))
        {
            return [];
        }

        using NpgsqlCommand select = new("SELECT DISTINCT upper(stem) FROM eaio_vault_entry WHERE scope = @scope", connection);
        select.Parameters.AddWithValue("scope", scope);
        using NpgsqlDataReader reader = select.ExecuteReader();
        List<string> stems = [];
        while (reader.Read())
        {
            stems.Add(reader.GetString(0));
        }

        return stems;
    }

    /// <inheritdoc />
    public IReadOnlyCollection<string> GetOriginals(string scopeId)
    {
        ArgumentNullException.ThrowIfNull(scopeId);
        byte[] scope = _sealer.ScopeKey(scopeId);
        using NpgsqlConnection connection = _store.Open();
        if (!IsLive(connection, scope))
        {
            return [];
        }

        using NpgsqlCommand select = new("SELECT placeholder, value FROM eaio_vault_entry WHERE scope = @scope AND issued", connection);
        select.Parameters.AddWithValue("scope", scope);
        using NpgsqlDataReader reader = select.ExecuteReader();
        List<string> originals = [];
        while (reader.Read())
        {
            string stored = reader.GetString(0);
            if (_sealer.Open(scope, stored, (byte[])reader.GetValue(1)) is { } original)
            {
                originals.Add(original);
            }
            else
            {
                LogUnreadable(_logger, stored);
            }
        }

        return originals;
    }

    /// <summary>Whether a scope exists and has not expired; reading it does not renew it.</summary>
    private bool IsLive(NpgsqlConnection connection, byte[] scope) => ReadLastUsed(connection, null, scope) is long lastUsed && Now() - lastUsed < _expiryMilliseconds;

    /// <inheritdoc />
    public void RemoveScope(string scopeId)
    {
        ArgumentNullException.ThrowIfNull(scopeId);
        byte[] scope = _sealer.ScopeKey(scopeId);
        using NpgsqlConnection connection = _store.Open();
        InScopeTransaction(connection, scope, transaction => DeleteScope(connection, transaction, scope));
    }

    private static void InScopeTransaction(NpgsqlConnection connection, byte[] scope, Action<NpgsqlTransaction> work) =>
        InScopeTransaction(connection, scope, transaction =>
        {
            work(transaction);
            return 0;
        });

    private static T InScopeTransaction<T>(NpgsqlConnection connection, byte[] scope, Func<NpgsqlTransaction, T> work)
    {
        using NpgsqlTransaction transaction = connection.BeginTransaction();
        using (NpgsqlCommand lockScope = new("SELECT pg_advisory_xact_lock(hashtextextended(encode(@scope, 'hex'), 0))", connection, transaction))
        {
            lockScope.Parameters.AddWithValue("scope", scope);
            _ = lockScope.ExecuteNonQuery();
        }

        T result = work(transaction);
        transaction.Commit();
        return result;
    }

    private static long? ReadLastUsed(NpgsqlConnection connection, NpgsqlTransaction? transaction, byte[] scope)
    {
        using NpgsqlCommand select = new("SELECT last_used FROM eaio_vault_scope WHERE scope = @scope", connection, transaction);
        select.Parameters.AddWithValue("scope", scope);
        return select.ExecuteScalar() is long lastUsed ? lastUsed : null;
    }

    /// <summary>Renews a scope read as live outside its lock; <see langword="false"/> when its row is gone (swept meanwhile).</summary>
    private static bool Touch(NpgsqlConnection connection, byte[] scope, long now)
    {
        using NpgsqlCommand update = new("UPDATE eaio_vault_scope SET last_used = GREATEST(last_used, @now) WHERE scope = @scope", connection);
        update.Parameters.AddWithValue("scope", scope);
        update.Parameters.AddWithValue("now", now);
        return update.ExecuteNonQuery() == 1;
    }

    private static void DeleteScope(NpgsqlConnection connection, NpgsqlTransaction transaction, byte[] scope)
    {
        // The scope row before its entries, the order the sweep locks them in, so the two cannot deadlock.
        using NpgsqlCommand delete = new("DELETE FROM eaio_vault_scope WHERE scope = @scope; DELETE FROM eaio_vault_entry WHERE scope = @scope;", connection, transaction);
        delete.Parameters.AddWithValue("scope", scope);
        _ = delete.ExecuteNonQuery();
    }

    private void EnsureLiveScope(NpgsqlConnection connection, NpgsqlTransaction transaction, byte[] scope, long now)
    {
        long? lastUsed = ReadLastUsed(connection, transaction, scope);
        if (lastUsed is not null && now - lastUsed.Value >= _expiryMilliseconds)
        {
            // Expired: its placeholders must no longer restore and numbering starts afresh.
            DeleteScope(connection, transaction, scope);
        }

        // An upsert even for a scope just read as live: another host's sweep may have deleted the row (with its entries)
        // since. An update would then change nothing, and the entries added next would sit under no scope row until a
        // later OpenScope brought them back to life; the insert makes the scope afresh, as empty as the sweep left it.
        // Once this row is written the sweep waits for this transaction and then sees the scope as live.
        using NpgsqlCommand upsert = new(
            "INSERT INTO eaio_vault_scope (scope, last_used) VALUES (@scope, @now) ON CONFLICT (scope) DO UPDATE SET last_used = GREATEST(eaio_vault_scope.last_used, EXCLUDED.last_used)",
            connection,
            transaction);
        upsert.Parameters.AddWithValue("scope", scope);
        upsert.Parameters.AddWithValue("now", now);
        _ = upsert.ExecuteNonQuery();
    }

    private string GetOrAdd(NpgsqlConnection connection, NpgsqlTransaction transaction, byte[] scope, string stem, string value)
    {
        byte[] mac = _sealer.ValueMac(scope, stem, value);
        if (FindPlaceholder(connection, transaction, scope, stem, mac) is string existing)
        {
            return existing;
        }

        // The next number after the highest issued for the stem that is free in every case: reserved literals hold theirs.
        long number;
        using (NpgsqlCommand max = new("SELECT COALESCE(MAX(number), 0) FROM eaio_vault_entry WHERE scope = @scope AND upper(stem) = upper(@stem) AND issued", connection, transaction))
        {
            max.Parameters.AddWithValue("scope", scope);
            max.Parameters.AddWithValue("stem", stem);
            number = (long)max.ExecuteScalar()!;
        }

        string placeholder;
        do
        {
            number++;
            placeholder = string.Concat(stem, "_", number.ToString(CultureInfo.InvariantCulture));
        }
        while (PlaceholderExists(connection, transaction, scope, placeholder));

        Insert(connection, transaction, scope, placeholder, stem, number, value, issued: true, mac);
        return placeholder;
    }

    private void Insert(NpgsqlConnection connection, NpgsqlTransaction transaction, byte[] scope, string placeholder, string stem, long number, string value, bool issued, byte[]? mac = null)
    {
        using NpgsqlCommand insert = new(
            "INSERT INTO eaio_vault_entry (scope, placeholder, stem, number, issued, value_mac, value) VALUES (@scope, @placeholder, @stem, @number, @issued, @mac, @value)",
            connection,
            transaction);
        insert.Parameters.AddWithValue("scope", scope);
        insert.Parameters.AddWithValue("placeholder", placeholder);
        insert.Parameters.AddWithValue("stem", stem);
        insert.Parameters.AddWithValue("number", number);
        insert.Parameters.AddWithValue("issued", issued);
        insert.Parameters.AddWithValue("mac", mac ?? _sealer.ValueMac(scope, stem, value));
        insert.Parameters.AddWithValue("value", _sealer.Seal(scope, placeholder, value));
        _ = insert.ExecuteNonQuery();
    }

    private static string? FindPlaceholder(NpgsqlConnection connection, NpgsqlTransaction? transaction, byte[] scope, string stem, byte[] mac)
    {
        // The latest row wins, as a reserved literal overrides an earlier mapping.
        using NpgsqlCommand select = new(
            "SELECT placeholder FROM eaio_vault_entry WHERE scope = @scope AND upper(stem) = upper(@stem) AND value_mac = @mac ORDER BY id DESC LIMIT 1",
            connection,
            transaction);
        select.Parameters.AddWithValue("scope", scope);
        select.Parameters.AddWithValue("stem", stem);
        select.Parameters.AddWithValue("mac", mac);
        return select.ExecuteScalar() as string;
    }

    private static bool PlaceholderExists(NpgsqlConnection connection, NpgsqlTransaction transaction, byte[] scope, string placeholder)
    {
        using NpgsqlCommand select = new("SELECT 1 FROM eaio_vault_entry WHERE scope = @scope AND upper(placeholder) = upper(@placeholder)", connection, transaction);
        select.Parameters.AddWithValue("scope", scope);
        select.Parameters.AddWithValue("placeholder", placeholder);
        return select.ExecuteScalar() is not null;
    }

    private bool TryReadOriginal(NpgsqlConnection connection, NpgsqlTransaction? transaction, byte[] scope, string placeholder, out bool exists, [NotNullWhen(true)] out string? original)
    {
        using NpgsqlCommand select = new("SELECT placeholder, value FROM eaio_vault_entry WHERE scope = @scope AND upper(placeholder) = upper(@placeholder)", connection, transaction);
        select.Parameters.AddWithValue("scope", scope);
        select.Parameters.AddWithValue("placeholder", placeholder);
        using NpgsqlDataReader reader = select.ExecuteReader();
        if (!reader.Read())
        {
            (exists, original) = (false, null);
            return false;
        }

        exists = true;
        string stored = reader.GetString(0);
        original = _sealer.Open(scope, stored, (byte[])reader.GetValue(1));
        if (original is null)
        {
            LogUnreadable(_logger, stored);
        }

        return original is not null;
    }

    private void SweepIfDue(NpgsqlConnection connection, long now)
    {
        long last = Interlocked.Read(ref _lastSweep);
        if (now - last < _expiryMilliseconds || Interlocked.CompareExchange(ref _lastSweep, now, last) != last)
        {
            return;
        }

        // One statement that deletes each expired scope row and then exactly the entries of the rows it deleted. A host
        // renewing a scope meanwhile either holds the row first (the sweep re-checks it, finds it live and leaves it and
        // its entries alone) or waits for the sweep and makes the scope afresh (see EnsureLiveScope). Deleting entries and
        // scopes in two statements let a renewal fall in between, leaving a live scope without its entries.
        using NpgsqlCommand delete = new("""
            WITH gone AS (DELETE FROM eaio_vault_scope WHERE last_used <= @cutoff RETURNING scope)
            DELETE FROM eaio_vault_entry e USING gone WHERE e.scope = gone.scope
            """, connection);
        delete.Parameters.AddWithValue("cutoff", now - _expiryMilliseconds);
        LogSwept(_logger, delete.ExecuteNonQuery());
    }

    private long Now() => _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();

    [LoggerMessage(LogLevel.Debug, "PostgreSQL pseudonym vault: swept expired scopes ({Rows} entries deleted).")]
    private static partial void LogSwept(ILogger logger, int rows);

    [LoggerMessage(LogLevel.Error, "PostgreSQL pseudonym vault: the value of {Placeholder} cannot be decrypted (another key, or the row was changed); it is not restored.")]
    private static partial void LogUnreadable(ILogger logger, string placeholder);
}
