package dev.drover.functions.runs;

import dev.drover.core.http.ApiException;
import dev.drover.core.http.Http;
import dev.drover.contract.model.Candidate;
import dev.drover.contract.model.Migration;
import dev.drover.core.state.MigrationNotFound;
import dev.drover.core.state.RedisState;
import io.helidon.webserver.http.ServerRequest;

/** The migration and candidate a {@code /migrations/{id}/candidates/{cid}/...} route names, or the 404 that says which is missing. */
record CandidateRef(Migration migration, Candidate candidate) {
    static CandidateRef of(ServerRequest req, RedisState state) {
        String migrationId = Http.slugParam(req, "id");
        String candidateId = Http.slugParam(req, "cid");
        Migration migration = state.migrations().definition(migrationId).orElseThrow(() -> new MigrationNotFound(migrationId));
        Candidate candidate = state.candidates().find(migrationId, candidateId).orElseThrow(
                () -> ApiException.notFound("candidate_not_found",
                                            "migration '" + migrationId + "' has no candidate '" + candidateId + "'"));
        return new CandidateRef(migration, candidate);
    }

    String migrationId() {
        return migration.id();
    }

    String candidateId() {
        return candidate.id();
    }
}
