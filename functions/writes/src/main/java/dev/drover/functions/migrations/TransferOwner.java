package dev.drover.functions.migrations;

import dev.drover.core.auth.Access;
import dev.drover.core.function.Function;
import dev.drover.core.function.FunctionSpec;
import dev.drover.core.http.Http;
import dev.drover.contract.json.Json;
import dev.drover.contract.model.Check;
import dev.drover.core.state.MigrationStore;
import dev.drover.functions.history.Actors;
import dev.drover.core.history.OutboxEntry;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Instant;
import java.util.Map;

/**
 * {@code PUT /migrations/{id}/owner}: an admin gives a migration to another migrator app (a migrator renamed or
 * replaced); from then on only that app may announce the migration and submit its candidates. Audited.
 */
public final class TransferOwner implements Function {
    /** The request: the app that owns the migration from now on. */
    public record Body(String app) {
        public Body {
            Check.slug("app", app);
        }
    }

    /** The answer: who owned the migration before (null when nobody did) and who owns it now. */
    public record Answer(String migrationId, String previousOwner, String owner) {
    }

    private final MigrationStore migrations;
    private final Actors actors;

    public TransferOwner(MigrationStore migrations, Actors actors) {
        this.migrations = migrations;
        this.actors = actors;
    }

    @Override
    public FunctionSpec spec() {
        return FunctionSpec.rest("migration-owner", Method.PUT, "/migrations/{id}/owner", Access.ADMIN);
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        String id = Http.slugParam(req, "id");
        Body body = Json.read(Http.jsonBody(req), Body.class);
        // The transfer and its audit entry are one script; it adds the previous owner, which only it knows.
        String previous = migrations.transfer(id, body.app(), OutboxEntry.encode(
                actors.action(req, Instant.now(), "transfer-owner", id, null, null, Map.of("owner", body.app())))).orElse(null);
        Http.json(res, new Answer(id, previous, body.app()));
    }
}
