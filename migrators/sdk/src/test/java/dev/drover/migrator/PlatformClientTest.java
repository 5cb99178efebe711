package dev.drover.migrator;

import dev.drover.contract.event.AnnouncementOutcome;
import dev.drover.contract.json.Json;
import dev.drover.contract.model.DiscoveredCandidate;
import dev.drover.contract.model.Migration;
import dev.drover.contract.model.Step;
import dev.drover.contract.run.Callback;
import dev.drover.contract.run.CallbackStatus;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.LinkedBlockingQueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The platform calls a migrator makes, against a platform (a test server) that answers what each test says, with the
 * SDK's own retry policy around them: a 4xx is the platform's "no" and is refused at once, never retried; a 5xx, a
 * timeout, a throttle or a platform that cannot be reached yet is retried until it answers.
 */
class PlatformClientTest {
    private static final String TOKEN = "migrator-token";
    private static final List<DiscoveredCandidate> ONE = List.of(new DiscoveredCandidate("alpha", "folder", Map.of(), List.of(), List.of()));

    /** A request as it arrived. */
    private record Arrived(String method, String path, String authorization, String body) {
    }

    /** An answer the platform gives, in order; when none is left it answers 200 with {@code {}}. */
    private record Answer(int status, String body) {
    }

    private final BlockingQueue<Arrived> arrived = new LinkedBlockingQueue<>();
    private final ConcurrentLinkedDeque<Answer> answers = new ConcurrentLinkedDeque<>();
    private WebServer server;

    @BeforeEach
    void start() {
        server = serve(0);
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    private WebServer serve(int port) {
        return WebServer.builder().host("127.0.0.1").port(port).routing(r -> r.any((req, res) -> {
            arrived.add(new Arrived(req.prologue().method().text(), req.path().rawPath(),
                                    req.headers().first(HeaderNames.AUTHORIZATION).orElse(null),
                                    req.content().hasEntity() ? req.content().as(String.class) : ""));
            Answer answer = Optional.ofNullable(answers.poll()).orElse(new Answer(200, "{}"));
            res.status(Status.create(answer.status())).send(answer.body());
        })).build().start();
    }

    private PlatformClient client() {
        return client("http://127.0.0.1:" + server.port());
    }

    private static PlatformClient client(String api) {
        return new PlatformClient(URI.create(api), URI.create(api), TokenSource.of(TOKEN));
    }

    private void answer(int status, String body) {
        answers.add(new Answer(status, body));
    }

    /** As the SDK submits, announces and reports: retried with {@link Retries#until}. */
    private static void withRetries(Duration patience, dev.failsafe.function.CheckedRunnable call) {
        Failsafe.with(Retries.<Void>until(patience, "test call")).run(call);
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 409, 410, 413, 422})
    void aSubmissionThePlatformRefusesWith4xxIsRefusedAtOnceWithItsAnswer(int status) {
        answer(status, "{\"error\":{\"code\":\"invalid_candidate\"}}");
        PlatformClient platform = client();
        Retries.Refused refused = assertThrows(Retries.Refused.class,
                                               () -> withRetries(Duration.ofSeconds(3), () -> platform.submit("hello", ONE)));
        assertEquals("POST /migrations/hello/candidates refused with " + status + ": {\"error\":{\"code\":\"invalid_candidate\"}}",
                     refused.getMessage());
        assertEquals(1, arrived.size(), "asked once: a refusal is never retried");
    }

    @Test
    void anotherAppsMigrationIsRefusedAsNotOwned() {
        answer(403, "{\"error\":{\"code\":\"not_owner\"}}");
        PlatformClient platform = client();
        PlatformClient.NotOwner refused = assertThrows(PlatformClient.NotOwner.class,
                                                       () -> withRetries(Duration.ofSeconds(3), () -> platform.submit("hello", ONE)));
        assertEquals("POST /migrations/hello/candidates refused with 403: {\"error\":{\"code\":\"not_owner\"}}", refused.getMessage());
        assertEquals(1, arrived.size());
    }

