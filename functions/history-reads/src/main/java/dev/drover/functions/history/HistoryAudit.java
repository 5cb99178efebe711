package dev.drover.functions.history;

import dev.drover.contract.audit.AuditActions;
import dev.drover.core.auth.Access;
import dev.drover.core.function.Function;
import dev.drover.core.function.FunctionSpec;
import dev.drover.core.history.OperatorAction;
import dev.drover.core.http.ApiException;
import dev.drover.core.http.Http;
import dev.drover.core.state.MigrationStore;
import dev.drover.history.HistoryQueries;
import dev.drover.history.Metrics.AuditFilter;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.Optional;
import java.util.Set;

/**
 * {@code GET /history/audit?migration=&candidate=&actor=&action=&cursor=&limit=}: operator actions,
 * newest first, one page at a time.
 */
public final class HistoryAudit implements Function {
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;

    private final MigrationStore migrations;
    private final HistoryQueries history;

    public HistoryAudit(MigrationStore migrations, HistoryQueries history) {
        this.migrations = migrations;
        this.history = history;
    }

    @Override
    public FunctionSpec spec() {
        return FunctionSpec.rest("history-audit", Method.GET, "/history/audit", Access.ADMIN);
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        HistoryParams params = HistoryParams.of(req, Set.of("migration", "candidate", "actor", "action", "cursor", "limit"));
        Optional<String> actor = params.text("actor");
        if (actor.isPresent() && (actor.get().isBlank() || actor.get().length() > OperatorAction.MAX_ACTOR_LENGTH)) {
            throw HistoryParams.invalid("actor must be 1 to " + OperatorAction.MAX_ACTOR_LENGTH + " characters");
        }
        AuditFilter filter = new AuditFilter(params.migration(migrations).orElse(null), params.slug("candidate").orElse(null),
                                             actor.orElse(null), params.oneOf("action", AuditActions.ALL).orElse(null));
        Optional<String> cursor = params.text("cursor");
        cursor.ifPresent(c -> {
            try {
                HistoryQueries.decodeCursor(c);
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("invalid_cursor", e.getMessage() + "; use nextCursor from a previous page");
            }
        });
        int limit = params.limit(DEFAULT_LIMIT, MAX_LIMIT);
        Http.json(res, HistoryDown.read(() -> history.audit(filter, cursor, limit)));
    }
}
