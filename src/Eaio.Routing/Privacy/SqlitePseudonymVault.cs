using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Eaio.Routing;

/// <summary>
/// An <see cref="IPseudonymVault"/> in an embedded SQLite file (WAL), so a conversation keeps its placeholders across
/// process restarts and across processes that share the file. Scopes expire after <see cref="Expiry"/> without use.
/// </summary>
/// <remarks>
/// <para>
/// <b>What is stored.</b> No sensitive value and no conversation id is stored in clear text. Per placeholder the file
/// holds: the scope as HMAC-SHA256 of the conversation id; the placeholder (<c>EMAIL_1</c>, which is what the provider
/// saw anyway), its stem and number; the original value encrypted with AES-256-GCM under a random 96-bit nonce, with the
/// scope and placeholder as associated data so a row cannot be moved to another placeholder; and HMAC-SHA256 of scope,
/// stem and value, which is how a value already seen is found without decrypting every row. Per scope it holds the last
/// use time (UTC milliseconds). The encryption and HMAC keys are derived with HKDF-SHA256 from the key the host gives;
/// without that key the file reveals only how many values of each type a conversation had.
/// </para>
/// <para>
/// <b>Concurrency.</b> Every change runs in one <c>BEGIN IMMEDIATE</c> transaction, so instances in this process or in
/// others that share the file serialise on SQLite's write lock and agree on one placeholder per value.
/// </para>
/// <para>
/// <b>Expiry.</b> Sliding, like <see cref="InMemoryPseudonymVault"/>, but measured on the wall clock
/// (<see cref="TimeProvider.GetUtcNow"/>) because the file outlives the process. Reads refresh a scope's last use only
/// when it is older than a hundredth of the expiry, so restoring a response does not write to the file for every
/// placeholder. Expired scopes are deleted when another scope is opened, at most once per expiry period per instance.
/// </para>
/// <para>
/// A row that fails to decrypt (a different key, or an edited file) never restores: <see cref="GetSnapshotAsync"/> leaves it
/// out and logs an error, and a literal colliding with it gets a placeholder of its own.
/// </para>
/// <para>
/// <b>Synchronous I/O.</b> Microsoft.Data.Sqlite has no truly asynchronous I/O (its async methods run synchronously), so
/// this vault runs its statements on the calling thread and returns completed tasks. A batch is one look-up pass without
/// the write lock when every value was seen before, else one transaction.
/// </para>
/// </remarks>
public sealed partial class SqlitePseudonymVault : IPseudonymVault
{
    /// <summary>The least key length accepted, in bytes.</summary>
    public const int MinimumKeyLength = PseudonymSealer.MinimumKeyLength;

    private readonly string _connectionString;
    private readonly PseudonymSealer _sealer;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly long _expiryMilliseconds;
    private readonly long _touchMilliseconds;
    private readonly Lock _creationLock = new();
    private bool _created;
    private long _lastSweep;

