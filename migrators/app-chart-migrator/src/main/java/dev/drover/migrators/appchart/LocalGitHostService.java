package dev.drover.migrators.appchart;

import dev.drover.migrator.Answers;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.Map;

/**
 * The local git host over HTTP, so a person (or {@code ./drover merge}) can act as the reviewer:
 * {@code GET /changes}, {@code GET /changes/{number}}, {@code POST /changes/{number}/merge},
 * {@code POST /changes/{number}/close}. A merge here is {@link LocalGitHost#merge}: a real git merge
 * that tells the merge listeners. Register it under a prefix, e.g. {@code routing.register("/local-git", service)}.
 * Errors use Drover's error shape; a conflict is 409 {@code merge_conflict} with the conflicting files.
 */
public final class LocalGitHostService implements HttpService {
    private final LocalGitHost host;

    public LocalGitHostService(LocalGitHost host) {
        this.host = host;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/changes", (req, res) -> Answers.json(res, host.list()))
                .get("/changes/{number}", this::get)
                .post("/changes/{number}/merge", this::merge)
                .post("/changes/{number}/close", this::close)
                .post("/candidates/{migration}/{candidate}/merge", this::mergeCandidate);
    }

    /** Merges the change request Drover opened for a candidate (its branch is named after it): for `./drover merge`. */
    private void mergeCandidate(ServerRequest req, ServerResponse res) throws Exception {
        String branch = Branches.forCandidate(req.path().pathParameters().get("migration"),
                                              req.path().pathParameters().get("candidate"));
        var change = host.findByBranch(branch);
        if (change.isEmpty()) {
            Answers.error(res, Status.NOT_FOUND_404, "change_request_not_found", "no change request for branch " + branch);
            return;
        }
        answerMerge(res, Integer.parseInt(change.get().id()));
    }

    /** Merges and answers the merged change request, or 409 with what stands in the way. */
    private void answerMerge(ServerResponse res, int number) throws Exception {
        try {
            Answers.json(res, host.merge(number));
        } catch (MergeConflict e) {
            Answers.json(res, Status.CONFLICT_409, Map.of("error", Map.of("code", "merge_conflict", "message", e.getMessage()),
                                                       "conflicts", e.files()));
        } catch (IllegalArgumentException e) {
            Answers.error(res, Status.CONFLICT_409, "change_request_not_open", e.getMessage());
        }
    }

    private void get(ServerRequest req, ServerResponse res) throws Exception {
        Integer number = number(req, res);
        if (number != null) {
            host.get(number).ifPresentOrElse(change -> Answers.json(res, change), () -> notFound(res, number));
        }
    }

    private void merge(ServerRequest req, ServerResponse res) throws Exception {
        Integer number = number(req, res);
        if (number == null) {
            return;
        }
        if (host.get(number).isEmpty()) {
            notFound(res, number);
            return;
        }
        answerMerge(res, number);
    }

    private void close(ServerRequest req, ServerResponse res) throws Exception {
        Integer number = number(req, res);
        if (number == null) {
            return;
        }
        if (host.get(number).isEmpty()) {
            notFound(res, number);
            return;
        }
        Answers.json(res, host.close(number));
    }

    private static void notFound(ServerResponse res, int number) {
        Answers.error(res, Status.NOT_FOUND_404, "change_request_not_found", "no change request #" + number);
    }

    /** The path's change request number, or null after answering 400. */
    private static Integer number(ServerRequest req, ServerResponse res) {
        String value = req.path().pathParameters().get("number");
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            Answers.error(res, Status.BAD_REQUEST_400, "invalid_number", "change request number must be an integer, got '" + value + "'");
            return null;
        }
    }
}
