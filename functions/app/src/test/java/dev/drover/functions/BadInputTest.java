package dev.drover.functions;

import dev.drover.core.state.RedisState;
import io.helidon.http.Method;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Everything a client can get wrong answers a 4xx with a stable code, stores nothing, and is never a 500. */
@ServerTest
class BadInputTest {
    private static final RedisState STATE = TestState.create();
    private static final String M = "bad-input";
    private static final String SUBMIT = "/migrations/" + M + "/candidates";
    /** For tests that need candidates: the tests of M check that nothing was stored. */
    private static final String M2 = "bad-input-more";

    private final Api api;

    private final URI uri;

    BadInputTest(Http1Client client, URI uri) {
        this.api = new Api(client);
        this.uri = uri;
    }

    @SetUpServer
    static void server(WebServerConfig.Builder server) {
        TestServer.configure(server, STATE);
    }

    @BeforeAll
    static void announce() {
        STATE.migrations().announce(Fixtures.migration(M), "test-migrator");
        STATE.migrations().announce(Fixtures.migration(M2), "test-migrator");
    }

    @AfterAll
    static void dropState() {
        TestState.drop(STATE);
    }

    private void assertRefused(int status, String code, Api.Reply reply) {
        assertEquals(status, reply.status(), reply.body());
        assertEquals(code, reply.errorCode(), reply.body());
        assertFalse(reply.json().path("error").path("message").asText().isBlank(), "a message says what is wrong");
    }

    private void assertNothingStored() {
        assertEquals(0, STATE.migrations().find(M).orElseThrow().candidates().total());
    }

    @Test
    void invalidSubmissionsAreRefusedByServerAndSpecAlike() {
        String tooLong = "a".repeat(101);
        Map<String, String> cases = Map.ofEntries(
                Map.entry("not an array", "{\"id\":\"a\"}"),
                Map.entry("id missing", "[{\"kind\":\"application\"}]"),
                Map.entry("id not a slug", "[{\"id\":\"Check Out\"}]"),
                Map.entry("id too long", "[{\"id\":\"" + tooLong + "\"}]"),
                Map.entry("kind a number", "[{\"id\":\"a\",\"kind\":5}]"),
                Map.entry("metadata value a number", "[{\"id\":\"a\",\"metadata\":{\"team\":1}}]"),
                Map.entry("metadata value null", "[{\"id\":\"a\",\"metadata\":{\"team\":null}}]"),
                Map.entry("metadata key with a space", "[{\"id\":\"a\",\"metadata\":{\"my team\":\"x\"}}]"),
                Map.entry("metadata value too long", "[{\"id\":\"a\",\"metadata\":{\"k\":\"" + "v".repeat(4097) + "\"}}]"),
                Map.entry("unknown field", "[{\"id\":\"a\",\"colour\":\"red\"}]"),
                Map.entry("files not an array", "[{\"id\":\"a\",\"files\":{}}]"),
                Map.entry("file without path", "[{\"id\":\"a\",\"files\":[{\"name\":\"prod\",\"files\":[{\"url\":\"u\"}]}]}]"),
                Map.entry("step without app", "[{\"id\":\"a\",\"steps\":[{\"name\":\"s\"}]}]"),
                Map.entry("null candidate", "[{\"id\":\"a\"},null]"));
        cases.forEach((what, body) -> {
            Api.Reply reply = api.post(SUBMIT, body);
            assertEquals(400, reply.status(), what + ": " + reply.body());
            assertEquals("invalid_request", reply.errorCode(), what);
            assertFalse(Contract.get().requestProblems("POST", "/migrations/{id}/candidates", body).isEmpty(),
                        "the spec should refuse it too: " + what);
        });
        assertNothingStored();
    }

    @Test
    void errorMessagesSayWhereTheProblemIs() {
        String message = api.post(SUBMIT, "[{\"id\":\"ok\"},{\"id\":\"b\",\"metadata\":{\"team\":7}}]")
                .json().get("error").get("message").asText();
        assertTrue(message.contains("[1].metadata.team"), message);
        message = api.post(SUBMIT, "[{\"id\":\"a\",\"colour\":\"red\"}]").json().get("error").get("message").asText();
        assertTrue(message.contains("colour") && message.contains("known fields"), message);
    }