    /// <summary>Initializes a new instance of the <see cref="SqlitePseudonymVault"/> class.</summary>
    /// <param name="path">The database file; it and its folder are created when missing.</param>
    /// <param name="key">
    /// The secret the encryption and HMAC keys are derived from, at least <see cref="MinimumKeyLength"/> bytes (for
    /// example from configuration or a key store). Every instance that shares the file needs the same key.
    /// </param>
    /// <param name="expiry">How long an unused scope is kept; by default 1 hour.</param>
    /// <param name="timeProvider">The clock; by default <see cref="TimeProvider.System"/>.</param>
    /// <param name="logger">The logger; none by default.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or <paramref name="key"/> is too short.</exception>
    public SqlitePseudonymVault(string path, ReadOnlySpan<byte> key, TimeSpan? expiry = null, TimeProvider? timeProvider = null, ILogger<SqlitePseudonymVault>? logger = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        _sealer = new PseudonymSealer(key);
        Expiry = expiry ?? TimeSpan.FromHours(1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Expiry, TimeSpan.Zero, nameof(expiry));
        Path = System.IO.Path.GetFullPath(path);
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        double expiryMilliseconds = Expiry.TotalMilliseconds;
        _expiryMilliseconds = expiryMilliseconds >= long.MaxValue / 2 ? long.MaxValue / 2 : (long)expiryMilliseconds;
        _touchMilliseconds = Math.Max(1, _expiryMilliseconds / 100);
        _lastSweep = Now();
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    /// <summary>Gets the database file.</summary>
    public string Path { get; }

    /// <summary>Gets how long an unused scope is kept.</summary>
    public TimeSpan Expiry { get; }

    /// <inheritdoc />
    public ValueTask<string> OpenScopeAsync(string? conversationId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();

        // As in memory: a request without a conversation gets a random scope nobody else can name.
        string id = conversationId ?? "request:" + RandomIds.NewId();
        byte[] scope = ScopeKey(id);
        long now = Now();
        using SqliteConnection connection = Open();
        InWriteTransaction(connection, () =>
        {
            SweepIfDue(connection, now);
            _ = EnsureLiveScope(connection, scope, now, create: true);
            return 0;
        });
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

        byte[] scope = ScopeKey(scopeId);
        long now = Now();
        using SqliteConnection connection = Open();

        // Most values were seen before (every message of a conversation is sent again each turn): look them up without
        // the write lock, which costs a synced commit, and take it only when something has to be issued or reserved.
        long? lastUsed = ReadLastUsed(connection, scope);
        if (lastUsed is not null && now - lastUsed.Value < _expiryMilliseconds && TryAnswerFromRows(connection, scope, requests) is { } found)
        {
            if (now - lastUsed.Value >= _touchMilliseconds)
            {
                Touch(connection, scope, now);
            }

            return new ValueTask<IReadOnlyList<string>>(found);
        }

        string[] answers = InWriteTransaction(connection, () =>
        {
            _ = EnsureLiveScope(connection, scope, now, create: true);
            string[] written = new string[requests.Count];
            for (int i = 0; i < written.Length; i++)
            {
                PseudonymRequest request = requests[i];
                written[i] = request.IsLiteral ? Reserve(connection, scope, request.Text) : GetOrAdd(connection, scope, PlaceholderSyntax.ToStem(request.EntityType!), request.Text);
            }

            return written;
        });
        return new ValueTask<IReadOnlyList<string>>(answers);
    }

    /// <inheritdoc />
    public ValueTask<PseudonymScopeSnapshot> GetSnapshotAsync(string scopeId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scopeId);
        cancellationToken.ThrowIfCancellationRequested();
        byte[] scope = ScopeKey(scopeId);
        long now = Now();
        using SqliteConnection connection = Open();
        long? lastUsed = ReadLastUsed(connection, scope);
        if (lastUsed is null || now - lastUsed.Value >= _expiryMilliseconds)
        {
            return new ValueTask<PseudonymScopeSnapshot>(PseudonymScopeSnapshot.Empty);
        }

        if (now - lastUsed.Value >= _touchMilliseconds)
        {
            Touch(connection, scope, now);
        }

        using SqliteCommand select = connection.CreateCommand();
        select.CommandText = "SELECT placeholder, value FROM vault_entry WHERE scope = $scope";
        select.Parameters.AddWithValue("$scope", scope);
        using SqliteDataReader reader = select.ExecuteReader();
        List<KeyValuePair<string, string>> entries = [];
        while (reader.Read())
        {
            // A row that does not decrypt never restores (and is logged).
            string placeholder = reader.GetString(0);
            if (Decrypt(scope, placeholder, (byte[])reader.GetValue(1)) is { } original)
            {
                entries.Add(new KeyValuePair<string, string>(placeholder, original));
            }
        }

        return new ValueTask<PseudonymScopeSnapshot>(entries.Count == 0 ? PseudonymScopeSnapshot.Empty : new PseudonymScopeSnapshot(entries));
    }

