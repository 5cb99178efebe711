package dev.drover.functions.migrations;

import dev.drover.core.auth.Access;
import dev.drover.core.function.Function;
import dev.drover.core.function.FunctionSpec;
import dev.drover.core.http.Http;
import dev.drover.core.state.MigrationNotFound;
import dev.drover.core.state.MigrationStore;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** {@code GET /migrations/{id}}: one migration's definition, owner and candidate counts; a migrator reads only its own. */
public final class GetMigration implements Function {
    private final MigrationStore migrations;

    public GetMigration(MigrationStore migrations) {
        this.migrations = migrations;
    }

    @Override
    public FunctionSpec spec() {
        return FunctionSpec.rest("migration-get", Method.GET, "/migrations/{id}", Access.VIEW_OR_MIGRATOR);
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        String id = Http.slugParam(req, "id");
        Ownership.requireOwnerOrPerson(req, migrations, id);
        Http.json(res, migrations.find(id).orElseThrow(() -> new MigrationNotFound(id)));
    }
}
