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
/// Every call is asynchronous (Npgsql's async I/O); a batch of values all seen before is answered with one query outside
/// the lock.
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
    /// <exception cref="EaioStorageException">The database could not be reached or refused the statement.</exception>
    public async ValueTask<string> OpenScopeAsync(string? conversationId, CancellationToken cancellationToken = default)
    {
        try
        {
            return await OpenScopeCoreAsync(conversationId, cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException ex)
        {
            throw _store.Failure("pseudonym vault", "open a conversation scope", ex);
        }
    }

    /// <inheritdoc />
    /// <exception cref="EaioStorageException">The database could not be reached or refused the statement.</exception>
    public async ValueTask<IReadOnlyList<string>> PseudonymizeAsync(string scopeId, IReadOnlyList<PseudonymRequest> requests, CancellationToken cancellationToken = default)
    {
        try
        {
            return await PseudonymizeCoreAsync(scopeId, requests, cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException ex)
        {
            throw _store.Failure("pseudonym vault", "issue placeholders", ex);
        }
    }

    /// <inheritdoc />
    /// <exception cref="EaioStorageException">The database could not be reached or refused the statement.</exception>
    public async ValueTask<PseudonymScopeSnapshot> GetSnapshotAsync(string scopeId, CancellationToken cancellationToken = default)
    {
        try
        {
            return await GetSnapshotCoreAsync(scopeId, cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException ex)
        {
            throw _store.Failure("pseudonym vault", "read a conversation scope", ex);
        }
    }

    /// <inheritdoc />
    /// <exception cref="EaioStorageException">The database could not be reached or refused the statement.</exception>
    public async ValueTask RemoveScopeAsync(string scopeId, CancellationToken cancellationToken = default)
    {
        try
        {
            await RemoveScopeCoreAsync(scopeId, cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException ex)
        {
            throw _store.Failure("pseudonym vault", "remove a conversation scope", ex);
        }
    }

    private async ValueTask<string> OpenScopeCoreAsync(string? conversationId, CancellationToken cancellationToken)
    {
        string id = conversationId ?? "request:" + RandomIds.NewId();
        byte[] scope = _sealer.ScopeKey(id);
        long now = Now();
        await using NpgsqlConnection connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await SweepIfDueAsync(connection, now, cancellationToken).ConfigureAwait(false);
        _ = await InScopeTransactionAsync(connection, scope, async transaction =>
        {
            await EnsureLiveScopeAsync(connection, transaction, scope, now, cancellationToken).ConfigureAwait(false);
            return 0;
        }, cancellationToken).ConfigureAwait(false);
        return id;
    }

    private async ValueTask<IReadOnlyList<string>> PseudonymizeCoreAsync(string scopeId, IReadOnlyList<PseudonymRequest> requests, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scopeId);
        ArgumentNullException.ThrowIfNull(requests);
        if (requests.Count == 0)
        {
            return [];
        }

        byte[] scope = _sealer.ScopeKey(scopeId);
        long now = Now();
        await using NpgsqlConnection connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);

        // Values seen before (each turn resends the conversation) are found without the scope's lock, in one query. A
        // renewal that finds no row means another host swept the scope just now: the locked path below makes it afresh.
        long? lastUsed = await ReadLastUsedAsync(connection, null, scope, cancellationToken).ConfigureAwait(false);
        if (lastUsed is not null && now - lastUsed.Value < _expiryMilliseconds
            && await TryAnswerFromRowsAsync(connection, scope, requests, cancellationToken).ConfigureAwait(false) is { } found
            && (now - lastUsed.Value < _touchMilliseconds || await TouchAsync(connection, scope, now, cancellationToken).ConfigureAwait(false)))
        {
            return found;
        }

        return await InScopeTransactionAsync(connection, scope, async transaction =>
        {
            await EnsureLiveScopeAsync(connection, transaction, scope, now, cancellationToken).ConfigureAwait(false);
            string[] answers = new string[requests.Count];
            for (int i = 0; i < answers.Length; i++)
            {
                PseudonymRequest request = requests[i];
                answers[i] = request.IsLiteral
                    ? await ReserveAsync(connection, transaction, scope, request.Text, cancellationToken).ConfigureAwait(false)
                    : await GetOrAddAsync(connection, transaction, scope, PlaceholderSyntax.ToStem(request.EntityType!), request.Text, cancellationToken).ConfigureAwait(false);
            }

            return answers;
        }, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<PseudonymScopeSnapshot> GetSnapshotCoreAsync(string scopeId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scopeId);
        byte[] scope = _sealer.ScopeKey(scopeId);
        long now = Now();
        await using NpgsqlConnection connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        long? lastUsed = await ReadLastUsedAsync(connection, null, scope, cancellationToken).ConfigureAwait(false);
        if (lastUsed is null || now - lastUsed.Value >= _expiryMilliseconds)
        {
            return PseudonymScopeSnapshot.Empty;
        }

        if (now - lastUsed.Value >= _touchMilliseconds && !await TouchAsync(connection, scope, now, cancellationToken).ConfigureAwait(false))
        {
            // Swept by another host since it was read: its placeholders no longer restore.
            return PseudonymScopeSnapshot.Empty;
        }

        await using NpgsqlCommand select = new("SELECT placeholder, value FROM eaio_vault_entry WHERE scope = @scope", connection);
        select.Parameters.AddWithValue("scope", scope);
        await using NpgsqlDataReader reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        List<KeyValuePair<string, string>> entries = [];
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            string stored = reader.GetString(0);
            if (_sealer.Open(scope, stored, (byte[])reader.GetValue(1)) is { } original)
            {
                entries.Add(new KeyValuePair<string, string>(stored, original));
            }
            else
            {
                LogUnreadable(_logger, stored);
            }
        }

        return entries.Count == 0 ? PseudonymScopeSnapshot.Empty : new PseudonymScopeSnapshot(entries);
    }

    private async ValueTask RemoveScopeCoreAsync(string scopeId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scopeId);
        byte[] scope = _sealer.ScopeKey(scopeId);
        await using NpgsqlConnection connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        _ = await InScopeTransactionAsync(connection, scope, async transaction =>
        {
            await DeleteScopeAsync(connection, transaction, scope, cancellationToken).ConfigureAwait(false);
            return 0;
        }, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<T> InScopeTransactionAsync<T>(NpgsqlConnection connection, byte[] scope, Func<NpgsqlTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        await using NpgsqlTransaction transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (NpgsqlCommand lockScope = new("SELECT pg_advisory_xact_lock(hashtextextended(encode(@scope, 'hex'), 0))", connection, transaction))
        {
            lockScope.Parameters.AddWithValue("scope", scope);
            _ = await lockScope.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        T result = await work(transaction).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>Answers a batch from the rows alone, in one query, or returns <see langword="null"/> when any request needs a write.</summary>
    private async Task<string[]?> TryAnswerFromRowsAsync(NpgsqlConnection connection, byte[] scope, IReadOnlyList<PseudonymRequest> requests, CancellationToken cancellationToken)
    {
        // A value is found by its keyed hash (which covers its stem); a literal needs no write only when it is reserved as
        // itself, which is read back and decrypted. The latest row per hash wins, as in GetOrAdd.
        byte[][] macs = new byte[requests.Count][];
        List<string> literals = [];
        for (int i = 0; i < requests.Count; i++)
        {
            PseudonymRequest request = requests[i];
            if (!request.IsLiteral)
            {
                string stem = PlaceholderSyntax.ToStem(request.EntityType!);
                macs[i] = _sealer.ValueMac(scope, stem, request.Text);
            }
            else if (PlaceholderSyntax.IsPlaceholderShaped(request.Text))
            {
                literals.Add(request.Text.ToUpperInvariant());
            }
        }

        Dictionary<string, string> byMac = new(StringComparer.Ordinal);
        Dictionary<string, string> literalOriginals = new(StringComparer.OrdinalIgnoreCase);
        await using NpgsqlBatch batch = new(connection)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("SELECT DISTINCT ON (value_mac) value_mac, placeholder FROM eaio_vault_entry WHERE scope = @scope AND value_mac = ANY(@macs) ORDER BY value_mac, id DESC")
                {
                    Parameters = { new("scope", scope), new("macs", macs.Where(m => m is not null).ToArray()) },
                },
                new NpgsqlBatchCommand("SELECT placeholder, value FROM eaio_vault_entry WHERE scope = @scope AND upper(placeholder) = ANY(@literals)")
                {
                    Parameters = { new("scope", scope), new("literals", literals.ToArray()) },
                },
            },
        };
        await using (NpgsqlDataReader reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                byMac[Convert.ToHexString((byte[])reader.GetValue(0))] = reader.GetString(1);
            }

            _ = await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                string placeholder = reader.GetString(0);
                if (_sealer.Open(scope, placeholder, (byte[])reader.GetValue(1)) is { } original)
                {
                    literalOriginals[placeholder] = original;
                }
            }
        }

        string[] answers = new string[requests.Count];
        for (int i = 0; i < answers.Length; i++)
        {
            PseudonymRequest request = requests[i];
            if (!request.IsLiteral)
            {
                if (!byMac.TryGetValue(Convert.ToHexString(macs[i]), out string? placeholder))
                {
                    return null;
                }

                answers[i] = placeholder;
            }
            else if (!PlaceholderSyntax.IsPlaceholderShaped(request.Text)
                || (literalOriginals.TryGetValue(request.Text, out string? original) && original == request.Text))
            {
                answers[i] = request.Text;
            }
            else
            {
                return null;
            }
        }

        return answers;
    }

    private async Task<string> ReserveAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, byte[] scope, string literal, CancellationToken cancellationToken)
    {
        if (!PlaceholderSyntax.IsPlaceholderShaped(literal))
        {
            return literal;
        }

        (string literalStem, int number) = PlaceholderSyntax.Split(literal);
        string stem = PlaceholderSyntax.ToStem(literalStem);
        (bool exists, string? original) = await ReadOriginalAsync(connection, transaction, scope, literal, cancellationToken).ConfigureAwait(false);
        if (exists)
        {
            // Already the placeholder of something else (or of a row this key cannot read): the literal gets a
            // placeholder of its own.
            return original == literal ? literal : await GetOrAddAsync(connection, transaction, scope, stem, literal, cancellationToken).ConfigureAwait(false);
        }

        await InsertAsync(connection, transaction, scope, literal, stem, number, literal, issued: false, null, cancellationToken).ConfigureAwait(false);
        return literal;
    }

    private static async Task<long?> ReadLastUsedAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, byte[] scope, CancellationToken cancellationToken)
    {
        await using NpgsqlCommand select = new("SELECT last_used FROM eaio_vault_scope WHERE scope = @scope", connection, transaction);
        select.Parameters.AddWithValue("scope", scope);
        return await select.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long lastUsed ? lastUsed : null;
    }

    /// <summary>Renews a scope read as live outside its lock; <see langword="false"/> when its row is gone (swept meanwhile).</summary>
    private static async Task<bool> TouchAsync(NpgsqlConnection connection, byte[] scope, long now, CancellationToken cancellationToken)
    {
        await using NpgsqlCommand update = new("UPDATE eaio_vault_scope SET last_used = GREATEST(last_used, @now) WHERE scope = @scope", connection);
        update.Parameters.AddWithValue("scope", scope);
        update.Parameters.AddWithValue("now", now);
        return await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    private static async Task DeleteScopeAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, byte[] scope, CancellationToken cancellationToken)
    {
        // The scope row before its entries, the order the sweep locks them in, so the two cannot deadlock.
        await using NpgsqlCommand delete = new("DELETE FROM eaio_vault_scope WHERE scope = @scope; DELETE FROM eaio_vault_entry WHERE scope = @scope;", connection, transaction);
        delete.Parameters.AddWithValue("scope", scope);
        _ = await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task EnsureLiveScopeAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, byte[] scope, long now, CancellationToken cancellationToken)
    {
        long? lastUsed = await ReadLastUsedAsync(connection, transaction, scope, cancellationToken).ConfigureAwait(false);
        if (lastUsed is not null && now - lastUsed.Value >= _expiryMilliseconds)
        {
            // Expired: its placeholders must no longer restore and numbering starts afresh.
            await DeleteScopeAsync(connection, transaction, scope, cancellationToken).ConfigureAwait(false);
        }

        // An upsert even for a scope just read as live: another host's sweep may have deleted the row (with its entries)
        // since. An update would then change nothing, and the entries added next would sit under no scope row until a
        // later OpenScopeAsync brought them back to life; the insert makes the scope afresh, as empty as the sweep left it.
        // Once this row is written the sweep waits for this transaction and then sees the scope as live.
        await using NpgsqlCommand upsert = new(
            "INSERT INTO eaio_vault_scope (scope, last_used) VALUES (@scope, @now) ON CONFLICT (scope) DO UPDATE SET last_used = GREATEST(eaio_vault_scope.last_used, EXCLUDED.last_used)",
            connection,
            transaction);
        upsert.Parameters.AddWithValue("scope", scope);
        upsert.Parameters.AddWithValue("now", now);
        _ = await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<string> GetOrAddAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, byte[] scope, string stem, string value, CancellationToken cancellationToken)
    {
        byte[] mac = _sealer.ValueMac(scope, stem, value);
        await using (NpgsqlCommand find = new(
            "SELECT placeholder FROM eaio_vault_entry WHERE scope = @scope AND upper(stem) = upper(@stem) AND value_mac = @mac ORDER BY id DESC LIMIT 1",
            connection,
            transaction))
        {
            // The latest row wins, as a reserved literal overrides an earlier mapping.
            find.Parameters.AddWithValue("scope", scope);
            find.Parameters.AddWithValue("stem", stem);
            find.Parameters.AddWithValue("mac", mac);
            if (await find.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string existing)
            {
                return existing;
            }
        }

        // The next number after the highest issued for the stem that is free in every case: reserved literals hold theirs.
        long number;
        await using (NpgsqlCommand max = new("SELECT COALESCE(MAX(number), 0) FROM eaio_vault_entry WHERE scope = @scope AND upper(stem) = upper(@stem) AND issued", connection, transaction))
        {
            max.Parameters.AddWithValue("scope", scope);
            max.Parameters.AddWithValue("stem", stem);
            number = (long)(await max.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        string placeholder;
        do
        {
            number++;
            placeholder = string.Concat(stem, "_", number.ToString(CultureInfo.InvariantCulture));
        }
        while ((await ReadOriginalAsync(connection, transaction, scope, placeholder, cancellationToken).ConfigureAwait(false)).Exists);

        await InsertAsync(connection, transaction, scope, placeholder, stem, number, value, issued: true, mac, cancellationToken).ConfigureAwait(false);
        return placeholder;
    }

    private async Task InsertAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, byte[] scope, string placeholder, string stem, long number, string value, bool issued, byte[]? mac, CancellationToken cancellationToken)
    {
        await using NpgsqlCommand insert = new(
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
        _ = await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads and decrypts the value of a placeholder (compared ignoring case); an unreadable row exists but has no original.</summary>
    private async Task<(bool Exists, string? Original)> ReadOriginalAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, byte[] scope, string placeholder, CancellationToken cancellationToken)
    {
        await using NpgsqlCommand select = new("SELECT placeholder, value FROM eaio_vault_entry WHERE scope = @scope AND upper(placeholder) = upper(@placeholder)", connection, transaction);
        select.Parameters.AddWithValue("scope", scope);
        select.Parameters.AddWithValue("placeholder", placeholder);
        await using NpgsqlDataReader reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return (false, null);
        }

        string stored = reader.GetString(0);
        string? original = _sealer.Open(scope, stored, (byte[])reader.GetValue(1));
        if (original is null)
        {
            LogUnreadable(_logger, stored);
        }

        return (true, original);
    }

    private async Task SweepIfDueAsync(NpgsqlConnection connection, long now, CancellationToken cancellationToken)
    {
        long last = Interlocked.Read(ref _lastSweep);
        if (now - last < _expiryMilliseconds || Interlocked.CompareExchange(ref _lastSweep, now, last) != last)
        {
            return;
        }

        // One statement that deletes each expired scope row and then exactly the entries of the rows it deleted. A host
        // renewing a scope meanwhile either holds the row first (the sweep re-checks it, finds it live and leaves it and
        // its entries alone) or waits for the sweep and makes the scope afresh (see EnsureLiveScopeAsync). Deleting entries
        // and scopes in two statements let a renewal fall in between, leaving a live scope without its entries.
        await using NpgsqlCommand delete = new("""
            WITH gone AS (DELETE FROM eaio_vault_scope WHERE last_used <= @cutoff RETURNING scope)
            DELETE FROM eaio_vault_entry e USING gone WHERE e.scope = gone.scope
            """, connection);
        delete.Parameters.AddWithValue("cutoff", now - _expiryMilliseconds);
        LogSwept(_logger, await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false));
    }

    private long Now() => _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();

    [LoggerMessage(LogLevel.Debug, "PostgreSQL pseudonym vault: swept expired scopes ({Rows} entries deleted).")]
    private static partial void LogSwept(ILogger logger, int rows);

    [LoggerMessage(LogLevel.Error, "PostgreSQL pseudonym vault: the value of {Placeholder} cannot be decrypted (another key, or the row was changed); it is not restored.")]
    private static partial void LogUnreadable(ILogger logger, string placeholder);
}
