using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Eaio.Routing;

/// <summary>
/// Settlements of served calls that the ledger could not take (its store was down, locked or out of connections): kept in
/// this process, so its reservations still count them, and in a small SQLite journal of their own beside the data, so a
/// restart does not lose them; applied to the ledger, each exactly once, by the next operation that finds it working.
/// </summary>
/// <remarks>
/// <para>
/// One instance per ledger (every route's budget layer on the same ledger shares it). Applying relies on the ledger's
/// settlement being idempotent by reservation id (see <see cref="IBudgetLedger.SettleAsync"/>): a settlement applied by
/// two processes that share the journal, or applied and then not removed from the journal, counts once.
/// </para>
/// <para>
/// The journal is a separate file because the ledger's own store is what failed: a locked or read-only <c>eaio.db</c>,
/// or an unreachable PostgreSQL server, leaves the local folder writable. Without a journal path the settlements are kept
/// in memory only, and a process that ends before the store is back loses them (logged when they are recorded).
/// </para>
/// </remarks>
internal sealed partial class PendingSettlements
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS pending_settlement (
            id           TEXT    NOT NULL PRIMARY KEY,
            tenant       TEXT,
            period_label TEXT    NOT NULL,
            period_start INTEGER NOT NULL,
            period_end   INTEGER NOT NULL,
            held         TEXT    NOT NULL,
            expires      INTEGER NOT NULL,
            actual       TEXT    NOT NULL);
        """;

    private static readonly ConditionalWeakTable<IBudgetLedger, PendingSettlements> s_byLedger = [];

    private readonly IBudgetLedger _ledger;
    private readonly SqliteFile? _journal;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<Guid, (BudgetReservation Reservation, decimal ActualUsd)> _pending = new();
    private int _applying;
    private volatile bool _journalRead;

    private PendingSettlements(IBudgetLedger ledger, string? journalPath, ILogger logger)
    {
        _ledger = ledger;
        _logger = logger;
        _journal = journalPath is null ? null : new SqliteFile(Path.GetFullPath(journalPath), Schema, "FULL");

        // A journal that does not exist holds nothing to apply: no file is made until a settlement fails.
        _journalRead = _journal is null || !File.Exists(_journal.Path);
    }

    /// <summary>Gets the pending settlements of a ledger, made on first use with the journal path given then.</summary>
    public static PendingSettlements For(IBudgetLedger ledger, string? journalPath, ILogger logger) =>
        s_byLedger.GetValue(ledger, l => new PendingSettlements(l, journalPath, logger));

    /// <summary>Gets the journal file, or <see langword="null"/> when settlements are kept in memory only.</summary>
    public string? JournalPath => _journal?.Path;

    /// <summary>Gets how many settlements wait to be applied in this process.</summary>
    public int Count => _pending.Count;

    /// <summary>What the pending settlements of a tenant cost: a reservation holds it on top of its own worst case, so the
    /// process cannot spend it a second time while the ledger does not know it.</summary>
    public decimal TotalFor(string? tenantId)
    {
        if (_pending.IsEmpty)
        {
            return 0m;
        }

        decimal total = 0m;
        foreach ((BudgetReservation reservation, decimal actual) in _pending.Values)
        {
            if (string.Equals(reservation.TenantId, tenantId, StringComparison.Ordinal))
            {
                total += actual;
            }
        }

        return total;
    }

    /// <summary>Records a settlement the ledger could not take. It never throws: a journal that cannot be written is logged,
    /// and the settlement stays in this process.</summary>
    public async ValueTask AddAsync(BudgetReservation reservation, decimal actualUsd, string provider, Exception failure)
    {
        _pending[reservation.Id] = (reservation, actualUsd);
        EaioMetrics.SettlementsPending.Add(1, new KeyValuePair<string, object?>("gen_ai.provider.name", provider));
        if (_journal is null)
        {
            LogPendingInMemory(provider, actualUsd, failure.GetType().Name, failure);
            return;
        }

        try
        {
            await using SqliteConnection connection = await _journal.OpenAsync(CancellationToken.None).ConfigureAwait(false);
            await using SqliteCommand insert = connection.CreateCommand();
            insert.CommandText = """
                INSERT INTO pending_settlement (id, tenant, period_label, period_start, period_end, held, expires, actual)
                VALUES ($id, $tenant, $label, $start, $end, $held, $expires, $actual)
                ON CONFLICT (id) DO UPDATE SET actual = excluded.actual
                """;
            insert.Parameters.AddWithValue("$id", reservation.Id.ToString("N"));
            insert.Parameters.AddWithValue("$tenant", (object?)reservation.TenantId ?? DBNull.Value);
            insert.Parameters.AddWithValue("$label", reservation.Period.Label);
            insert.Parameters.AddWithValue("$start", reservation.Period.Start.UtcTicks);
            insert.Parameters.AddWithValue("$end", reservation.Period.End.UtcTicks);
            insert.Parameters.AddWithValue("$held", reservation.AmountUsd.ToString(CultureInfo.InvariantCulture));
            insert.Parameters.AddWithValue("$expires", reservation.ExpiresAt.UtcTicks);
            insert.Parameters.AddWithValue("$actual", actualUsd.ToString(CultureInfo.InvariantCulture));
            await insert.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
            LogPendingJournaled(provider, actualUsd, _journal.Path, failure.GetType().Name, failure);
        }
#pragma warning disable CA1031 // The call was served: nothing here may fail it. The settlement stays in this process.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogJournalFailed(provider, actualUsd, _journal.Path, ex.GetType().Name, failure.GetType().Name, ex);
        }
    }

    /// <summary>Applies what is pending (the journal's rows too, read once at start-up) to the ledger, stopping at the first
    /// failure: the store is still down. It never throws, and returns at once when nothing is pending.</summary>
    public async ValueTask ApplyAsync()
    {
        if (_pending.IsEmpty && _journalRead)
        {
            return;
        }

        if (Interlocked.Exchange(ref _applying, 1) == 1)
        {
            // Another call is applying them; this one's reservation counts what is still pending.
            return;
        }

        try
        {
            if (!_journalRead)
            {
                await ReadJournalAsync().ConfigureAwait(false);
            }

            foreach ((Guid id, (BudgetReservation reservation, decimal actual)) in _pending)
            {
                _ = await _ledger.SettleAsync(reservation, actual, CancellationToken.None).ConfigureAwait(false);
                _ = _pending.TryRemove(id, out _);
                LogPendingApplied(actual, reservation.Id);
                await RemoveFromJournalAsync(id).ConfigureAwait(false);
            }
        }
#pragma warning disable CA1031 // The store is still down: what is pending stays pending, and is tried again by the next call.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogStillPending(_pending.Count, ex.GetType().Name);
        }
        finally
        {
            Volatile.Write(ref _applying, 0);
        }
    }

    private async Task ReadJournalAsync()
    {
        await using SqliteConnection connection = await _journal!.OpenAsync(CancellationToken.None).ConfigureAwait(false);
        await using SqliteCommand select = connection.CreateCommand();
        select.CommandText = "SELECT id, tenant, period_label, period_start, period_end, held, expires, actual FROM pending_settlement";
        await using SqliteDataReader reader = await select.ExecuteReaderAsync(CancellationToken.None).ConfigureAwait(false);
        while (await reader.ReadAsync(CancellationToken.None).ConfigureAwait(false))
        {
            BudgetReservation reservation = new(
                Guid.ParseExact(reader.GetString(0), "N"),
                reader.IsDBNull(1) ? null : reader.GetString(1),
                decimal.Parse(reader.GetString(5), CultureInfo.InvariantCulture),
                new BudgetPeriod(new DateTimeOffset(reader.GetInt64(3), TimeSpan.Zero), new DateTimeOffset(reader.GetInt64(4), TimeSpan.Zero), reader.GetString(2)),
                new DateTimeOffset(reader.GetInt64(6), TimeSpan.Zero));
            _ = _pending.TryAdd(reservation.Id, (reservation, decimal.Parse(reader.GetString(7), CultureInfo.InvariantCulture)));
        }

        _journalRead = true;
    }

    private async Task RemoveFromJournalAsync(Guid id)
    {
        if (_journal is null)
        {
            return;
        }

        // Applied: a row left behind (this delete failing) is applied again later and counts nothing, the ledger being idempotent.
        await using SqliteConnection connection = await _journal.OpenAsync(CancellationToken.None).ConfigureAwait(false);
        await using SqliteCommand delete = connection.CreateCommand();
        delete.CommandText = "DELETE FROM pending_settlement WHERE id = $id";
        delete.Parameters.AddWithValue("$id", id.ToString("N"));
        await delete.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
    }

    [LoggerMessage(LogLevel.Error, "The ledger could not settle a served call to {Provider} (${Cost}, {ErrorType}); the settlement is recorded in {Journal} and applied once the ledger works again.")]
    private partial void LogPendingJournaled(string provider, decimal cost, string journal, string errorType, Exception exception);

    [LoggerMessage(LogLevel.Error, "The ledger could not settle a served call to {Provider} (${Cost}, {ErrorType}); the settlement is kept in this process only (no journal path) and applied once the ledger works again: it is lost if the process ends first.")]
    private partial void LogPendingInMemory(string provider, decimal cost, string errorType, Exception exception);

    [LoggerMessage(LogLevel.Critical, "The ledger could not settle a served call to {Provider} (${Cost}, {Failure}), and its journal {Journal} could not record it ({ErrorType}); the settlement is kept in this process only and lost if it ends before the ledger works again.")]
    private partial void LogJournalFailed(string provider, decimal cost, string journal, string errorType, string failure, Exception exception);

    [LoggerMessage(LogLevel.Information, "A pending settlement of ${Cost} (reservation {ReservationId}) was applied to the ledger.")]
    private partial void LogPendingApplied(decimal cost, Guid reservationId);

    [LoggerMessage(LogLevel.Debug, "{Count} pending settlements could not be applied yet ({ErrorType}); they are tried again by the next call.")]
    private partial void LogStillPending(int count, string errorType);
}
