package dev.drover.migrators.appchart;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Plays the three GitHub REST endpoints {@link GitHubHost} uses, with GitHub's shapes and errors: list
 * pulls by head ({@code merged_at}, no {@code merged}/{@code mergeable}), create a pull (422 when one is
 * open for the head), get a pull. Requests without the right bearer token get 401 as on GitHub.
 */
final class FakeGitHub implements AutoCloseable {
    static final String TOKEN = "ghp_test-token";
    private static final ObjectMapper JSON = new ObjectMapper();

    final List<ObjectNode> pulls = new ArrayList<>();
    final AtomicInteger creates = new AtomicInteger();
    /** When set, GitHub is having a bad day: every call is answered 502 with this text. */
    volatile String outage;
    private final String owner;
    private final String repo;
    private final WebServer server;

    FakeGitHub(String owner, String repo) {
        this.owner = owner;
        this.repo = repo;
        String base = "/repos/" + owner + "/" + repo + "/pulls";
        server = WebServer.builder().port(0).routing(r -> r
                .get(base, this::list)
                .post(base, this::create)
                .get(base + "/{number}", this::get)).build().start();
    }

    URI api() {
        return URI.create("http://127.0.0.1:" + server.port());
    }

    synchronized ObjectNode pull(int number) {
        return pulls.get(number - 1);
    }

    /** A reviewer merges pull {@code number} on GitHub. */
    synchronized void merge(int number) {
        pull(number).put("state", "closed").put("merged", true).put("merged_at", "2026-11-27T11:00:00Z");
    }

    private boolean authorized(ServerRequest req, ServerResponse res) {
        if (outage != null) {
            res.status(502).header("Content-Type", "text/html").send(outage);
            return false;
        }
        String auth = req.headers().first(HeaderNames.AUTHORIZATION).orElse("");
        if (!auth.equals("Bearer " + TOKEN)) {
            send(res, 401, JSON.createObjectNode().put("message", "Bad credentials"));
            return false;
        }
        return true;
    }

    private synchronized void list(ServerRequest req, ServerResponse res) {
        if (!authorized(req, res)) {
            return;
        }
        String head = req.query().first("head").orElse("");
        String state = req.query().first("state").orElse("open");
        var array = JSON.createArrayNode();
        for (ObjectNode pull : pulls) {
            boolean stateMatches = state.equals("all") || state.equals(pull.path("state").asText());
            if ((owner + ":" + pull.path("head").path("ref").asText()).equals(head) && stateMatches) {
                ObjectNode item = pull.deepCopy();
                item.remove("merged");
                item.remove("mergeable");
                array.add(item);
            }
        }
        send(res, 200, array);
    }

    private synchronized void create(ServerRequest req, ServerResponse res) throws Exception {
        if (!authorized(req, res)) {
            return;
        }
        creates.incrementAndGet();
        var body = JSON.readTree(req.content().as(byte[].class));
        String head = body.path("head").asText();
        boolean open = pulls.stream().anyMatch(p -> p.path("head").path("ref").asText().equals(head) && p.path("state").asText().equals("open"));
        if (open) {
            ObjectNode error = JSON.createObjectNode().put("message", "Validation Failed");
            error.putArray("errors").addObject().put("message", "A pull request already exists for " + owner + ":" + head + ".");
            send(res, 422, error);
            return;
        }
        int number = pulls.size() + 1;
        ObjectNode pull = JSON.createObjectNode()
                .put("number", number)
                .put("state", "open")
                .put("title", body.path("title").asText())
                .put("body", body.path("body").asText())
                .put("html_url", "https://github.com/" + owner + "/" + repo + "/pull/" + number)
                .put("merged", false)
                .putNull("merged_at")
                .putNull("mergeable"); // GitHub computes it in the background
        pull.putObject("head").put("ref", head);
        pull.putObject("base").put("ref", body.path("base").asText());
        pulls.add(pull);
        send(res, 201, pull);
    }

    private synchronized void get(ServerRequest req, ServerResponse res) {
        if (!authorized(req, res)) {
            return;
        }
        int number = Integer.parseInt(req.path().pathParameters().get("number"));
        if (number < 1 || number > pulls.size()) {
            send(res, 404, JSON.createObjectNode().put("message", "Not Found"));
            return;
        }
        send(res, 200, pull(number));
    }

    private static void send(ServerResponse res, int status, Object body) {
        try {
            res.status(status).header("Content-Type", "application/json").send(JSON.writeValueAsBytes(body));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop();
    }
}
