using Microsoft.Data.Sqlite;

namespace Eaio.Routing;

/// <summary>The default budget ledger: tables in the embedded SQLite file (WAL), shared by every process that opens it.</summary>
/// <remarks>
/// <para>
/// A reservation is one conditional <c>INSERT … SELECT … WHERE spent + held + amount &lt;= budget</c>: SQLite runs a
/// write statement under its database write lock, so the check and the hold are one step for every process on the file.
/// A settlement removes the hold and adds the cost, once per reservation: its id is kept for 62 days, and settling it
/// again counts nothing.
/// </para>
/// <para>
/// Writes are group-committed: reservations, settlements and releases queue in memory, and whichever caller gets to
/// write applies everything queued (up to 256) in one <c>BEGIN IMMEDIATE</c> transaction, in the order they were queued.
/// Each write's check runs inside that transaction against what the writes before it left, so the budget check of a
/// reservation sees the holds of the reservations queued ahead of it. Each caller gets its own result (a hold, a refusal
/// with the figures, a settlement) only once the transaction committed; a transaction that fails is rolled back whole and
/// fails every caller in it. Under load a burst of calls takes the write lock a few times instead of twice each
/// (issue 17). At most 1,024 writes wait; further ones wait for room.
/// </para>
/// <para>
/// Amounts are stored as whole units of 10⁻⁹ US dollars (a token of the cheapest listed model costs about 10⁻⁸), holds
/// rounded up and costs to the nearest unit. A hold left by a process that died lapses at its expiry: holds past it no
/// longer count and are deleted by later settlements.
/// </para>
/// <para>
/// Its connections run WAL with <c>synchronous = NORMAL</c>: a commit survives the process dying at any point, but the
/// last commits before a power cut or an operating-system crash can be lost (spending under-counted by the calls of those
/// moments). With <c>FULL</c> every reserve and settle waits for the disk, a third of the throughput measured in
/// <c>docs/benchmarks.md</c>. The audit log keeps <c>FULL</c>: a record must be durable before the response is returned.
/// </para>
/// <para>
/// The routing policy's <see cref="GetSnapshotAsync"/> is answered from the last status this process saw when it is at most
/// <see cref="SnapshotMaxAge"/> old (synchronously), else from one read that every request planning meanwhile awaits;
/// the reservation itself always checks the store, so a stale snapshot can only change which routes are planned, never
/// let a call overspend.
/// </para>
/// <para>
/// A lock held by another connection is waited for up to 30 s (SQLite's busy timeout); a statement refused for a lock
/// without that wait (locked, or a stale read snapshot) runs again a few times with jittered backoff. Every failure of
/// the file reaches the caller as an <see cref="EaioStorageException"/> naming it.
/// </para>
/// </remarks>
public sealed class SqliteBudgetLedger : IBudgetLedger, IDisposable
{
    private const decimal UnitsPerUsd = 1_000_000_000m;

