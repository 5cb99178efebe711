package dev.drover.functions.history;

import dev.drover.core.auth.Access;
import dev.drover.core.function.Function;
import dev.drover.core.function.FunctionSpec;
import dev.drover.core.http.Http;
import dev.drover.core.state.MigrationStore;
import dev.drover.history.HistoryQueries;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.Set;

/** {@code GET /history/totals?migration=}: runs, step dispatches and discovery, counted by status. */
public final class HistoryTotals implements Function {
    private final MigrationStore migrations;
    private final HistoryQueries history;

    public HistoryTotals(MigrationStore migrations, HistoryQueries history) {
        this.migrations = migrations;
        this.history = history;
    }

    @Override
    public FunctionSpec spec() {
        return FunctionSpec.rest("history-totals", Method.GET, "/history/totals", Access.VIEW);
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        HistoryParams params = HistoryParams.of(req, Set.of("migration"));
        var migration = params.migration(migrations);
        Http.json(res, HistoryDown.read(() -> history.totals(migration)));
    }
}
