package dev.drover.migrator;

import dev.drover.contract.json.Json;
import dev.drover.contract.model.Check;
import dev.drover.contract.model.Migration;
import dev.drover.contract.model.Step;
import dev.drover.contract.run.CallbackStatus;
import dev.drover.contract.run.StepEvent;
import dev.drover.contract.signing.Signatures;
import dev.drover.contract.signing.SigningKeys;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.provider.EventFormatProvider;
import io.cloudevents.http.HttpMessageFactory;
import io.cloudevents.jackson.JsonFormat;
import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The step route of a migrator on the SDK, over real HTTP: pushes as a broker makes them, signed as the
 * platform signs them; the platform's keys and callbacks on a test platform that answers like the real one
 * (here: the callback unavailable at first).
 */
class StepRouteTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String TOKEN = "migrator-token";
    private final AtomicInteger executions = new AtomicInteger();
    private final CountDownLatch slowStep = new CountDownLatch(1);
    private final AtomicBoolean merged = new AtomicBoolean();
    private TestPlatform platform;
    private Migrator migrator;

    @BeforeEach
    void start() {
        platform = new TestPlatform(TOKEN);
        migrator = builder().start(MigratorSettings.local(platform.uri()));
    }

    private Migrator.Builder builder() {
        Migration migration = new Migration("sdk-test", "SDK test", "", List.of(),
                                            List.of(new Step("bump", "", "m", "bump", Map.of()),
                                                    new Step("wait", "", "m", "slow", Map.of()),
                                                    new Step("await", "", "m", "await-merge", Map.of())), List.of());
        return Migrator.builder("m", migration)
                .step("bump", step -> {
                    executions.incrementAndGet();
                    return StepResult.pending(Map.of("changeUrl", "https://git.example/pr/1"), "change request open");
                })
                .step("slow", step -> {
                    slowStep.await(30, TimeUnit.SECONDS);
                    return StepResult.merged(Map.of(), "merged");
                })
                .step("await-merge", step -> merged.get() ? StepResult.merged(Map.of(), "merged")
                                                          : StepResult.pending(Map.of("changeUrl", "https://git.example/pr/7"), "waiting"))
                .tokens(TokenSource.of(TOKEN))
                .patience(Duration.ofSeconds(20));
    }

    @AfterEach
    void stop() {
        slowStep.countDown();
        migrator.close();
        platform.close();
    }

    private StepEvent event(String runId, String step, String type, int dispatch) {
        return event(runId, step, type, dispatch, "checkout", platform.callbackUrl(runId));
    }

    private static StepEvent event(String runId, String step, String type, int dispatch, String candidate, String callbackUrl) {
        return new StepEvent(runId, 1, dispatch, "sdk-test", new StepEvent.StepRef(step, type, Map.of()),
                             new StepEvent.CandidateRef(candidate, "application", Map.of("team", "payments"), List.of()),
                             Map.of(), new StepEvent.CallbackAddress(callbackUrl, "token-1"));
    }

    private CloudEvent signed(StepEvent event, String id) {
        return platform.signed(event, id, "m");
    }

    private HttpResponse<String> pushBinary(CloudEvent event) throws Exception {
        return pushBinary(migrator.stepsUri(), event);
    }

    private static HttpResponse<String> pushBinary(URI steps, CloudEvent event) throws Exception {
        HttpRequest.Builder push = HttpRequest.newBuilder(steps);
        byte[][] body = new byte[1][];
        HttpMessageFactory.createWriter(push::header, bytes -> body[0] = bytes).writeBinary(event);
        return HTTP.send(push.POST(HttpRequest.BodyPublishers.ofByteArray(body[0])).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> pushStructured(CloudEvent event) throws Exception {
        byte[] body = EventFormatProvider.getInstance().resolveFormat(JsonFormat.CONTENT_TYPE).serialize(event);
        return HTTP.send(HttpRequest.newBuilder(migrator.stepsUri()).header("Content-Type", JsonFormat.CONTENT_TYPE)
                                 .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private void assertRefused(int status, String code, HttpResponse<String> answer) {
        assertEquals(status, answer.statusCode(), answer.body());
        assertTrue(answer.body().contains(code), answer.body());
    }

    private void assertNothingExecuted() throws InterruptedException {
        assertNull(platform.callbacks.poll(300, TimeUnit.MILLISECONDS), "a refused event reports nothing");
        assertEquals(0, executions.get(), "a refused event is never executed");
    }

    @Test
    void aStepIsExecutedOnceAndItsCallbackRetriedUntilThePlatformAnswers() throws Exception {
        platform.unavailable.set(2);
        StepEvent event = event("run-1", "bump", "bump", 1);
        assertEquals(202, pushBinary(signed(event, "run-1/bump/1")).statusCode());
        HttpResponse<String> again = pushStructured(signed(event, "run-1/bump/1"));
        assertEquals(202, again.statusCode());
        assertTrue(again.body().contains("\"duplicate\":true"), again.body());
        // Same run, step and dispatch under another event id (a republished event) is the same step.
        assertTrue(pushBinary(signed(event, "another-id")).body().contains("\"duplicate\":true"));

        for (int delivery = 0; delivery < 3; delivery++) {
            TestPlatform.Received callback = platform.callbacks.poll(10, TimeUnit.SECONDS);
            assertNotNull(callback, "callback " + delivery + " never came");
            assertEquals("run-1", callback.runId());
            assertEquals("Bearer " + TOKEN, callback.authorization(), "the migrator's identity comes with its report");
            assertEquals(CallbackStatus.PENDING, callback.report().status());
            assertEquals("https://git.example/pr/1", callback.report().metadata().get("changeUrl"));
            assertEquals(1, callback.report().dispatch());
            assertEquals("token-1", callback.report().token());
        }
        assertNull(platform.callbacks.poll(500, TimeUnit.MILLISECONDS), "the callback was acknowledged; nothing more is sent");
        assertEquals(1, executions.get(), "executed once however often it was delivered");
        assertTrue(platform.keyFetches.get() >= 1, "the keys came from the platform, fetched with the migrator's token");
    }

    @Test
    void unsignedForgedTamperedExpiredOrOtherAppsEventsAreRefusedAndNeverExecuted() throws Exception {
        StepEvent event = event("run-10", "bump", "bump", 1);
        String id = "run-10/bump/1";
        assertRefused(401, "invalid_signature", pushBinary(TestPlatform.unsigned(event, id, "m")));
        assertRefused(401, "invalid_signature", pushBinary(TestPlatform.signed(event, id, "m", SigningKeys.generate(), Instant.now())));
        // Signed for another migrator, relabelled for this one.
        assertRefused(401, "invalid_signature", pushBinary(CloudEventBuilder.v1(platform.signed(event, id, "other-app"))
                                                                   .withExtension(StepEvent.MIGRATOR_EXTENSION, "m").build()));
        assertRefused(401, "invalid_signature", pushBinary(TestPlatform.signed(event, id, "m", platform.keys,
                                                                               Instant.now().minus(Duration.ofHours(25)))));
        assertRefused(401, "invalid_signature", pushBinary(CloudEventBuilder.v1(signed(event, id)).withId("run-10/bump/2").build()));

        // The signature of one event on another's data: the candidate, the callback, anything changed is refused.
        CloudEvent original = signed(event, id);
        StepEvent changed = event("run-10", "bump", "bump", 1, "payments", platform.callbackUrl("run-10"));
        assertRefused(401, "invalid_signature", pushBinary(CloudEventBuilder.v1(original).withData(Json.bytes(changed)).build()));

        HttpResponse<String> plain = HTTP.send(HttpRequest.newBuilder(migrator.stepsUri()).header("Content-Type", "application/json")
                                                       .POST(HttpRequest.BodyPublishers.ofByteArray(Json.bytes(event))).build(),
                                               HttpResponse.BodyHandlers.ofString());
        assertRefused(401, "invalid_signature", plain);
        assertNothingExecuted();

        assertEquals(202, pushBinary(original).statusCode(), "the untouched event is the platform's");
        assertNotNull(platform.callbacks.poll(10, TimeUnit.SECONDS));
    }

    @Test
    void aCallbackUrlOtherThanThePlatformsIsRefused() throws Exception {
        AtomicInteger elsewhere = new AtomicInteger();
        WebServer other = WebServer.builder().port(0).routing(r -> r.any((req, res) -> {
            elsewhere.incrementAndGet();
            res.send("{}");
        })).build().start();
        try {
            for (String url : List.of("http://127.0.0.1:" + other.port() + "/event/run-11", "https://attacker.example/event/run-11",
                                      platform.callbackUrl("run-12"), platform.uri() + "/event/run-11/../run-11",
                                      platform.callbackUrl("run-11") + "?x=1")) {
                StepEvent event = event("run-11", "bump", "bump", 1, "checkout", url);
                assertRefused(400, "invalid_callback", pushBinary(signed(event, "run-11/bump/1")));
            }
            assertNothingExecuted();
            assertEquals(0, elsewhere.get());
        } finally {
            other.stop();
        }
    }

    @Test
    void idsThatAreNoSlugsAreRefusedAsMalformed() throws Exception {
        for (String candidate : List.of("../../../../tmp/x", "/tmp/x", "a/b", "..", "")) {
            StepEvent event = event("run-13", "bump", "bump", 1, candidate, platform.callbackUrl("run-13"));
            assertRefused(400, "malformed_event", pushBinary(signed(event, "run-13/bump/1")));
        }
        StepEvent badStep = event("run-13", "../bump", "bump", 1);
        assertRefused(400, "malformed_event", pushBinary(signed(badStep, "run-13/bump/1")));
        StepEvent badRun = event("../run", "bump", "bump", 1, "checkout", platform.uri() + "/event/../run");
        assertRefused(400, "malformed_event", pushBinary(signed(badRun, "x")));
        assertNothingExecuted();
    }

    @Test
    void aMigrationIdThatIsNoSlugIsRefusedAndIdsOfTheLongestSlugAreServed() throws Exception {
        StepEvent ok = event("run-18", "bump", "bump", 1);
        StepEvent badMigration = new StepEvent(ok.runId(), ok.attempt(), ok.dispatch(), "../sdk-test", ok.step(), ok.candidate(),
                                               ok.inputs(), ok.callback());
        assertRefused(400, "malformed_event", pushBinary(signed(badMigration, "run-18/bump/1")));
        assertNothingExecuted();

        String longest = "c".repeat(Check.SLUG_MAX);
        StepEvent tooLong = event("run-19", "bump", "bump", 1, longest + "c", platform.callbackUrl("run-19"));
        assertRefused(400, "malformed_event", pushBinary(signed(tooLong, "run-19/bump/1")));
        StepEvent longestId = event("run-20", "bump", "bump", 1, longest, platform.callbackUrl("run-20"));
        HttpResponse<String> answer = pushBinary(signed(longestId, "run-20/bump/1"));
        assertEquals(202, answer.statusCode(), answer.body());
        TestPlatform.Received callback = platform.callbacks.poll(10, TimeUnit.SECONDS);
        assertNotNull(callback);
        assertEquals("run-20", callback.runId());
        assertEquals(1, executions.get());
    }

    @Test
    void keysThatCannotBeFetchedAskForARedelivery() throws Exception {
        StepEvent event = event("run-14", "bump", "bump", 1);
        try (Migrator noPlatform = builder().start(MigratorSettings.local(URI.create("http://127.0.0.1:1")));
             Migrator noToken = builder().tokens(() -> {
                 throw new IOException("the IdP is down");
             }).start(MigratorSettings.local(platform.uri()))) {
            assertRefused(503, "keys_unavailable", pushBinary(noPlatform.stepsUri(), signed(event, "run-14/bump/1")));
            assertRefused(503, "keys_unavailable", pushBinary(noToken.stepsUri(), signed(event, "run-14/bump/1")));
        }
        assertNothingExecuted();
    }

    @Test
    void metricsNeedTheMetricsTokenAndHealthStaysOpen() throws Exception {
        assertEquals(2, get(migrator.uri().resolve("/observe/health"), null).statusCode() / 100, "probes carry no credential");
        assertEquals(401, get(migrator.uri().resolve("/observe/metrics"), null).statusCode(), "no DROVER_METRICS_TOKEN: closed");
        assertEquals(401, get(migrator.uri().resolve("/observe/metrics"), "anything").statusCode());
        try (Migrator scraped = builder().start(MigratorSettings.local(platform.uri()).withMetricsToken("scrape-me"))) {
            assertEquals(401, get(scraped.uri().resolve("/observe/metrics"), null).statusCode());
            assertEquals(401, get(scraped.uri().resolve("/observe/metrics"), "scrape-mE").statusCode());
            assertEquals(200, get(scraped.uri().resolve("/observe/metrics"), "scrape-me").statusCode());
        }
    }

    private static HttpResponse<String> get(URI uri, String bearer) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri);
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aRetriedStepIsANewDispatchAndRunsAgain() throws Exception {
        pushBinary(signed(event("run-2", "bump", "bump", 1), "run-2/bump/1"));
        pushBinary(signed(event("run-2", "bump", "bump", 2), "run-2/bump/2"));
        assertNotNull(platform.callbacks.poll(10, TimeUnit.SECONDS));
        assertNotNull(platform.callbacks.poll(10, TimeUnit.SECONDS));
        assertEquals(2, executions.get());
    }

    @Test
    void aLongStepDoesNotHoldTheDelivery() throws Exception {
        long started = System.nanoTime();
        HttpResponse<String> answer = pushBinary(signed(event("run-3", "wait", "slow", 1), "run-3/wait/1"));
        assertEquals(202, answer.statusCode());
        assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(5), "acknowledged before the step ended");
        assertNull(platform.callbacks.poll(300, TimeUnit.MILLISECONDS), "no report while the step still works");
        slowStep.countDown();
        TestPlatform.Received callback = platform.callbacks.poll(10, TimeUnit.SECONDS);
        assertNotNull(callback);
        assertEquals(CallbackStatus.MERGED, callback.report().status());
    }

    @Test
    void aStepOfAnUnknownTypeFailsWithAMessageAnOperatorCanActOn() throws Exception {
        pushBinary(signed(event("run-4", "verify", "verify", 1), "run-4/verify/1"));
        TestPlatform.Received callback = platform.callbacks.poll(10, TimeUnit.SECONDS);
        assertNotNull(callback);
        assertEquals(CallbackStatus.FAILED, callback.report().status());
        String message = callback.report().message();
        assertTrue(message.contains("type 'verify'") && message.contains("await-merge, bump, slow"), message);
    }

    @Test
    void aPendingStepIsExecutedAgainOnARecheckAndForgottenOnceDone() throws Exception {
        pushBinary(signed(event("run-6", "await", "await-merge", 1), "run-6/await/1"));
        assertEquals(CallbackStatus.PENDING, platform.callbacks.poll(10, TimeUnit.SECONDS).report().status());
        assertTrue(!migrator.recheck("sdk-test", "other-candidate"), "nothing pending for another candidate");
        merged.set(true); // the change request was merged: the code host's event asks for a re-check
        assertTrue(migrator.recheck("sdk-test", "checkout"));
        TestPlatform.Received callback = platform.callbacks.poll(10, TimeUnit.SECONDS);
        assertNotNull(callback);
        assertEquals(CallbackStatus.MERGED, callback.report().status());
        assertEquals(1, callback.report().dispatch(), "the same dispatch, answered again");
        Thread.sleep(200);
        assertTrue(!migrator.recheck("sdk-test", "checkout"), "a step that is done is not pending any more");
    }

    @Test
    void aStepAddressedToAnotherMigratorIsRefused() throws Exception {
        HttpResponse<String> answer = pushBinary(platform.signed(event("run-5", "bump", "bump", 1), "run-5/bump/1", "other"));
        assertRefused(400, "wrong_migrator", answer);
        assertEquals(0, executions.get());
    }

    @Test
    void aStepEventWithoutACallbackIsRefusedNotRetried() throws Exception {
        StepEvent noCallback = new StepEvent("run-7", 1, 1, "sdk-test", new StepEvent.StepRef("bump", "bump", Map.of()),
                                             new StepEvent.CandidateRef("checkout", "application", Map.of(), List.of()), Map.of(), null);
        assertRefused(400, "malformed_event", pushBinary(signed(noCallback, "run-7/bump/1")));
        assertEquals(0, executions.get());
    }

    @Test
    void aSignedEventOfAnotherTypeIsRefused() throws Exception {
        byte[] data = "{\"hello\":1}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        CloudEvent other = CloudEventBuilder.v1().withId("x").withSource(URI.create("/drover/runs")).withType("dev.drover.other")
                .withExtension(StepEvent.MIGRATOR_EXTENSION, "m")
                .withExtension(Signatures.EVENT_EXTENSION, Signatures.signEvent(platform.keys, "x", "dev.drover.other", "m", data, Instant.now()))
                .withDataContentType("application/json").withData(data).build();
        assertRefused(400, "malformed_event", pushBinary(other));
        assertEquals(0, executions.get());
    }

    @Test
    void aPendingStepIsCheckedAgainOnEveryDiscoveryTriggerInCaseAnEventWasMissed() throws Exception {
        try (Migrator impatient = builder().patience(Duration.ofSeconds(1)).start(MigratorSettings.local(platform.uri()))) {
            // The first discovery (no Dapr here: it gives up after the patience) has ended.
            TestPlatform.awaitDiscoveryRuns(impatient, 1);
            pushBinary(impatient.stepsUri(), signed(event("run-15", "await", "await-merge", 1), "run-15/await/1"));
            assertEquals(CallbackStatus.PENDING, platform.callbacks.poll(10, TimeUnit.SECONDS).report().status());
            merged.set(true); // merged, but the code host's event never came
            impatient.discover();
            TestPlatform.Received callback = platform.callbacks.poll(15, TimeUnit.SECONDS);
            assertNotNull(callback, "the discovery trigger checked the pending step again");
            assertEquals(CallbackStatus.MERGED, callback.report().status());
        }
    }

    @Test
    void aHandlerThatThrowsFailsItsStepWithWhatItThrew() throws Exception {
        Migration migration = new Migration("sdk-test", "SDK test", "", List.of(),
                                            List.of(new Step("boom", "", "sdk-throws", "boom", Map.of()),
                                                    new Step("nothing", "", "sdk-throws", "nothing", Map.of()),
                                                    new Step("stopped", "", "sdk-throws", "stopped", Map.of())), List.of());
        try (Migrator throwing = Migrator.builder("sdk-throws", migration)
                .step("boom", step -> {
                    throw new IllegalStateException();
                })
                .step("nothing", step -> null)
                .step("stopped", step -> {
                    throw new InterruptedException();
                })
                .tokens(TokenSource.of(TOKEN)).patience(Duration.ofSeconds(1)).start(MigratorSettings.local(platform.uri()))) {
            // An interrupted handler (the migrator stopping) is reported too, not left to the step's deadline.
            Map<String, String> expected = Map.of("boom", "java.lang.IllegalStateException",
                                                  "nothing", "the step handler returned no result (a bug in the migrator)",
                                                  "stopped", "the migrator stopped while executing the step; retry it");
            for (var step : expected.entrySet()) {
                String runId = "run-throw-" + step.getKey();
                StepEvent event = event(runId, step.getKey(), step.getKey(), 1);
                assertEquals(202, pushBinary(throwing.stepsUri(), platform.signed(event, runId + "/" + step.getKey() + "/1", "sdk-throws"))
                        .statusCode());
                TestPlatform.Received callback = platform.callbacks.poll(10, TimeUnit.SECONDS);
                assertNotNull(callback, step.getKey());
                assertEquals(List.of(CallbackStatus.FAILED, step.getValue()), List.of(callback.report().status(), callback.report().message()));
            }
        }
    }

    private static final URI REDIS = URI.create(System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379"));

    /** A migrator of this platform that keeps what it has seen and what is pending in the machine's Redis. */
    private MigratorSettings withRedis() {
        return new MigratorSettings(0, platform.uri(), platform.uri(), "", "pubsub", java.util.Optional.of(REDIS),
                                    java.util.Optional.empty(), java.util.Optional.empty(),
                                    java.util.Optional.empty(), MigratorSettings.LOOPBACK);
    }

    @Test
    void withRedisAPendingStepIsCheckedAgainAfterARestart() throws Exception {
        String app = "sdk-pending-" + Long.toHexString(System.nanoTime());
        MigratorSettings settings = withRedis();
        Migration migration = new Migration("sdk-test", "SDK test", "", List.of(),
                                            List.of(new Step("await", "", app, "await-merge", Map.of())), List.of());
        try {
            for (int start = 0; start < 2; start++) {
                try (Migrator restarted = Migrator.builder(app, migration)
                        .step("await-merge", step -> merged.get() ? StepResult.merged(Map.of(), "merged")
                                                                  : StepResult.pending(Map.of(), "waiting for the merge"))
                        .tokens(TokenSource.of(TOKEN)).patience(Duration.ofSeconds(1)).start(settings)) {
                    // The start's own discovery (no Dapr here: it gives up after the patience).
                    TestPlatform.awaitDiscoveryRuns(restarted, 1);
                    if (start == 0) {
                        pushBinary(restarted.stepsUri(), platform.signed(event("run-17", "await", "await-merge", 1), "run-17/await/1", app));
                        assertEquals(CallbackStatus.PENDING, platform.callbacks.poll(10, TimeUnit.SECONDS).report().status());
                    } else {
                        merged.set(true); // merged while the migrator was down: no event will say so
                        restarted.discover();
                        // The start's own discovery may have checked it once already, still pending then.
                        TestPlatform.Received callback = platform.callbacks.poll(15, TimeUnit.SECONDS);
                        while (callback != null && callback.report().status() == CallbackStatus.PENDING) {
                            callback = platform.callbacks.poll(15, TimeUnit.SECONDS);
                        }
                        assertNotNull(callback, "the restarted migrator found the pending step in Redis and checked it again");
                        assertEquals(List.of("run-17", CallbackStatus.MERGED), List.of(callback.runId(), callback.report().status()));
                    }
                }
            }
        } finally {
            try (var jedis = redis.clients.jedis.RedisClient.builder().fromURI(REDIS.toString()).build()) {
                jedis.del("drover-migrator:" + app + ":seen:step:run-17/await/1", "drover-migrator:" + app + ":pending");
            }
        }
    }

    @Test
    void withRedisAStepEventExecutedBeforeARestartIsNotExecutedAgain() throws Exception {
        String app = "sdk-restart-" + Long.toHexString(System.nanoTime());
        MigratorSettings settings = withRedis();
        Migration migration = new Migration("sdk-test", "SDK test", "", List.of(), List.of(new Step("bump", "", app, "bump", Map.of())),
                                            List.of());
        StepEvent event = event("run-16", "bump", "bump", 1);
        try {
            for (int start = 0; start < 2; start++) {
                try (Migrator restarted = Migrator.builder(app, migration)
                        .step("bump", step -> {
                            executions.incrementAndGet();
                            return StepResult.succeeded(Map.of(), "bumped");
                        })
                        .tokens(TokenSource.of(TOKEN)).patience(Duration.ofSeconds(1)).start(settings)) {
                    HttpResponse<String> answer = pushBinary(restarted.stepsUri(), platform.signed(event, "run-16/bump/1", app));
                    assertEquals(202, answer.statusCode(), answer.body());
                    assertEquals(start == 1, answer.body().contains("\"duplicate\":true"), answer.body());
                    if (start == 0) {
                        assertNotNull(platform.callbacks.poll(10, TimeUnit.SECONDS));
                    }
                }
            }
            assertEquals(1, executions.get(), "the restarted migrator remembered the step event in Redis");
        } finally {
            try (var jedis = redis.clients.jedis.RedisClient.builder().fromURI(REDIS.toString()).build()) {
                jedis.del("drover-migrator:" + app + ":seen:step:run-16/bump/1", "drover-migrator:" + app + ":pending");
            }
        }
    }
}
