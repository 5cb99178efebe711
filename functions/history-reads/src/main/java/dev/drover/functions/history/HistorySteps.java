package dev.drover.functions.history;

import dev.drover.core.auth.Access;
import dev.drover.core.function.Function;
import dev.drover.core.function.FunctionSpec;
import dev.drover.core.http.Http;
import dev.drover.core.state.MigrationStore;
import dev.drover.history.HistoryQueries;
import dev.drover.history.Metrics.StepStats;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.List;
import java.util.Set;

/** {@code GET /history/steps?migration=}: per step, finished dispatches: count, average and p95 duration, failure rate. */
public final class HistorySteps implements Function {
    /** The answer. */
    public record Body(String migrationId, List<StepStats> items) {
    }

    private final MigrationStore migrations;
    private final HistoryQueries history;

    public HistorySteps(MigrationStore migrations, HistoryQueries history) {
        this.migrations = migrations;
        this.history = history;
    }

    @Override
    public FunctionSpec spec() {
        return FunctionSpec.rest("history-steps", Method.GET, "/history/steps", Access.VIEW);
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        var migration = HistoryParams.of(req, Set.of("migration")).migration(migrations);
        Http.json(res, new Body(migration.orElse(null), HistoryDown.read(() -> history.steps(migration))));
    }
}
