package dev.drover.history;

import dev.drover.core.history.HistoryEvent;
import dev.drover.core.history.HistoryRecorder;
import dev.drover.core.history.HistorySink;
import dev.drover.core.history.OperatorAction;
import dev.drover.core.history.OutboxEntry;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.jdbc.JdbcClientBuilder;
import org.flywaydb.core.Flyway;

import java.util.List;

/**
 * Drover's history database: opened once per process, schema brought up to date by Flyway's versioned
 * scripts ({@code dev/drover/history/db/V*.sql}) before anything is read or written, then served to
 * the writers ({@link #recorder()}) and the read functions ({@link #queries()}) through helidon-dbclient.
 */
public final class History implements AutoCloseable {
    /** Where the versioned migration scripts live on the classpath. */
    public static final String SCRIPTS = "classpath:dev/drover/history/db";

    private final HikariPool pool;
    private final DbClient db;
    private final HistoryRecorder recorder;
    private final HistoryQueries queries;

    private History(HikariPool pool, DbClient db) {
        this.pool = pool;
        this.db = db;
        HistoryWriter writer = new HistoryWriter(db);
        this.recorder = new HistoryRecorder(new HistorySink() {
            @Override
            public void write(List<HistoryEvent> events) {
                writer.write(events);
            }

            @Override
            public void write(OperatorAction action) {
                writer.write(action);
            }
        });
        this.queries = new HistoryQueries(db);
    }

    /**
     * Connects, migrates the schema and returns the history.
     *
     * @throws RuntimeException when the database cannot be reached or migrated: a process without its
     *                          history database does not start (writes are forgiving, a missing schema is not)
     */
    public static History open(HistorySettings settings) {
        HikariPool pool = pool(settings, false);
        try {
            migrate(pool);
            return new History(pool, client(pool));
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /**
     * The history as a reader that never waits for it at start (the functions, ADR 0008): no connection is made
     * until the first read, which fails (503 history_unavailable) while the database is down; the schema is the
     * history writer's to migrate (an embedded H2 database, which cannot be down, is migrated here). Writes do
     * not come here: they go through the outbox.
     */
    public static History connect(HistorySettings settings) {
        HikariPool pool = pool(settings, true);
        try {
            if (settings.url().startsWith("jdbc:h2:")) {
                migrate(pool);
            }
            return new History(pool, client(pool));
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    private static DbClient client(HikariPool pool) {
        return JdbcClientBuilder.create().connectionPool(pool).build();
    }

    private static HikariPool pool(HistorySettings settings, boolean lazy) {
        return HikariPool.create(settings, durable(settings.url()), lazy);
    }

    /**
     * An H2 file database writes its commits to the file up to a second later by default (WRITE_DELAY): a
     * process killed in that second loses transactions it had committed, and the history writer has
     * acknowledged their outbox entries by then (WriterKillTest found it). Commits go to the file at once.
     */
    static String durable(String url) {
        return url.startsWith("jdbc:h2:file:") && !url.toUpperCase(java.util.Locale.ROOT).contains("WRITE_DELAY")
                ? url + ";WRITE_DELAY=0" : url;
    }

    private static void migrate(HikariPool pool) {
        Flyway.configure()
                .dataSource(pool.dataSource())
                .locations(SCRIPTS)
                .table("history_schema_version")
                .load()
                .migrate();
    }

    public HistoryRecorder recorder() {
        return recorder;
    }

    /**
     * Writes one outbox entry in one transaction, idempotently: events by their keys, an action by the
     * entry's id. Throws when the database fails (the writer leaves the entry pending and retries).
     *
     * @param entryId the outbox entry's id, unique and stable across redeliveries
     * @return how many rows were new (0 for a redelivered entry)
     */
    public int persist(String entryId, OutboxEntry entry) {
        HistoryWriter writer = new HistoryWriter(db);
        return entry.action() != null ? writer.write(entry.action(), "outbox:" + entryId) : writer.write(entry.events());
    }

    public HistoryQueries queries() {
        return queries;
    }

    /** True when the database answers a trivial query. */
    public boolean reachable() {
        try {
            return db.execute().get("SELECT 1 AS one").isPresent();
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        db.close();
        pool.close();
    }
}
