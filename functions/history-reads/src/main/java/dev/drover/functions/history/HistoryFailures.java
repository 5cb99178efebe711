package dev.drover.functions.history;

import dev.drover.core.auth.Access;
import dev.drover.core.function.Function;
import dev.drover.core.function.FunctionSpec;
import dev.drover.core.http.Http;
import dev.drover.core.state.MigrationStore;
import dev.drover.history.HistoryQueries;
import dev.drover.history.Metrics.Failure;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.List;
import java.util.Set;

/** {@code GET /history/failures?migration=&limit=}: the most recent failed step dispatches, newest first, with their messages. */
public final class HistoryFailures implements Function {
    static final int DEFAULT_LIMIT = 20;
    static final int MAX_LIMIT = 200;

    /** The answer. */
    public record Body(String migrationId, List<Failure> items) {
    }

    private final MigrationStore migrations;
    private final HistoryQueries history;

    public HistoryFailures(MigrationStore migrations, HistoryQueries history) {
        this.migrations = migrations;
        this.history = history;
    }

    @Override
    public FunctionSpec spec() {
        return FunctionSpec.rest("history-failures", Method.GET, "/history/failures", Access.VIEW);
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        HistoryParams params = HistoryParams.of(req, Set.of("migration", "limit"));
        var migration = params.migration(migrations);
        int limit = params.limit(DEFAULT_LIMIT, MAX_LIMIT);
        Http.json(res, new Body(migration.orElse(null), HistoryDown.read(() -> history.failures(migration, limit))));
    }
}