    /// <summary>The largest amount the store can hold, in US dollars: amounts are 64-bit counts of billionths of a dollar.</summary>
    public const decimal MaxAmountUsd = long.MaxValue / UnitsPerUsd;

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS budget_account (
            tenant  TEXT    NOT NULL,
            period  TEXT    NOT NULL,
            spent   INTEGER NOT NULL,
            alerted INTEGER NOT NULL,
            PRIMARY KEY (tenant, period));
        CREATE TABLE IF NOT EXISTS budget_hold (
            id      TEXT    NOT NULL PRIMARY KEY,
            tenant  TEXT    NOT NULL,
            period  TEXT    NOT NULL,
            amount  INTEGER NOT NULL,
            expires INTEGER NOT NULL);
        CREATE INDEX IF NOT EXISTS budget_hold_account ON budget_hold (tenant, period, expires);
        CREATE INDEX IF NOT EXISTS budget_hold_expires ON budget_hold (expires);
        CREATE TABLE IF NOT EXISTS budget_settled (
            id      TEXT    NOT NULL PRIMARY KEY,
            at      INTEGER NOT NULL);
        CREATE INDEX IF NOT EXISTS budget_settled_at ON budget_settled (at);
        """;

    /// <summary>How long a settled reservation's id is kept, so that settling it again counts nothing: longer than a period,
    /// so a settlement recorded while the store was down and applied later is still recognised.</summary>
    private static readonly TimeSpan s_settledKept = TimeSpan.FromDays(62);

    /// <summary>The most writes one transaction applies; four batches may wait beyond the one being written.</summary>
    private const int MaxBatch = 256;

    private readonly SqliteFile _file;
    private readonly TimeProvider _time;
    private readonly BudgetSnapshotCache _snapshots;
    private readonly GroupCommitQueue<LedgerWrite, LedgerWriteOutcome> _queue;

    // The writing connection and its statements, opened by the first batch and kept; only the group commit's one writer
    // at a time uses them.
    private SqliteLedgerStatements? _writer;

    /// <summary>Initializes a new instance of the <see cref="SqliteBudgetLedger"/> class.</summary>
    /// <param name="path">The database file (by default <c>eaio.db</c> in the data directory); its folder is created when missing.</param>
    /// <param name="limits">The budgets, alert threshold, time zone and reservation lifetime.</param>
    /// <param name="timeProvider">The clock for periods and expiry; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="limits"/> is <see langword="null"/>.</exception>
    public SqliteBudgetLedger(string path, BudgetLimits limits, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(limits);
        Path = System.IO.Path.GetFullPath(path);
        Limits = limits;
        _time = timeProvider ?? TimeProvider.System;
        _file = new SqliteFile(Path, Schema, "NORMAL");
        _snapshots = new BudgetSnapshotCache(_time, async tenant => await GetStatusAsync(tenant).ConfigureAwait(false));
        _queue = new GroupCommitQueue<LedgerWrite, LedgerWriteOutcome>(4 * MaxBatch, MaxBatch, WriteBatchAsync, BatchFailure);
    }

    /// <summary>Gets the database file.</summary>
    public string Path { get; }

    /// <summary>Gets what the ledger enforces.</summary>
    public BudgetLimits Limits { get; }

    /// <summary>Gets how old a status may be to answer <see cref="GetSnapshotAsync"/> without reading the store.</summary>
    public TimeSpan SnapshotMaxAge
    {
        get => _snapshots.MaxAge;
        init => _snapshots.MaxAge = value;
    }

    /// <inheritdoc/>
    /// <exception cref="EaioStorageException">The file could not be read or written, or stayed locked after the retries.</exception>
    public async ValueTask<BudgetReservation> ReserveAsync(string? tenantId, decimal amountUsd, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(amountUsd);
        DateTimeOffset now = _time.GetUtcNow();
        BudgetReservation reservation = new(RandomIds.NewGuid(), tenantId, amountUsd, Limits.PeriodOf(now), now + Limits.ReservationLifetime);
        LedgerWrite write = new(LedgerWriteKind.Reserve, reservation, ToUnits(amountUsd, ceiling: true), ToUnits(Limits.BudgetFor(tenantId), ceiling: false), 0, now);
        LedgerWriteOutcome outcome = await _queue.WriteAsync(write, cancellationToken).ConfigureAwait(false);
        return outcome.Done ? reservation : throw new BudgetExceededException(outcome.Status!, amountUsd);
    }

    /// <inheritdoc/>
    /// <exception cref="EaioStorageException">The file could not be read or written, or stayed locked after the retries.</exception>
    public async ValueTask<BudgetSettlement> SettleAsync(BudgetReservation reservation, decimal actualUsd, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        ArgumentOutOfRangeException.ThrowIfNegative(actualUsd);
        decimal budget = Limits.BudgetFor(reservation.TenantId);
        long threshold = budget > 0 ? ToUnits((decimal)Limits.AlertThreshold * budget, ceiling: true) : 0L;
        LedgerWrite write = new(LedgerWriteKind.Settle, reservation, ToUnits(actualUsd, ceiling: false), 0, threshold, _time.GetUtcNow());

        // What was spent is counted whatever the caller's token says: a cancelled settlement would lose money.
        LedgerWriteOutcome outcome = await _queue.WriteAsync(write, CancellationToken.None).ConfigureAwait(false);
        return new BudgetSettlement(outcome.Status!, outcome.Done);
    }

    /// <inheritdoc/>
    /// <exception cref="EaioStorageException">The file could not be written, or stayed locked after the retries.</exception>
    public async ValueTask ReleaseAsync(BudgetReservation reservation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reservation);

        // Released whatever the caller's token says: a hold left behind would block budget until it expires.
        _ = await _queue.WriteAsync(new LedgerWrite(LedgerWriteKind.Release, reservation, 0, 0, 0, _time.GetUtcNow()), CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Writes a batch in one transaction, run again whole after a lock conflict; the statuses it read are remembered
    /// only once it committed.</summary>
    private async Task<LedgerWriteOutcome[]> WriteBatchAsync(IReadOnlyList<LedgerWrite> batch)
    {
        LedgerWriteOutcome[] outcomes = await Retry.ExecuteAsync(static (s, _) => s.Ledger.TryWriteBatchAsync(s.Batch), (Ledger: this, Batch: batch), CancellationToken.None).ConfigureAwait(false);

        // Refusals' figures first: those read after the whole batch (settlements') are the newer ones.
        foreach (LedgerWriteKind kind in (ReadOnlySpan<LedgerWriteKind>)[LedgerWriteKind.Reserve, LedgerWriteKind.Settle])
        {
            for (int i = 0; i < outcomes.Length; i++)
            {
                if (batch[i].Kind == kind && outcomes[i].Status is { } status)
                {
                    _snapshots.Remember(status);
                }
            }
        }

        return outcomes;
    }

    /// <summary>
    /// One transaction applying the batch's writes in order, each one's check against the state the writes before it left
    /// (the reservation after three others sees their holds); rolled back whole on any failure, so it may run again.
    /// </summary>
    private async ValueTask<LedgerWriteOutcome[]> TryWriteBatchAsync(IReadOnlyList<LedgerWrite> batch)
    {
        // Only the queue's one writer at a time gets here, so the writing connection is not shared.
        SqliteLedgerStatements statements = _writer ??= new SqliteLedgerStatements(await SqliteWriterConnection.OpenAsync(_file).ConfigureAwait(false));
        try
        {
            await statements.BeginAsync().ConfigureAwait(false);
            LedgerWriteOutcome[] outcomes = new LedgerWriteOutcome[batch.Count];
            for (int i = 0; i < batch.Count; i++)
            {
                LedgerWrite write = batch[i];
                outcomes[i] = write.Kind switch
                {
                    LedgerWriteKind.Reserve => await statements.ReserveAsync(write).ConfigureAwait(false)
                        ? new LedgerWriteOutcome(true, null)
                        : new LedgerWriteOutcome(false, await ReadStatusAsync(statements, write.Reservation.TenantId, write.Reservation.Period, write.Now).ConfigureAwait(false)),
                    LedgerWriteKind.Settle => new LedgerWriteOutcome(await statements.SettleAsync(write, s_settledKept).ConfigureAwait(false), null),
                    _ => new LedgerWriteOutcome(await statements.ReleaseAsync(write).ConfigureAwait(false), null),
                };
            }

            // A settlement's figures are those after the whole batch, as the caller would read them after the commit: one
            // read per tenant and period however many of its calls settled together.
            DateTimeOffset now = _time.GetUtcNow();
            Dictionary<(string, string), BudgetStatus>? read = null;
            for (int i = 0; i < batch.Count; i++)
            {
                if (batch[i].Kind == LedgerWriteKind.Settle)
                {
                    BudgetReservation reservation = batch[i].Reservation;
                    read ??= [];
                    (string, string) key = (reservation.TenantId ?? string.Empty, reservation.Period.Label);
                    if (!read.TryGetValue(key, out BudgetStatus? status))
                    {
                        status = await ReadStatusAsync(statements, reservation.TenantId, reservation.Period, now).ConfigureAwait(false);
                        read[key] = status;
                    }

                    outcomes[i] = outcomes[i] with { Status = status };
                }
            }

            await statements.CommitAsync().ConfigureAwait(false);
            return outcomes;
        }
        catch
        {
            // Rolled back whole, and the next try (or batch) starts on a new connection, as it would have from the pool.
            statements.RollBack();
            statements.Dispose();
            _writer = null;
            throw;
        }
    }

    /// <inheritdoc/>
    /// <exception cref="EaioStorageException">The file could not be read.</exception>
    public async ValueTask<BudgetStatus> GetStatusAsync(string? tenantId, CancellationToken cancellationToken = default)
    {
        DateTimeOffset now = _time.GetUtcNow();
        try
        {
            await using SqliteConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using SqliteCommand select = SqliteLedgerStatements.CreateStatus(connection);
            BudgetPeriod period = Limits.PeriodOf(now);
            BudgetStatus status = ToStatus(tenantId, period, await SqliteLedgerStatements.ReadStatusAsync(select, tenantId ?? string.Empty, period.Label, now.UtcTicks, cancellationToken).ConfigureAwait(false));
            _snapshots.Remember(status);
            return status;
        }
        catch (Exception ex) when (IsStoreFailure(ex))
        {
            throw Failure("read the budget", ex);
        }
    }

    /// <inheritdoc/>
    /// <exception cref="EaioStorageException">The file could not be read.</exception>
    public ValueTask<BudgetSnapshot> GetSnapshotAsync(string? tenantId, CancellationToken cancellationToken = default) =>
        _snapshots.GetAsync(tenantId, cancellationToken);

    /// <summary>Gets how many transactions have applied writes: with group commit, fewer than the writes under load (for tests).</summary>
    internal long Commits => _queue.Commits;

    /// <summary>Gets how many writes wait for a writer (for tests).</summary>
    internal int Queued => _queue.Queued;

    /// <summary>Gets how many writes a writer has taken and not yet committed (for tests).</summary>
    internal int InFlight => _queue.InFlight;

    /// <summary>Gets or sets how transactions SQLite reported busy or locked are run again; internal so tests can fix the jitter.</summary>
    internal StoreRetry Retry { get; init; } = new(IsConflict);

    /// <summary>
    /// Whether SQLite refused a statement for a lock without waiting for it: locked (a conflict within one shared cache) or
    /// busy because a read snapshot went stale (another connection wrote since). A plain busy has already waited out the
    /// 30 s busy timeout, SQLite's own retry; running it again would only make the caller wait minutes.
    /// </summary>
    internal static bool IsConflict(Exception ex) => ex is SqliteException { SqliteErrorCode: 6 } or SqliteException { SqliteExtendedErrorCode: 517 };

    /// <summary>A failure of the file itself, as opposed to the caller's cancellation or a budget refusal.</summary>
    private static bool IsStoreFailure(Exception ex) => ex is SqliteException or IOException or UnauthorizedAccessException;

    private EaioStorageException Failure(string operation, Exception ex) => new($"SQLite ledger at {Path}", operation, ex);

    /// <summary>What the caller of each write in a batch that did not commit gets: the failure named for its own operation.</summary>
    private Exception BatchFailure(LedgerWrite write, Exception ex) => IsStoreFailure(ex)
        ? Failure(write.Kind switch
        {
            LedgerWriteKind.Reserve => "reserve budget",
            LedgerWriteKind.Settle => "settle a call's cost",
            _ => "release a hold",
        }, ex)
        : ex;

    private async Task<BudgetStatus> ReadStatusAsync(SqliteLedgerStatements statements, string? tenantId, BudgetPeriod period, DateTimeOffset now) =>
        ToStatus(tenantId, period, await statements.ReadStatusAsync(tenantId ?? string.Empty, period.Label, now.UtcTicks).ConfigureAwait(false));

    private BudgetStatus ToStatus(string? tenantId, BudgetPeriod period, (long Spent, bool Alerted, long Held) read) => new(
        tenantId,
        Limits.BudgetFor(tenantId),
        read.Spent / UnitsPerUsd,
        read.Held / UnitsPerUsd,
        Limits.AlertThreshold,
        read.Alerted,
        period);

    private static long ToUnits(decimal usd, bool ceiling)
    {
        if (usd > MaxAmountUsd)
        {
            throw new ArgumentOutOfRangeException(nameof(usd), usd, $"The SQLite budget ledger holds amounts up to ${decimal.Floor(MaxAmountUsd)} (billionths of a dollar in 64 bits).");
        }

        decimal units = usd * UnitsPerUsd;
        return (long)(ceiling ? decimal.Ceiling(units) : decimal.Round(units, MidpointRounding.AwayFromZero));
    }

    private Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken) => _file.OpenAsync(cancellationToken);

    /// <summary>Closes the ledger's writing connection; call it once no call is using the ledger (the host's container does at shutdown).</summary>
    public void Dispose()
    {
        _writer?.Dispose();
        _writer = null;
    }
}
