package dev.drover.functions.historyreads;

import dev.drover.core.function.FunctionMain;
import dev.drover.core.function.StateFunctionMain;
import dev.drover.history.History;
import dev.drover.history.HistorySettings;

import java.util.Map;

/**
 * Serves the history functions ({@link HistoryReadCatalog}) from their own image, {@code drover-history-reads}: the one
 * named by {@code FUNCTION} (each Knative Service), those named, or all of them without it. Each opens Redis and a
 * connection pool to the history database that connects on the first read, so a function starts and is ready while
 * the database is down and answers 503 {@code history_unavailable} until it is back (ADR 0008); its readiness asks Redis.
 */
public final class HistoryReadMain {
    private static final String IMAGE = "drover-history-reads";

    private HistoryReadMain() {
    }

    public static void main(String[] args) {
        FunctionMain.run(HistoryReadMain::start);
    }

    /**
     * Starts the history functions {@code env} selects.
     *
     * @throws IllegalArgumentException when a setting is missing or wrong, {@code FUNCTION} names no history function,
     *                                  or {@code HISTORY_DB_URL} names no PostgreSQL database
     */
    static StateFunctionMain.Started start(Map<String, String> env) {
        History history = History.connect(postgres(env));
        return StateFunctionMain.start(env, IMAGE, HistoryReadCatalog::read, (state, name) -> HistoryReadCatalog.build(
                new HistoryReadCatalog.Parts(state.migrations(), history.queries()), name), history::close);
    }

    /**
     * The history database, which must be PostgreSQL: functions in pods of their own share it with the worker's history
     * writer, which migrates its schema. An embedded H2 database is one process's own (the local stack's), and this image
     * carries neither H2 nor Flyway (ADR 0017).
     */
    static HistorySettings postgres(Map<String, String> env) {
        String url = env.get("HISTORY_DB_URL");
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("HISTORY_DB_URL is not set: the image " + IMAGE + " reads the history from "
                    + "PostgreSQL (jdbc:postgresql://host:5432/drover), the database the worker's history writer fills");
        }
        if (!url.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("HISTORY_DB_URL=" + url + " is not a PostgreSQL URL: the image " + IMAGE
                    + " reads the history from PostgreSQL (jdbc:postgresql://host:5432/drover); an embedded H2 database is the "
                    + "local stack's (drover-functions)");
        }
        return HistorySettings.fromEnvironment(env);
    }
}