    @Test
    void malformedJsonIsItsOwnCode() {
        Api.Reply cut = api.post(SUBMIT, "[{\"id\":\"a\",");
        assertRefused(400, "malformed_json", cut);
        // Where the JSON breaks, in the caller's terms; not the parser's own wording ("Unexpected end-of-input", token names).
        String message = cut.json().get("error").get("message").asText();
        assertTrue(message.matches("malformed JSON at line 1, column \\d+"), message);
        assertRefused(400, "malformed_json", api.post(SUBMIT, "[{\"id\":\"a\"}] trailing"));
        assertRefused(400, "invalid_request", api.send(Method.POST, SUBMIT, Map.of("Content-Type", "application/json"), new byte[0]));
        assertNothingStored();
    }

    @Test
    void duplicateIdsInOneSubmissionAreRefusedWhole() {
        assertRefused(400, "invalid_request", api.post(SUBMIT, "[{\"id\":\"a\"},{\"id\":\"b\"},{\"id\":\"a\"}]"));
        assertNothingStored();
    }

    @Test
    void tooManyCandidatesInOneSubmissionIsRefused() {
        StringBuilder body = new StringBuilder("[");
        for (int i = 0; i <= 5000; i++) {
            body.append(i == 0 ? "" : ",").append("{\"id\":\"c").append(i).append("\"}");
        }
        Api.Reply reply = api.post(SUBMIT, body.append("]").toString());
        assertRefused(400, "invalid_request", reply);
        assertTrue(reply.json().get("error").get("message").asText().contains("5000"));
        assertNothingStored();
    }