    /// <inheritdoc />
    public ValueTask RemoveScopeAsync(string scopeId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scopeId);
        cancellationToken.ThrowIfCancellationRequested();
        byte[] scope = ScopeKey(scopeId);
        using SqliteConnection connection = Open();
        InWriteTransaction(connection, () =>
        {
            DeleteScope(connection, scope);
            return 0;
        });
        return default;
    }

    /// <summary>Answers a batch from the rows alone, or returns <see langword="null"/> when any request needs a write.</summary>
    private string[]? TryAnswerFromRows(SqliteConnection connection, byte[] scope, IReadOnlyList<PseudonymRequest> requests)
    {
        string[] answers = new string[requests.Count];
        for (int i = 0; i < answers.Length; i++)
        {
            PseudonymRequest request = requests[i];
            if (request.IsLiteral)
            {
                // Only a literal already reserved as itself (or not placeholder-shaped) needs no write.
                if (!PlaceholderSyntax.IsPlaceholderShaped(request.Text))
                {
                    answers[i] = request.Text;
                    continue;
                }

                if (!TryReadOriginal(connection, scope, request.Text, out _, out string? original) || original != request.Text)
                {
                    return null;
                }

                answers[i] = request.Text;
                continue;
            }

            string stem = PlaceholderSyntax.ToStem(request.EntityType!);
            if (FindPlaceholder(connection, scope, stem, ValueMac(scope, stem, request.Text)) is not string existing)
            {
                return null;
            }

            answers[i] = existing;
        }

        return answers;
    }

    private string Reserve(SqliteConnection connection, byte[] scope, string literal)
    {
        if (!PlaceholderSyntax.IsPlaceholderShaped(literal))
        {
            return literal;
        }

        (string literalStem, int number) = PlaceholderSyntax.Split(literal);
        string stem = PlaceholderSyntax.ToStem(literalStem);
        if (TryReadOriginal(connection, scope, literal, out bool exists, out string? original) || exists)
        {
            // Already the placeholder of something else (or of a row this key cannot read): the literal gets a
            // placeholder of its own, which restores to the literal text.
            return original == literal ? literal : GetOrAdd(connection, scope, stem, literal);
        }

        Insert(connection, scope, literal, stem, number, literal, issued: false);
        return literal;
    }

    private static long? ReadLastUsed(SqliteConnection connection, byte[] scope)
    {
        using SqliteCommand select = connection.CreateCommand();
        select.CommandText = "SELECT last_used FROM vault_scope WHERE scope = $scope";
        select.Parameters.AddWithValue("$scope", scope);
        return select.ExecuteScalar() is long lastUsed ? lastUsed : null;
    }

    private static void Touch(SqliteConnection connection, byte[] scope, long now)
    {
        // max() keeps a racing older time from moving the last use back.
        using SqliteCommand update = connection.CreateCommand();
        update.CommandText = "UPDATE vault_scope SET last_used = max(last_used, $now) WHERE scope = $scope";
        update.Parameters.AddWithValue("$scope", scope);
        update.Parameters.AddWithValue("$now", now);
        _ = update.ExecuteNonQuery();
    }

    private static void DeleteScope(SqliteConnection connection, byte[] scope)
    {
        using SqliteCommand delete = connection.CreateCommand();
        delete.CommandText = "DELETE FROM vault_entry WHERE scope = $scope; DELETE FROM vault_scope WHERE scope = $scope;";
        delete.Parameters.AddWithValue("$scope", scope);
        _ = delete.ExecuteNonQuery();
    }

    private static T InWriteTransaction<T>(SqliteConnection connection, Func<T> work)
    {
        // BEGIN IMMEDIATE takes the write lock before anything is read, so no other writer can change the scope between
        // this transaction's reads and writes.
        using (SqliteCommand begin = connection.CreateCommand())
        {
            begin.CommandText = "BEGIN IMMEDIATE";
            _ = begin.ExecuteNonQuery();
        }

        try
        {
            T result = work();
            using SqliteCommand commit = connection.CreateCommand();
            commit.CommandText = "COMMIT";
            _ = commit.ExecuteNonQuery();
            return result;
        }
        catch
        {
            using SqliteCommand rollback = connection.CreateCommand();
            rollback.CommandText = "ROLLBACK";
            _ = rollback.ExecuteNonQuery();
            throw;
        }
    }

    private string GetOrAdd(SqliteConnection connection, byte[] scope, string stem, string value)
    {
        byte[] mac = ValueMac(scope, stem, value);
        if (FindPlaceholder(connection, scope, stem, mac) is string existing)
        {
            return existing;
        }

        // The next number after the highest issued for the stem that is free in every case: reserved literals
        // ("EMAIL_3" written by the user) hold their numbers, so an issued placeholder never equals one.
        long number;
        using (SqliteCommand max = connection.CreateCommand())
        {
            max.CommandText = "SELECT coalesce(max(number), 0) FROM vault_entry WHERE scope = $scope AND stem = $stem AND issued = 1";
            max.Parameters.AddWithValue("$scope", scope);
            max.Parameters.AddWithValue("$stem", stem);
            number = (long)max.ExecuteScalar()!;
        }

        string placeholder;
        do
        {
            number++;
            placeholder = string.Concat(stem, "_", number.ToString(CultureInfo.InvariantCulture));
        }
        while (PlaceholderExists(connection, scope, placeholder));

        Insert(connection, scope, placeholder, stem, number, value, issued: true, mac);
        return placeholder;
    }

    private void Insert(SqliteConnection connection, byte[] scope, string placeholder, string stem, long number, string value, bool issued, byte[]? mac = null)
    {
        using SqliteCommand insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO vault_entry (scope, placeholder, stem, number, issued, value_mac, value) VALUES ($scope, $placeholder, $stem, $number, $issued, $mac, $value)";
        insert.Parameters.AddWithValue("$scope", scope);
        insert.Parameters.AddWithValue("$placeholder", placeholder);
        insert.Parameters.AddWithValue("$stem", stem);
        insert.Parameters.AddWithValue("$number", number);
        insert.Parameters.AddWithValue("$issued", issued ? 1 : 0);
        insert.Parameters.AddWithValue("$mac", mac ?? ValueMac(scope, stem, value));
        insert.Parameters.AddWithValue("$value", Encrypt(scope, placeholder, value));
        _ = insert.ExecuteNonQuery();
    }

    private static string? FindPlaceholder(SqliteConnection connection, byte[] scope, string stem, byte[] mac)
    {
        // The latest row wins, as a reserved literal overrides an earlier mapping in memory.
        using SqliteCommand select = connection.CreateCommand();
        select.CommandText = "SELECT placeholder FROM vault_entry WHERE scope = $scope AND stem = $stem AND value_mac = $mac ORDER BY rowid DESC LIMIT 1";
        select.Parameters.AddWithValue("$scope", scope);
        select.Parameters.AddWithValue("$stem", stem);
        select.Parameters.AddWithValue("$mac", mac);
        return select.ExecuteScalar() as string;
    }

    private static bool PlaceholderExists(SqliteConnection connection, byte[] scope, string placeholder)
    {
        using SqliteCommand select = connection.CreateCommand();
        select.CommandText = "SELECT 1 FROM vault_entry WHERE scope = $scope AND placeholder = $placeholder";
        select.Parameters.AddWithValue("$scope", scope);
        select.Parameters.AddWithValue("$placeholder", placeholder);
        return select.ExecuteScalar() is not null;
    }

    /// <summary>Reads and decrypts the value of a placeholder (compared ignoring case).</summary>
    private bool TryReadOriginal(SqliteConnection connection, byte[] scope, string placeholder, out bool exists, [NotNullWhen(true)] out string? original)
    {
        using SqliteCommand select = connection.CreateCommand();
        select.CommandText = "SELECT placeholder, value FROM vault_entry WHERE scope = $scope AND placeholder = $placeholder";
        select.Parameters.AddWithValue("$scope", scope);
        select.Parameters.AddWithValue("$placeholder", placeholder);
        using SqliteDataReader reader = select.ExecuteReader();
        if (!reader.Read())
        {
            exists = false;
            original = null;
            return false;
        }

        exists = true;
        string stored = reader.GetString(0);
        byte[] sealedValue = (byte[])reader.GetValue(1);
        original = Decrypt(scope, stored, sealedValue);
        return original is not null;
    }

    /// <summary>Returns whether the scope is live after this call, creating or renewing it as asked.</summary>
    private bool EnsureLiveScope(SqliteConnection connection, byte[] scope, long now, bool create)
    {
        long? lastUsed = ReadLastUsed(connection, scope);
        if (lastUsed is not null && now - lastUsed.Value < _expiryMilliseconds)
        {
            Touch(connection, scope, now);
            return true;
        }

        if (lastUsed is not null)
        {
            // Expired: its placeholders must no longer restore and numbering starts afresh.
            DeleteScope(connection, scope);
        }

        if (!create)
        {
            return false;
        }

        using SqliteCommand insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO vault_scope (scope, last_used) VALUES ($scope, $now)";
        insert.Parameters.AddWithValue("$scope", scope);
        insert.Parameters.AddWithValue("$now", now);
        _ = insert.ExecuteNonQuery();
        return true;
    }

    private void SweepIfDue(SqliteConnection connection, long now)
    {
        long last = Interlocked.Read(ref _lastSweep);
        if (now - last < _expiryMilliseconds || Interlocked.CompareExchange(ref _lastSweep, now, last) != last)
        {
            return;
        }

        using SqliteCommand delete = connection.CreateCommand();
        delete.CommandText = """
            DELETE FROM vault_entry WHERE scope IN (SELECT scope FROM vault_scope WHERE last_used <= $cutoff);
            DELETE FROM vault_scope WHERE last_used <= $cutoff;
            """;
        delete.Parameters.AddWithValue("$cutoff", now - _expiryMilliseconds);
        int deleted = delete.ExecuteNonQuery();
        LogSwept(_logger, deleted, Path);
    }

    private byte[] Encrypt(byte[] scope, string placeholder, string value) => _sealer.Seal(scope, placeholder, value);

    private string? Decrypt(byte[] scope, string placeholder, byte[] sealedValue)
    {
        string? value = _sealer.Open(scope, placeholder, sealedValue);
        if (value is null)
        {
            LogUnreadable(_logger, placeholder, Path);
        }

        return value;
    }

    private byte[] ScopeKey(string scopeId) => _sealer.ScopeKey(scopeId);

    private byte[] ValueMac(byte[] scope, string stem, string value) => _sealer.ValueMac(scope, stem, value);

    private long Now() => _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();

    private SqliteConnection Open()
    {
        EnsureCreated();
        SqliteConnection connection = new(_connectionString);
        connection.Open();
        return connection;
    }

    /// <summary>Creates the file and tables once; a failed attempt is retried by the next call rather than remembered.</summary>
    private void EnsureCreated()
    {
        if (Volatile.Read(ref _created))
        {
            return;
        }

        lock (_creationLock)
        {
            if (_created)
            {
                return;
            }

            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
            using SqliteConnection connection = new(_connectionString);
            connection.Open();
            using SqliteCommand create = connection.CreateCommand();

            // Placeholders are unique per scope ignoring case (COLLATE NOCASE), as the restorer looks them up.
            create.CommandText = """
                PRAGMA journal_mode = WAL;
                CREATE TABLE IF NOT EXISTS vault_scope (
                    scope     BLOB    NOT NULL PRIMARY KEY,
                    last_used INTEGER NOT NULL);
                CREATE TABLE IF NOT EXISTS vault_entry (
                    scope       BLOB    NOT NULL,
                    placeholder TEXT    NOT NULL COLLATE NOCASE,
                    stem        TEXT    NOT NULL COLLATE NOCASE,
                    number      INTEGER NOT NULL,
                    issued      INTEGER NOT NULL DEFAULT 0,
                    value_mac   BLOB    NOT NULL,
                    value       BLOB    NOT NULL,
                    UNIQUE (scope, placeholder));
                CREATE INDEX IF NOT EXISTS vault_entry_value ON vault_entry (scope, stem, value_mac);
                """;
            _ = create.ExecuteNonQuery();
            Volatile.Write(ref _created, true);
        }
    }

    [LoggerMessage(LogLevel.Debug, "Pseudonym vault {Path}: swept expired scopes ({Rows} rows deleted).")]
    private static partial void LogSwept(ILogger logger, int rows, string path);

    [LoggerMessage(LogLevel.Error, "Pseudonym vault {Path}: the value of {Placeholder} cannot be decrypted (another key, or the file was changed); it is not restored.")]
    private static partial void LogUnreadable(ILogger logger, string placeholder, string path);
}
