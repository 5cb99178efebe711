package dev.drover.functions.migrations;

import dev.drover.core.auth.Access;
import dev.drover.core.function.Function;
import dev.drover.core.function.FunctionSpec;
import dev.drover.core.http.Http;
import dev.drover.core.model.StoredMigration;
import dev.drover.core.state.MigrationStore;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.List;

/** {@code GET /migrations}: every migration with its candidate counts, never the candidates themselves. */
public final class ListMigrations implements Function {
    /** The list body: a wrapper object leaves room for paging without breaking clients. */
    public record Body(List<StoredMigration> items) {
    }

    private final MigrationStore migrations;

    public ListMigrations(MigrationStore migrations) {
        this.migrations = migrations;
    }

    @Override
    public FunctionSpec spec() {
        return FunctionSpec.rest("migrations-list", Method.GET, "/migrations", Access.VIEW);
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        Http.json(res, new Body(migrations.list()));
    }
}
