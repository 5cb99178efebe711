package dev.drover.functions;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.contract.json.Json;
import dev.drover.core.state.RedisState;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Hostile clients, generated from schemas/openapi.yaml (see {@link FuzzRequests}) plus protocol quirks sent by
 * hand: no answer is a 500 or undeclared, every refusal is Drover's JSON error, and a refused request changes
 * nothing in Redis. Bounded for the build (fixed seed, {@value #DEFAULT_TRIES} requests); a longer run:
 * {@code -Ddrover.fuzz.tries=20000 -Ddrover.fuzz.seed=$RANDOM}.
 */
@ServerTest
class FuzzTest {
    static final int DEFAULT_TRIES = 1500;
    private static final int TRIES = Integer.getInteger("drover.fuzz.tries", DEFAULT_TRIES);
    private static final long SEED = Long.getLong("drover.fuzz.seed", 20261201L);
    private static final RedisState STATE = TestState.create();
    private static final String M = "fuzz";
    private static final String CANDIDATE = "a";

    private final URI uri;

    FuzzTest(URI uri) {
        this.uri = uri;
    }

    @SetUpServer
    static void server(WebServerConfig.Builder server) {
        TestServer.configure(server, STATE);
    }

    @BeforeAll
    static void seed() {
        STATE.migrations().announce(Fixtures.migration(M), Fixtures.OWNER);
        STATE.candidates().merge(M, List.of(Fixtures.candidate(CANDIDATE, Map.of())));
        // Completed, so start, cancel and retry-step answer 409 at once: with Temporal absent each would otherwise
        // wait seconds for its client to give up (RunsUnavailableTest covers that answer).
        TestState.runTo(STATE, M, CANDIDATE, dev.drover.contract.model.CandidateStatus.COMPLETED);
    }

    @AfterAll
    static void dropState() {
        TestState.drop(STATE);
    }

    @Test
    void generatedHostileRequestsAreRefusedCleanly() {
        java.nio.file.Path oldReport = java.nio.file.Path.of("target", "fuzz-report.txt");
        try {
            java.nio.file.Files.deleteIfExists(oldReport); // a report left by an earlier run is not this run's
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        List<FuzzRequests.Operation> operations = FuzzRequests.operations(Contract.get());
        FuzzRequests requests = new FuzzRequests(new Random(SEED), M, CANDIDATE, TestTrust.admin());
        Map<String, String> failures = new TreeMap<>();
        int sent = 0;
        int refused = 0;
        long start = System.nanoTime();
        for (int i = 0; i < TRIES; i++) {
            FuzzRequests.Request request = requests.next(operations.get(i % operations.size()));
            Map<String, String> before = snapshot();
            long sentAt = System.nanoTime();
            RawHttp.Response response = RawHttp.exchange(uri, request.head(), request.body() == null ? new byte[0] : request.body());
            long took = (System.nanoTime() - sentAt) / 1_000_000;
            if (took > 500) {
                System.out.println("fuzz: slow (" + took + " ms): " + request.method() + " " + FuzzRequests.abbreviate(request.target())
                                           + " [" + request.what() + "] -> " + response.status());
            }
            sent++;
            List<String> problems = new ArrayList<>(problems(request, response));
            if (refusal(response)) {
                refused++;
                // By design: a start refused with runs_unavailable keeps its attempt, cancelled (its run_started is in
                // the history outbox already, with the claim); the candidate is startable again and no input is saved.
                // By design too: a dropped announcement records why, for its author to read (GET /registry/announcements/{id},
                // ADR 0014); nothing but that record may change.
                boolean outcomeRecorded = request.target().startsWith("/registry/announce")
                        && withoutAnnouncementOutcomes(snapshot()).equals(withoutAnnouncementOutcomes(before));
                if (!response.body().contains("\"runs_unavailable\"") && !outcomeRecorded && !snapshot().equals(before)) {
                    problems.add("a refused request changed Redis");
                }
            }
            if (!problems.isEmpty()) {
                // One line per operation and kind of answer: the same bug found a hundred times is one bug.
                List<String> kinds = problems.stream().map(p -> FuzzRequests.abbreviate(p.replace(request.path(), "{path}"), 120)).toList();
                failures.putIfAbsent(request.operation().method() + " " + request.operation().template() + " -> " + response.status()
                                             + " " + kinds, request.method() + " " + FuzzRequests.abbreviate(request.target())
                                             + " [" + request.what() + "] answered " + FuzzRequests.abbreviate(response.body(), 160));
            }
        }
        System.out.printf("fuzz: seed %d, %d requests sent over %d operations in %d ms, %d refused, %d distinct failures%n",
                          SEED, sent, operations.size(), (System.nanoTime() - start) / 1_000_000, refused, failures.size());
        if (!failures.isEmpty()) {
            StringBuilder report = new StringBuilder();
            failures.forEach((kind, example) -> report.append("\n").append(kind).append("\n    e.g. ").append(example));
            writeReport(report.toString());
            fail(failures.size() + " kinds of failure in " + sent + " requests (seed " + SEED + "):" + report);
        }
    }

    /** The whole list, for reading: a failure message this long is cut by the build's output. */
    private static void writeReport(String report) {
        try {
            java.nio.file.Files.writeString(java.nio.file.Path.of("target", "fuzz-report.txt"), report);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Protocol-level quirks no client library sends: each is answered by Drover's JSON error, never a 500. */
    @Test
    void protocolQuirksAreJsonErrors() {
        String auth = "\r\nAuthorization: Bearer " + TestTrust.admin();
        String submit = "/migrations/" + M + "/candidates";
        Map<String, Object[]> cases = new LinkedHashMap<>();
        cases.put("HTTP/1.0", new Object[] {"GET /migrations HTTP/1.0\r\nHost: x" + auth, 505});
        cases.put("HTTP/2.0 in an HTTP/1 prologue", new Object[] {"GET /migrations HTTP/2.0\r\nHost: x" + auth, 400});
        cases.put("HTTP/1.2", new Object[] {"GET /migrations HTTP/1.2\r\nHost: x" + auth, 400});
        cases.put("a long URI", new Object[] {"GET /migrations?x=" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: x" + auth, 414});
        cases.put("an oversized header", new Object[] {"GET /migrations HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(12_000) + auth, 431});
        cases.put("headers over Helidon's limit", new Object[] {"GET /migrations HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(40_000) + auth, 400});
        cases.put("a header without a colon", new Object[] {"GET /migrations HTTP/1.1\r\nHost: x\r\nNoColon" + auth, 400});
        cases.put("a space before the colon", new Object[] {"GET /migrations HTTP/1.1\r\nHost: x\r\nX-A : b" + auth, 400});
        cases.put("no Host", new Object[] {"GET /migrations HTTP/1.1" + auth, 400});
        cases.put("a bad percent-encoding", new Object[] {"GET /migrations/%zz HTTP/1.1\r\nHost: x" + auth, 400});
        cases.put("a negative Content-Length", new Object[] {"POST " + submit + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: -1" + auth, 400});
        cases.put("a non-numeric Content-Length", new Object[] {"POST " + submit + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ten" + auth, 400});
        cases.put("both lengths", new Object[] {"POST " + submit + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nTransfer-Encoding: chunked" + auth, 400});
        cases.put("a body over the limit", new Object[] {"POST " + submit + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " + (TestServer.MAX_BODY_BYTES + 1) + auth, 413});
        cases.put("GET on a POST-only route", new Object[] {"GET " + submit + "/" + CANDIDATE + "/start HTTP/1.1\r\nHost: x" + auth, 405});
        cases.put("PUT on a GET-only route", new Object[] {"PUT /history/totals HTTP/1.1\r\nHost: x\r\nContent-Length: 0" + auth, 405});
        List<String> failures = new ArrayList<>();
        cases.forEach((what, c) -> {
            Map<String, String> before = snapshot();
            RawHttp.Response response = RawHttp.exchange(uri, ((String) c[0] + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.UTF_8),
                                                         new byte[0]);
            List<String> problems = new ArrayList<>(errorShape(response));
            if (response.status() != (int) c[1]) {
                problems.add("expected " + c[1]);
            }
            if (response.status() == 405 && response.header("Allow").isEmpty()) {
                problems.add("a 405 without Allow");
            }
            if (!snapshot().equals(before)) {
                problems.add("changed Redis");
            }
            if (!problems.isEmpty()) {
                failures.add(what + ": " + response.status() + " " + problems + " " + FuzzRequests.abbreviate(response.body()));
            }
        });
        assertEquals(List.of(), failures);
    }

    /**
     * What a method or path the spec does not have may answer: refused as a request (400, 413, 414, 431), for
     * its credential or Accept first (401, 406: /observe/metrics/* is Helidon's, checked before it routes), or as
     * absent (404, 405).
     */
    private static final java.util.Set<Integer> UNDECLARED = java.util.Set.of(400, 401, 404, 405, 406, 413, 414, 431);

    private List<String> problems(FuzzRequests.Request request, RawHttp.Response response) {
        List<String> problems = new ArrayList<>();
        if (response.status() < 0) {
            return List.of("no answer");
        }
        // Helidon routes the decoded path (%2F is a '/'); the spec's templates match it as Helidon does.
        String path = decoded(request.path());
        if (path.length() > 1 && path.endsWith("/") && response.status() != 404) {
            path = path.substring(0, path.length() - 1); // Helidon's observe routes also serve their path with a '/'
        }
        boolean declared = Contract.get().declares(request.method(), path);
        if (response.status() == 500 || response.status() >= 500 && !declared) {
            problems.add("a " + response.status());
        }
        if (declared) {
            problems.addAll(Contract.get().responseProblems(request.method(), path, response.status(),
                                                            response.contentType(), response.body()));
        } else if (response.status() == 405 && response.header("Allow").isEmpty()) {
            problems.add("a 405 without Allow");
        } else if (response.status() == 404 && Contract.get().template(path).isPresent()) {
            problems.add("a 404 for a path the spec has (another method): expected 405");
        } else if (!UNDECLARED.contains(response.status())) {
            problems.add("a " + response.status() + " for a method or path the spec does not have");
        }
        if (response.status() >= 400 && !(response.status() == 503 && request.operation().sidecar())) {
            problems.addAll(errorShape(response));
        }
        return problems;
    }

    /** The path as Helidon routes it: decoded (%2F is a '/'), dot segments resolved. */
    private static String decoded(String path) {
        try {
            return URI.create("http://x" + path).normalize().getPath();
        } catch (IllegalArgumentException e) {
            try {
                return java.net.URLDecoder.decode(path, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException undecodable) {
                return path;
            }
        }
    }

    /** Drover's error: JSON {"error":{"code","message"}} with both non-blank, and never the code of a bug. */
    private static List<String> errorShape(RawHttp.Response response) {
        try {
            JsonNode error = Json.mapper().readTree(response.body()).path("error");
            if (error.path("code").asText().isBlank() || error.path("message").asText().isBlank()) {
                return List.of("not Drover's error shape");
            }
            if (error.path("code").asText().equals("internal")) {
                return List.of("code internal");
            }
            return List.of();
        } catch (Exception e) {
            return List.of("not JSON");
        }
    }

    private static boolean refusal(RawHttp.Response response) {
        return response.status() >= 400 || response.body().contains("\"DROP\"");
    }

    /** Every key under the test's prefix and its serialized value. */
    private static Map<String, String> withoutAnnouncementOutcomes(Map<String, String> keys) {
        String outcomes = STATE.keys().announcements("");
        String prefix = outcomes.substring(0, outcomes.indexOf('{'));
        Map<String, String> rest = new TreeMap<>(keys);
        rest.keySet().removeIf(key -> key.startsWith(prefix));
        return rest;
    }

    private static Map<String, String> snapshot() {
        Map<String, String> keys = new TreeMap<>();
        ScanParams match = new ScanParams().match(STATE.keys().prefix() + "*").count(1000);
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = STATE.redis().scan(cursor, match);
            for (String key : page.getResult()) {
                byte[] dump = STATE.redis().dump(key);
                keys.put(key, dump == null ? "" : Arrays.toString(dump));
            }
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        return keys;
    }
}
