package dev.drover.migrators.appchart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.drover.contract.model.DiscoveredCandidate;
import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.drover.migrators.appchart.GitFixture.step;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** A person merging through HTTP: the same real merge, the same merge event. */
class LocalGitHostServiceTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROD_VALUES = "values/checkout/prod.yaml";

    @TempDir
    Path dir;
    LocalGitHost host;
    WebServer server;
    final List<ChangeRequest> merges = new CopyOnWriteArrayList<>();
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        host = GitFixture.demoHost(dir);
        host.addMergeListener(merges::add);
        server = WebServer.builder().port(0).routing(r -> r.register("/local-git", new LocalGitHostService(host))).build().start();
        DiscoveredCandidate checkout = GitFixture.candidate(new ChartDiscovery(host, GitFixture.demoUpgrade(), "apps").discover(), "checkout");
        new BumpChartStep(host, GitFixture.AUTHOR).execute(step(BumpChartStep.TYPE, checkout));
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    @Test
    void mergingOverHttpMergesInGitAndEmitsTheMergeEvent() throws Exception {
        HttpResponse<String> listed = call("GET", "/local-git/changes");
        assertEquals(200, listed.statusCode());
        assertEquals("open", JSON.readTree(listed.body()).get(0).path("state").asText());

        HttpResponse<String> merged = call("POST", "/local-git/changes/1/merge");

        assertEquals(200, merged.statusCode(), merged.body());
        assertEquals("merged", JSON.readTree(merged.body()).path("state").asText());
        assertEquals(List.of("drover/app-chart-upgrade/checkout"), merges.stream().map(ChangeRequest::branch).toList());
        assertEquals(GitFixture.read(host.repository(), "drover/app-chart-upgrade/checkout", PROD_VALUES),
                     GitFixture.read(host.repository(), "main", PROD_VALUES));
    }

    @Test
    void aConflictIs409WithTheFilesAndMainIsUntouched() throws Exception {
        String original = GitFixture.read(host.repository(), "main", PROD_VALUES);
        GitFixture.commit(host.repository(), "hotfix", PROD_VALUES, original.replaceFirst("tag: \"[^\"]+\"", "tag: \"2026.9.9\""));
        var mainBefore = GitFixture.tip(host.repository(), "main");

        HttpResponse<String> response = call("POST", "/local-git/changes/1/merge");

        assertEquals(409, response.statusCode());
        JsonNode body = JSON.readTree(response.body());
        assertEquals("merge_conflict", body.path("error").path("code").asText());
        assertEquals(PROD_VALUES, body.path("conflicts").get(0).asText());
        assertEquals(mainBefore, GitFixture.tip(host.repository(), "main"));
        assertEquals(List.of(), merges);
    }

    @Test
    void anUnknownChangeRequestIs404() throws Exception {
        assertEquals(404, call("POST", "/local-git/changes/9/merge").statusCode());
        assertEquals(400, call("POST", "/local-git/changes/first/merge").statusCode());
    }

    @Test
    void aChangeRequestIsReadAndClosedByNumber() throws Exception {
        HttpResponse<String> one = call("GET", "/local-git/changes/1");
        assertEquals(200, one.statusCode(), one.body());
        assertEquals(List.of("1", "drover/app-chart-upgrade/checkout", "open"), fields(one, "id", "branch", "state"));
        assertError(call("GET", "/local-git/changes/9"), 404, "change_request_not_found");
        assertError(call("GET", "/local-git/changes/first"), 400, "invalid_number");

        HttpResponse<String> closed = call("POST", "/local-git/changes/1/close");
        assertEquals(200, closed.statusCode(), closed.body());
        assertEquals(List.of("1", "closed"), fields(closed, "id", "state"));
        assertEquals("closed", JSON.readTree(call("GET", "/local-git/changes/1").body()).path("state").asText());
        assertError(call("POST", "/local-git/changes/1/merge"), 409, "change_request_not_open");
        assertError(call("POST", "/local-git/changes/9/close"), 404, "change_request_not_found");
        assertError(call("POST", "/local-git/changes/first/close"), 400, "invalid_number");
        assertEquals(List.of(), merges);
    }

    @Test
    void aCandidatesChangeRequestIsMergedByItsMigrationAndCandidate() throws Exception {
        assertError(call("POST", "/local-git/candidates/" + GitFixture.MIGRATION + "/ledger/merge"), 404, "change_request_not_found");

        HttpResponse<String> merged = call("POST", "/local-git/candidates/" + GitFixture.MIGRATION + "/checkout/merge");

        assertEquals(200, merged.statusCode(), merged.body());
        assertEquals(List.of("1", "merged"), fields(merged, "id", "state"));
        assertEquals(List.of("drover/app-chart-upgrade/checkout"), merges.stream().map(ChangeRequest::branch).toList());
    }

    private static List<String> fields(HttpResponse<String> response, String... names) throws Exception {
        JsonNode body = JSON.readTree(response.body());
        return java.util.Arrays.stream(names).map(name -> body.path(name).asText()).toList();
    }

    private static void assertError(HttpResponse<String> response, int status, String code) throws Exception {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals(code, JSON.readTree(response.body()).path("error").path("code").asText(), response.body());
    }

    private HttpResponse<String> call(String method, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                                 .method(method, HttpRequest.BodyPublishers.noBody()).build(),
                         HttpResponse.BodyHandlers.ofString());
    }
}
