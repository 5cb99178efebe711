package dev.drover.functions.candidates;

import dev.drover.core.auth.Access;
import dev.drover.core.function.Function;
import dev.drover.core.function.FunctionSpec;
import dev.drover.core.http.ApiException;
import dev.drover.core.http.Http;
import dev.drover.core.state.CandidateStore;
import dev.drover.core.state.MigrationNotFound;
import dev.drover.core.state.MigrationStore;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** {@code GET /migrations/{id}/candidates/{cid}}: one candidate, read on its own. */
public final class GetCandidate implements Function {
    private final MigrationStore migrations;
    private final CandidateStore candidates;

    public GetCandidate(MigrationStore migrations, CandidateStore candidates) {
        this.migrations = migrations;
        this.candidates = candidates;
    }

    @Override
    public FunctionSpec spec() {
        return FunctionSpec.rest("candidate-get", Method.GET, "/migrations/{id}/candidates/{cid}", Access.VIEW);
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        String migrationId = Http.slugParam(req, "id");
        String candidateId = Http.slugParam(req, "cid");
        var candidate = candidates.find(migrationId, candidateId);
        if (candidate.isEmpty()) {
            if (!migrations.exists(migrationId)) {
                throw new MigrationNotFound(migrationId);
            }
            throw ApiException.notFound("candidate_not_found",
                                        "migration '" + migrationId + "' has no candidate '" + candidateId + "'");
        }
        Http.json(res, candidate.get());
    }
}
