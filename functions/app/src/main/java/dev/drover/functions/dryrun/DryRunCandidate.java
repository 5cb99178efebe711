package dev.drover.functions.dryrun;

import dev.drover.contract.dryrun.DryRunRequest;
import dev.drover.core.auth.Access;
import dev.drover.core.function.Function;
import dev.drover.core.function.FunctionSpec;
import dev.drover.core.http.ApiException;
import dev.drover.core.http.Http;
import dev.drover.contract.json.Json;
import dev.drover.contract.model.Candidate;
import dev.drover.contract.model.Check;
import dev.drover.contract.model.Migration;
import dev.drover.contract.model.Step;
import dev.drover.contract.run.StepEvent;
import dev.drover.core.state.MigrationNotFound;
import dev.drover.core.state.RedisState;
import dev.drover.functions.runs.Inputs;
import dev.drover.functions.trust.MigratorUrls;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /migrations/{id}/dry-run}: asks the migration's migrator to simulate every step for one
 * candidate, with the candidate's saved inputs and the ones given, and answers its per-step file
 * changes. Nothing is written, on the platform or anywhere else.
 */
public final class DryRunCandidate implements Function {
    /** The request: which candidate, and inputs to try (not saved). */
    public record Body(String candidateId, Map<String, String> inputs) {
        public Body {
            Check.slug("candidateId", candidateId);
            inputs = Check.metadata("inputs", inputs);
        }
    }

    private final RedisState state;
    private final MigratorClient migrators;
    private final MigratorUrls migratorUrls;

    public DryRunCandidate(RedisState state, MigratorClient migrators, MigratorUrls migratorUrls) {
        this.state = state;
        this.migrators = migrators;
        this.migratorUrls = migratorUrls;
    }

    @Override
    public FunctionSpec spec() {
        return FunctionSpec.rest("migration-dry-run", Method.POST, "/migrations/{id}/dry-run", Access.OPERATE);
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        String migrationId = Http.slugParam(req, "id");
        Body body = Json.read(Http.jsonBody(req), Body.class);
        Migration migration = state.migrations().definition(migrationId).orElseThrow(() -> new MigrationNotFound(migrationId));
        Candidate candidate = state.candidates().find(migrationId, body.candidateId()).orElseThrow(
                () -> ApiException.notFound("candidate_not_found",
                                            "migration '" + migrationId + "' has no candidate '" + body.candidateId() + "'"));
        if (migration.migratorUrl().isEmpty()) {
            throw new ApiException(Status.CONFLICT_409, "dry_run_unavailable", "the migrator of '" + migrationId
                    + "' announced no URL, so it answers no dry-run");
        }
        // Checked again at each use: the allowlist may have narrowed since the announcement was stored.
        migratorUrls.refusal(migration.migratorUrl()).ifPresent(why -> {
            throw new ApiException(Status.CONFLICT_409, "migrator_url_not_allowed", why);
        });
        String owner = state.migrations().owner(migrationId).orElseThrow(() -> new ApiException(Status.CONFLICT_409,
                "dry_run_unavailable", "migration '" + migrationId + "' has no owner app yet: its migrator must announce it again"));
        Map<String, String> inputs = new HashMap<>(state.runs().inputs(migrationId, candidate.id()));
        inputs.putAll(Inputs.declaredOnly(migration, body.inputs()));
        List<Step> steps = candidate.steps().isEmpty() ? migration.steps() : candidate.steps();
        DryRunRequest request = new DryRunRequest(migrationId, StepEvent.CandidateRef.of(candidate, inputs),
                                                  steps.stream().map(s -> new StepEvent.StepRef(s.name(), s.type(), s.config(), s.migratorApp())).toList(),
                                                  inputs);
        Http.json(res, migrators.dryRun(migration.migratorUrl(), owner, request));
    }
}