    @Test
    void aTokenThePlatformDoesNotAcceptIsRefusedNamingWhatToCheck() {
        answer(401, "bad audience");
        PlatformClient platform = client();
        Retries.Refused refused = assertThrows(Retries.Refused.class,
                                               () -> withRetries(Duration.ofSeconds(3), () -> platform.submit("hello", ONE)));
        assertEquals("POST /migrations/hello/candidates: the platform does not accept this migrator's token (401: bad audience); "
                             + "check its identity (DROVER_TOKEN_FILE or DROVER_TOKEN_URL...) against the platform's "
                             + "DROVER_MIGRATOR_ISSUER and DROVER_MIGRATOR_AUDIENCE", refused.getMessage());
        assertEquals(1, arrived.size());
    }

    @ParameterizedTest
    @ValueSource(ints = {404, 408, 429, 500, 502, 503})
    void aSubmissionAnswered5xxTimeoutThrottleOrUnknownYetIsRetriedUntilTaken(int status) throws Exception {
        answer(status, "not now");
        PlatformClient platform = client();
        withRetries(Duration.ofSeconds(3), () -> platform.submit("hello", ONE));
        assertEquals(2, arrived.size(), "asked again after " + status);
        Arrived first = arrived.take();
        assertEquals(first, arrived.take(), "the same submission again");
    }

    @Test
    void aPatienceWithinTheFirstPauseTriesOnceAndGivesUpWithWhatFailed() {
        answer(503, "the database is down");
        PlatformClient platform = client();
        // Failsafe refuses a maximum duration within the first delay: that used to fail every call before it was made.
        dev.failsafe.FailsafeException gaveUp = assertThrows(dev.failsafe.FailsafeException.class,
                                                             () -> withRetries(Duration.ofMillis(1), () -> platform.submit("hello", ONE)));
        assertEquals("POST /migrations/hello/candidates answered 503: the database is down", gaveUp.getCause().getMessage());
        assertEquals(1, arrived.size(), "asked once, not retried");
    }

    @Test
    void whatIsRetriedSaysWhatFailedWithTheStatusAndBody() {
        answer(503, "the database is down");
        IOException failed = assertThrows(IOException.class, () -> client().submit("hello", ONE));
        assertEquals("POST /migrations/hello/candidates answered 503: the database is down", failed.getMessage());
        answer(404, "");
        failed = assertThrows(IOException.class, () -> client().submit("hello", ONE));
        assertEquals("POST /migrations/hello/candidates: the platform does not know the migration yet", failed.getMessage());
    }

