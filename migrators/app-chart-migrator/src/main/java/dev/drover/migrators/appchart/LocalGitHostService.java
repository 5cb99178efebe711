package dev.drover.migrators.appchart;

import dev.drover.core.http.Http;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.Map;
import java.util.Optional;

/**
 * The local git host over HTTP, so a person (or {@code ./drover merge}) can act as the reviewer:
 * {@code GET /changes}, {@code GET /changes/{number}}, {@code POST /changes/{number}/merge},
 * {@code POST /changes/{number}/close}. A merge here is {@link LocalGitHost#merge}: a real git merge
 * that tells the merge listeners. Register it under a prefix, e.g. {@code routing.register("/local-git", service)}.
 */
public final class LocalGitHostService implements HttpService {
    private final LocalGitHost host;

    public LocalGitHostService(LocalGitHost host) {
        this.host = host;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/changes", (req, res) -> Http.json(res, host.list()))
                .get("/changes/{number}", (req, res) -> {
                    Optional<ChangeRequest> change = host.get(number(req));
                    if (change.isPresent()) {
                        Http.json(res, change.get());
                    } else {
                        Http.error(res, Status.NOT_FOUND_404, "change_request_not_found", "no change request #" + number(req));
                    }
                })
                .post("/changes/{number}/merge", this::merge)
                .post("/changes/{number}/close", (req, res) -> {
                    try {
                        Http.json(res, host.close(number(req)));
                    } catch (IllegalArgumentException e) {
                        Http.error(res, Status.NOT_FOUND_404, "change_request_not_found", e.getMessage());
                    }
                });
    }

    private void merge(ServerRequest req, ServerResponse res) throws Exception {
        try {
            Http.json(res, host.merge(number(req)));
        } catch (MergeConflict e) {
            Http.json(res, Status.CONFLICT_409, Map.of("error", Map.of("code", "merge_conflict", "message", e.getMessage()),
                                                       "conflicts", e.files()));
        } catch (IllegalArgumentException e) {
            Status status = e.getMessage().startsWith("no change request") ? Status.NOT_FOUND_404 : Status.CONFLICT_409;
            Http.error(res, status, status == Status.NOT_FOUND_404 ? "change_request_not_found" : "change_request_closed",
                       e.getMessage());
        }
    }

    private static int number(ServerRequest req) {
        String value = req.path().pathParameters().get("number");
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new dev.drover.core.http.ApiException(Status.BAD_REQUEST_400, "invalid_number",
                                                        "change request number must be an integer, got '" + value + "'");
        }
    }
}
