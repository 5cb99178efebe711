package dev.drover.functions.candidates;

import dev.drover.core.auth.Access;
import dev.drover.core.function.Function;
import dev.drover.core.function.FunctionSpec;
import dev.drover.core.http.Http;
import dev.drover.contract.model.Check;
import dev.drover.contract.model.DiscoveredCandidate;
import dev.drover.contract.model.InvalidInput;
import dev.drover.core.http.ApiException;
import dev.drover.core.state.CandidateStore;
import dev.drover.core.state.MigrationStore;
import dev.drover.functions.history.Actors;
import dev.drover.functions.migrations.Ownership;
import dev.drover.core.state.MergeResult;
import dev.drover.core.history.HistoryEvent;
import dev.drover.core.history.HistoryRecorder;
import dev.drover.core.history.OutboxEntry;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code POST /migrations/{id}/candidates}: a migrator's discovery submits what it found, into a migration it owns
 * (an admin may too; any other caller is refused and audited). Merge, never
 * replace: see merge-candidates.lua for the table. A migrator with more candidates than one batch
 * allows submits several batches; each is atomic and re-submitting is harmless.
 */
public final class SubmitCandidates implements Function {
    public static final int MAX_BATCH = 5000;

    /** The answer: what the merge did, and what of the submission was ignored (a candidate's {@code status}). */
    public record Submitted(long added, long updated, long unchanged, long untouched, List<String> warnings) {
    }

    private final MigrationStore migrations;
    private final CandidateStore candidates;
    private final HistoryRecorder history;
    private final Actors actors;

    public SubmitCandidates(MigrationStore migrations, CandidateStore candidates, HistoryRecorder history, Actors actors) {
        this.migrations = migrations;
        this.candidates = candidates;
        this.history = history;
        this.actors = actors;
    }

    @Override
    public FunctionSpec spec() {
        return FunctionSpec.rest("candidates-submit", Method.POST, "/migrations/{id}/candidates", Access.MIGRATOR);
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        String migrationId = Http.slugParam(req, "id");
        try {
            Ownership.requireOwnerOrPerson(req, migrations, migrationId);
        } catch (ApiException e) {
            history.record(actors.action(req, Instant.now(), "submit-refused", migrationId, null, null, Map.of()));
            throw e;
        }
        CandidateList submitted = CandidateList.read(Http.jsonBody(req));
        List<DiscoveredCandidate> batch = submitted.candidates();
        if (batch == null) {
            throw new InvalidInput("the body must be a JSON array of candidates, not null");
        }
        if (batch.size() > MAX_BATCH) {
            throw new InvalidInput("at most " + MAX_BATCH + " candidates per submission, got " + batch.size()
                                           + "; submit them in several batches");
        }
        for (int i = 0; i < batch.size(); i++) {
            if (batch.get(i) == null) {
                throw new InvalidInput("[" + i + "] must be a candidate, not null");
            }
        }
        Check.unique("candidate ids", batch.stream().map(DiscoveredCandidate::id).toList());
        // One event per submission (the merge reports counts, not ids): the history counts what discovery added and
        // updated. The merge script appends it with its counts, atomically with the merge.
        MergeResult merged = candidates.merge(migrationId, batch, OutboxEntry.encode(HistoryEvent.candidatesSubmitted(
                "submission-" + UUID.randomUUID(), migrationId, 0, 0, 0, 0, Instant.now())));
        Http.json(res, new Submitted(merged.added(), merged.updated(), merged.unchanged(), merged.untouched(),
                                     submitted.warnings()));
    }
}