    @Test
    void aPlatformThatCannotBeReachedYetIsRetriedUntilItIsUp() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        PlatformClient platform = client("http://127.0.0.1:" + port);
        assertThrows(java.net.ConnectException.class, () -> platform.submit("hello", ONE), "no platform: a failure worth retrying");
        WebServer[] later = new WebServer[1];
        Thread starter = Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(700);
            } catch (InterruptedException e) {
                return;
            }
            later[0] = serve(port);
        });
        try {
            withRetries(Duration.ofSeconds(20), () -> platform.submit("hello", ONE));
            assertEquals(1, arrived.size(), "submitted once the platform was up");
        } finally {
            starter.join();
            if (later[0] != null) {
                later[0].stop();
            }
        }
    }

    @Test
    void aPlatformThatStaysDownIsGivenUpOnAfterThePatience() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        PlatformClient platform = client("http://127.0.0.1:" + port);
        long started = System.nanoTime();
        FailsafeException gaveUp = assertThrows(FailsafeException.class,
                                                () -> withRetries(Duration.ofMillis(800), () -> platform.submit("hello", ONE)));
        assertInstanceOf(java.net.ConnectException.class, gaveUp.getCause());
        assertTrue(System.nanoTime() - started >= Duration.ofMillis(800).toNanos(), "tried for as long as the patience");
    }

    @Test
    void aRedirectIsNotFollowedSoTheTokenGoesNowhereElse() {
        answers.add(new Answer(302, ""));
        IOException failed = assertThrows(IOException.class, () -> client().submit("hello", ONE));
        assertEquals("POST /migrations/hello/candidates answered 302: ", failed.getMessage());
        assertEquals(1, arrived.size());
    }

    @Test
    void aLongAnswerIsCutIn500Characters() {
        answer(400, "x".repeat(501));
        Retries.Refused refused = assertThrows(Retries.Refused.class, () -> client().submit("hello", ONE));
        assertEquals("POST /migrations/hello/candidates refused with 400: " + "x".repeat(500) + "...", refused.getMessage());
        answer(400, "y".repeat(500));
        refused = assertThrows(Retries.Refused.class, () -> client().submit("hello", ONE));
        assertEquals("POST /migrations/hello/candidates refused with 400: " + "y".repeat(500), refused.getMessage());
    }

    @Test
    void candidatesGoInBatchesOf5000WithTheMigratorsToken() throws Exception {
        List<DiscoveredCandidate> many = new ArrayList<>();
        for (int i = 0; i < PlatformClient.BATCH + 1; i++) {
            many.add(new DiscoveredCandidate("c-" + i, "folder", Map.of(), List.of(), List.of()));
        }
        client().submit("hello", many);
        Arrived first = arrived.take();
        Arrived second = arrived.take();
        assertEquals(0, arrived.size());
        assertEquals("POST", first.method());
        assertEquals("/migrations/hello/candidates", first.path());
        assertEquals("Bearer " + TOKEN, first.authorization());
        assertEquals(PlatformClient.BATCH, Json.mapper().readTree(first.body()).size());
        assertEquals("c-0", Json.mapper().readTree(first.body()).get(0).get("id").asText());
        assertEquals(1, Json.mapper().readTree(second.body()).size());
        assertEquals("c-5000", Json.mapper().readTree(second.body()).get(0).get("id").asText());

        client().submit("hello", List.of());
        assertEquals(0, arrived.size(), "no candidates, no request");
    }

    @Test
    void routesStayBelowThePathOfTheApiUrl() throws Exception {
        PlatformClient behindGateway = client("http://127.0.0.1:" + server.port() + "/drover/");
        behindGateway.submit("hello", ONE);
        assertEquals("/drover/migrations/hello/candidates", arrived.take().path());
        assertEquals("http://127.0.0.1:" + server.port() + "/drover/event/run-1", behindGateway.callbackUrl("run-1"));
        assertEquals(URI.create("http://127.0.0.1:" + server.port() + "/drover/platform/keys"), behindGateway.keysUrl());
        assertEquals(URI.create("http://127.0.0.1:" + server.port() + "/platform/keys"), client().keysUrl());
    }

    @Test
    void theStoredMigrationIsReadWithoutWhatThePlatformAddsAndAnUnknownOneIsEmpty() throws Exception {
        Migration migration = new Migration("hello", "Hello", "", List.of(), List.of(new Step("greet", "", "m", "greet", Map.of())), List.of());
        var stored = Json.mapper().valueToTree(migration);
        ((com.fasterxml.jackson.databind.node.ObjectNode) stored).put("owner", "m").put("createdAt", "2026-12-01T00:00:00Z")
                .put("updatedAt", "2026-12-01T00:00:00Z").putObject("candidates").put("pending", 3);
        answer(200, stored.toString());
        assertEquals(Optional.of(migration), client().migration("hello"));
        Arrived read = arrived.take();
        assertEquals("GET /migrations/hello Bearer " + TOKEN, read.method() + " " + read.path() + " " + read.authorization());

        answer(404, "");
        assertEquals(Optional.empty(), client().migration("hello"), "not stored yet");
        answer(403, "owned by other");
        assertEquals("GET /migrations/hello refused with 403: owned by other",
                     assertThrows(PlatformClient.NotOwner.class, () -> client().migration("hello")).getMessage());
        answer(500, "oops");
        assertEquals("GET /migrations/hello answered 500: oops", assertThrows(IOException.class, () -> client().migration("hello")).getMessage());
    }

    @Test
    void theAnnouncementsOutcomeIsTheNewestOneOrEmpty() throws Exception {
        Instant at = Instant.parse("2026-12-02T06:00:00Z");
        AnnouncementOutcome dropped = new AnnouncementOutcome("hello", "m", AnnouncementOutcome.DROPPED, "invalid_migration", "no steps", at);
        AnnouncementOutcome older = new AnnouncementOutcome("hello", "m", AnnouncementOutcome.ACCEPTED, null, "stored", at.minusSeconds(60));
        answer(200, Json.mapper().writeValueAsString(Map.of("items", List.of(dropped, older))));
        assertEquals(Optional.of(dropped), client().announcementOutcome("hello"));
        assertEquals("/registry/announcements/hello", arrived.take().path());
        answer(200, "{\"items\":[]}");
        assertEquals(Optional.empty(), client().announcementOutcome("hello"));
        answer(503, "later");
        assertEquals("GET /registry/announcements/hello answered 503: later",
                     assertThrows(IOException.class, () -> client().announcementOutcome("hello")).getMessage());
    }

    private static Callback report() {
        return new Callback("bump", 1, CallbackStatus.SUCCEEDED, Map.of(), "done", "token-1");
    }

    @Test
    void aCallbackThePlatformRefusesIsNotSentAgain() {
        answer(409, "{\"error\":{\"code\":\"stale_dispatch\"}}");
        PlatformClient platform = client();
        Retries.Refused refused = assertThrows(Retries.Refused.class,
                                               () -> withRetries(Duration.ofSeconds(3), () -> platform.callback("run-1", report())));
        assertEquals("callback bump succeeded refused with 409: {\"error\":{\"code\":\"stale_dispatch\"}}", refused.getMessage());
        assertEquals(1, arrived.size());
    }

    @Test
    void aCallbackWhoseTokenIsNotAcceptedIsRetriedNotDropped() throws Exception {
        answer(401, "expired");
        PlatformClient platform = client();
        IOException failed = assertThrows(IOException.class, () -> platform.callback("run-1", report()));
        assertEquals("callback bump succeeded: the platform does not accept this migrator's token (401: expired)", failed.getMessage());
        answer(401, "expired");
        answer(500, "busy");
        withRetries(Duration.ofSeconds(3), () -> platform.callback("run-1", report()));
        assertEquals(4, arrived.size(), "one direct call, then 401, 500 and the accepted one");
        Arrived sent = arrived.take();
        assertEquals("/event/run-1", sent.path());
        assertEquals("Bearer " + TOKEN, sent.authorization());
        assertEquals(report(), Json.read(sent.body().getBytes(StandardCharsets.UTF_8), Callback.class));
    }

    @Test
    void aCallbackForARunIdThatIsNoSlugIsRefusedWithoutARequest() {
        String longest = "r".repeat(dev.drover.contract.model.Check.SLUG_MAX);
        for (String runId : new String[] {null, "../admin", "a/b", longest + "r"}) {
            Retries.Refused refused = assertThrows(Retries.Refused.class, () -> client().callback(runId, report()));
            assertTrue(refused.getMessage().endsWith("is no slug: no callback for it"), refused.getMessage());
        }
        assertEquals(0, arrived.size());
    }

    @Test
    void aRunIdOfTheLongestSlugIsCalledBack() throws Exception {
        String longest = "r".repeat(dev.drover.contract.model.Check.SLUG_MAX);
        client().callback(longest, report());
        assertEquals("/event/" + longest, arrived.take().path());
    }
}
