using Npgsql;

namespace Eaio.Routing;

/// <summary>
/// Creates and migrates the tables every host shares. Each migration runs once, in order, recorded in
/// <c>eaio_schema</c>; hosts starting together serialise on an advisory lock, so no two apply the same step.
/// </summary>
internal static class PostgresSchema
{
    /// <summary>The advisory lock key of schema changes ('EAIOSCHM' as a number), distinct from the audit chain's.</summary>
    private const long MigrationLock = 0x4541494F5343484D;

    /// <summary>The migrations in order; a released step is never edited, only followed by a new one.</summary>
    private static readonly string[] s_migrations =
    [
        // 1: the budget ledger and the audit chain.
        """
        CREATE TABLE eaio_budget_account (
            tenant   text    NOT NULL,
            period   text    NOT NULL,
            spent    numeric NOT NULL DEFAULT 0 CHECK (spent >= 0),
            reserved numeric NOT NULL DEFAULT 0 CHECK (reserved >= 0),
            alerted  boolean NOT NULL DEFAULT false,
            PRIMARY KEY (tenant, period));
        CREATE TABLE eaio_budget_hold (
            id      uuid        PRIMARY KEY,
            tenant  text        NOT NULL,
            period  text        NOT NULL,
            amount  numeric     NOT NULL CHECK (amount >= 0),
            expires timestamptz NOT NULL);
        CREATE INDEX eaio_budget_hold_account ON eaio_budget_hold (tenant, period, expires);
        CREATE TABLE eaio_audit (
            id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            seq   bigint NOT NULL UNIQUE,
            entry text   NOT NULL,
            prev  text   NOT NULL,
            hash  text   NOT NULL);
        """,

        // 2: the pseudonym vault (scopes and values as keyed hashes, values encrypted; see PostgresPseudonymVault).
        """
        CREATE TABLE eaio_vault_scope (
            scope     bytea  PRIMARY KEY,
            last_used bigint NOT NULL);
        CREATE TABLE eaio_vault_entry (
            id          bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            scope       bytea   NOT NULL,
            placeholder text    NOT NULL,
            stem        text    NOT NULL,
            number      bigint  NOT NULL,
            issued      boolean NOT NULL,
            value_mac   bytea   NOT NULL,
            value       bytea   NOT NULL);
        CREATE UNIQUE INDEX eaio_vault_entry_placeholder ON eaio_vault_entry (scope, upper(placeholder));
        CREATE INDEX eaio_vault_entry_value ON eaio_vault_entry (scope, upper(stem), value_mac);
        """,

        // 3: the request log. With TimescaleDB installed and preloaded it becomes a hypertable on ts (the seed's
        // metrics store); otherwise it is a plain table with an index on ts. No primary key: a hypertable's unique
        // keys must contain ts, and rows are only ever appended and scanned by time.
        // Edited after release, which is safe only because the edit changes nothing where the step used to succeed:
        // an ordinary role may not read shared_preload_libraries (superuser or pg_read_all_settings only), so there
        // the step failed and no host could start. Such a role now asks whether the extension is already created in
        // this database (TimescaleDB cannot be created without being preloaded), and gets a plain table if not.
        """
        CREATE TABLE eaio_request_log (
            ts          timestamptz      NOT NULL,
            request_id  text             NOT NULL,
            response_id text,
            provider    text             NOT NULL,
            model       text             NOT NULL,
            tier        smallint         NOT NULL,
            privacy     smallint         NOT NULL,
            complexity  double precision NOT NULL,
            outcome     smallint         NOT NULL,
            error_type  text,
            latency_ms  double precision NOT NULL,
            ttft_ms     double precision,
            input_tokens  bigint         NOT NULL,
            output_tokens bigint         NOT NULL,
            cost_usd    numeric          NOT NULL,
            fallbacks   integer          NOT NULL,
            quality     double precision,
            rate_limit  double precision,
            streamed    boolean          NOT NULL);
        CREATE INDEX eaio_request_log_ts ON eaio_request_log (ts);
        CREATE INDEX eaio_request_log_response ON eaio_request_log (response_id) WHERE response_id IS NOT NULL;
        DO $$
        DECLARE
            preloaded boolean := false;
        BEGIN
            IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb') THEN
                BEGIN
                    preloaded := current_setting('shared_preload_libraries') LIKE '%timescaledb%';
                EXCEPTION WHEN insufficient_privilege THEN
                    preloaded := EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb');
                END;
            END IF;

            IF preloaded THEN
                CREATE EXTENSION IF NOT EXISTS timescaledb;
                PERFORM create_hypertable('eaio_request_log', 'ts', migrate_data => true);
            END IF;
        END
        $$;
        """,

        // 4: settled reservations, so a settlement counts once however often it is retried or replayed (see PostgresBudgetLedger).
        """
        CREATE TABLE eaio_budget_settled (
            id uuid        PRIMARY KEY,
            at timestamptz NOT NULL);
        CREATE INDEX eaio_budget_settled_at ON eaio_budget_settled (at);
        """,

        // 5: how each audit record was hashed (AuditHashAlgorithm): records written before are SHA-256 (1), keyed
        // records HMAC-SHA256 (2). A host of an earlier version refuses this schema rather than append unkeyed records.
        """
        ALTER TABLE eaio_audit ADD COLUMN alg smallint NOT NULL DEFAULT 1;
        """,

        // 6: the adaptive policy's feedback per request category, shared by every host of the database.
        """
        CREATE TABLE eaio_routing_feedback (
            category       text             PRIMARY KEY,
            local_count    bigint           NOT NULL,
            local_score    double precision NOT NULL,
            external_count bigint           NOT NULL,
            external_score double precision NOT NULL);
        """,

        // 7: the request's category with each request log entry, for acceptance by category in the optimisation report.
        // Nullable without a default, so adding it rewrites nothing (also on a hypertable); older rows have none.
        """
        ALTER TABLE eaio_request_log ADD COLUMN category text;
        """,
    ];

    /// <summary>Gets the schema version this code writes.</summary>
    public static int CurrentVersion => s_migrations.Length;

    /// <summary>Brings the database to <see cref="CurrentVersion"/>; a database newer than the code is refused.</summary>
    public static async Task MigrateAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using NpgsqlConnection connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using NpgsqlTransaction transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (NpgsqlCommand prepare = new("""
            SELECT pg_advisory_xact_lock(@lock);
            CREATE TABLE IF NOT EXISTS eaio_schema (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());
            """, connection, transaction))
        {
            prepare.Parameters.AddWithValue("lock", MigrationLock);
            await prepare.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        int version;
        await using (NpgsqlCommand read = new("SELECT COALESCE(MAX(version), 0) FROM eaio_schema", connection, transaction))
        {
            version = (int)(await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        if (version > CurrentVersion)
        {
            throw new InvalidOperationException(
                $"The EAIO schema in this database is version {version}, newer than this library's {CurrentVersion}: upgrade Eaio.Routing.PostgreSql on this host.");
        }

        for (int step = version; step < CurrentVersion; step++)
        {
            await using NpgsqlCommand migrate = new(s_migrations[step] + "; INSERT INTO eaio_schema (version) VALUES (@version);", connection, transaction);
            migrate.Parameters.AddWithValue("version", step + 1);
            await migrate.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }
}