    @Test
    void oversizedBodyIs413() throws IOException {
        // Raw HTTP: the server answers from the declared length and closes without reading the body,
        // so a client still writing the body would see a broken pipe instead of the answer.
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + SUBMIT + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + (TestServer.MAX_BODY_BYTES + 1) + "\r\n\r\n[{\"id\":\"a\"").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            String status = in.readLine();
            int length = 0;
            String contentType = null;
            for (String header = in.readLine(); header != null && !header.isEmpty(); header = in.readLine()) {
                String lower = header.toLowerCase(java.util.Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Integer.parseInt(header.substring(15).trim());
                } else if (lower.startsWith("content-type:")) {
                    contentType = header.substring(13).trim();
                }
            }
            char[] body = new char[length];
            int read = 0;
            while (read < length) {
                int n = in.read(body, read, length - read);
                if (n < 0) {
                    break;
                }
                read += n;
            }
            String json = new String(body, 0, read);
            assertTrue(status.startsWith("HTTP/1.1 413"), status);
            assertEquals(List.of(), Contract.get().responseProblems("POST", SUBMIT, 413, contentType, json));
            assertTrue(json.contains("\"payload_too_large\""), json);
        }
        assertNothingStored();
    }

    @Test
    void nonJsonBodyIs415() {
        assertRefused(415, "unsupported_media_type",
                      api.send(Method.POST, SUBMIT, Map.of("Content-Type", "text/csv"), "id\na\n".getBytes()));
    }

    @Test
    void idsInPathsAreSlugs() {
        assertRefused(400, "invalid_id", api.get("/migrations/Not_A_Slug!"));
        assertRefused(400, "invalid_id", api.get("/migrations/" + M + "/candidates/UPPER"));
        assertRefused(400, "invalid_id", api.post("/migrations/BAD/candidates", "[]"));
    }

    @Test
    void unknownThingsAre404WithTheirOwnCode() {
        assertRefused(404, "migration_not_found", api.get("/migrations/unknown"));
        assertRefused(404, "migration_not_found", api.get("/migrations/unknown/candidates/a"));
        assertRefused(404, "candidate_not_found", api.get("/migrations/" + M + "/candidates/unknown"));
        assertRefused(404, "route_not_found", api.get("/nowhere"));
    }

    @Test
    void aMethodTheRouteDoesNotHaveIs405WithAllow() {
        assertRefused(405, "method_not_allowed", api.send(Method.DELETE, "/migrations/" + M, Map.of(), null));
        assertRefused(405, "method_not_allowed", api.get("/migrations/" + M + "/candidates/a/start"));
        assertRefused(405, "method_not_allowed", api.send(Method.PUT, "/history/totals", Map.of(), new byte[0]));
        assertRefused(405, "method_not_allowed", api.send(Method.DELETE, "/openapi.yaml", Map.of(), null));
        assertRefused(405, "method_not_allowed", api.send(Method.POST, "/platform/keys", Map.of(), new byte[0]));
    }

    @Test
    void aContentTypeThatDoesNotParseIs400OnEveryOperationWithABody() {
        STATE.candidates().merge(M2, List.of(Fixtures.candidate("ct", Map.of())));
        List<String> paths = List.of("/migrations/" + M2 + "/candidates", "/migrations/" + M2 + "/dry-run", "/migrations/" + M2 + "/candidates/ct/start",
                                     "/event/run-x", "/dead-letters");
        for (String type : List.of("", ";;;", "/json", "application/json;;;;charset=utf-8", "application/json; charset=\"")) {
            for (String path : paths) {
                Api.Reply reply = api.send(Method.POST, path, Map.of("Content-Type", type), "{}".getBytes());
                assertRefused(400, "bad_request", reply);
            }
            assertRefused(400, "bad_request", api.send(Method.PUT, "/migrations/" + M2 + "/owner", Map.of("Content-Type", type), "{}".getBytes()));
            assertRefused(400, "bad_request", api.send(Method.PATCH, "/migrations/" + M2 + "/candidates/ct/inputs",
                                                       Map.of("Content-Type", type), "{}".getBytes()));
        }
        assertEquals("not_started", api.get("/migrations/" + M2 + "/candidates/ct").json().get("status").asText());
    }

    @Test
    void aJsonNullBodyIs400() {
        STATE.candidates().merge(M2, List.of(Fixtures.candidate("nb", Map.of())));
        for (String path : List.of("/migrations/" + M2 + "/candidates", "/migrations/" + M2 + "/dry-run", "/migrations/" + M2 + "/candidates/nb/start", "/event/run-x")) {
            Api.Reply reply = api.post(path, "null");
            assertEquals(400, reply.status(), path + ": " + reply.body());
        }
        assertRefused(400, "invalid_request", api.send(Method.PUT, "/migrations/" + M2 + "/owner", Map.of("Content-Type", "application/json"),
                                                       "null".getBytes()));
        assertRefused(400, "invalid_request", api.send(Method.PATCH, "/migrations/" + M2 + "/candidates/nb/inputs",
                                                       Map.of("Content-Type", "application/json"), "null".getBytes()));
        assertEquals("not_started", api.get("/migrations/" + M2 + "/candidates/nb").json().get("status").asText());
    }

    @Test
    void aCloudEventWithNullDataIsRefusedNotAFailure() {
        String event = "{\"specversion\":\"1.0\",\"id\":\"n\",\"source\":\"/test-migrator\",\"type\":\"%s\","
                + "\"droverauth\":\"" + TestTrust.migrator("test-migrator") + "\",\"data\":null}";
        Api.Reply announce = api.sidecar().send(Method.POST, "/registry/announce", Map.of("Content-Type", "application/cloudevents+json"),
                                                event.formatted("dev.drover.migration.announced").getBytes());
        assertEquals(200, announce.status(), announce.body());
        assertEquals("DROP", announce.json().get("status").asText());
        assertFalse(announce.json().path("message").asText().isBlank(), "a DROP says why");
        Api.Reply deadLetter = api.anonymous().send(Method.POST, "/dead-letters", Map.of("Content-Type", "application/cloudevents+json"),
                                                    event.formatted("dev.drover.step.dispatched").getBytes());
        assertTrue(deadLetter.status() < 500, deadLetter.body());
        assertNothingStored();
    }

    @Test
    void burndownBoundsAreAQueryErrorNotADateOverflow() {
        for (String at : List.of("%2B1000000000-01-01T00:00:00Z", "-1000000000-01-01T00:00:00Z", "%2B999999999-12-31T23:59:59Z",
                                 "-999999999-01-01T00:00:00Z")) {
            assertRefused(400, "invalid_query", api.get("/history/burndown?from=" + at));
            assertRefused(400, "invalid_query", api.get("/history/burndown?to=" + at));
        }
    }

    @Test
    void anEmptySubmissionIsAcceptedAndDoesNothing() {
        Api.Reply reply = api.postJson(SUBMIT, List.of());
        assertEquals(200, reply.status());
        assertEquals(0, reply.json().get("added").asLong());
        assertNothingStored();
    }
}
