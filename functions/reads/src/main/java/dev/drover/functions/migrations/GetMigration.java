package dev.drover.functions.migrations;

import dev.drover.contract.json.Json;
import dev.drover.core.auth.Access;
import dev.drover.core.function.Function;
import dev.drover.core.function.FunctionSpec;
import dev.drover.core.http.Http;
import dev.drover.core.state.MigrationNotFound;
import dev.drover.core.state.MigrationStamp;
import dev.drover.core.state.MigrationStore;
import dev.drover.core.state.RenderedReads;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.Optional;

/** {@code GET /migrations/{id}}: one migration's definition, owner and candidate counts; a migrator reads only its own. */
public final class GetMigration implements Function {
    /** What the answer depends on besides the migration's state: nothing but the id (owners and people see the same). */
    private record Read(String migrationId) {
    }

    private final MigrationStore migrations;
    private final RenderedReads reads;

    public GetMigration(MigrationStore migrations, RenderedReads reads) {
        this.migrations = migrations;
        this.reads = reads;
    }

    @Override
    public FunctionSpec spec() {
        return FunctionSpec.rest("migration-get", Method.GET, "/migrations/{id}", Access.VIEW_OR_MIGRATOR);
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        String id = Http.slugParam(req, "id");
        Optional<MigrationStamp> stamp = migrations.stamp(id);
        Ownership.requireOwnerOrPerson(req, id, stamp);
        Http.jsonBytes(res, reads.get(new Read(id), stamp.orElseThrow(() -> new MigrationNotFound(id)),
                                      () -> Json.bytes(migrations.find(id).orElseThrow(() -> new MigrationNotFound(id)))));
    }
}
