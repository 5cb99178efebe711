package dev.drover.migrator;

import dev.drover.core.json.Json;
import dev.drover.core.model.Migration;
import dev.drover.core.model.Step;
import dev.drover.core.run.CallbackRequest;
import dev.drover.core.run.CallbackStatus;
import dev.drover.core.run.StepEvent;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.provider.EventFormatProvider;
import io.cloudevents.http.HttpMessageFactory;
import io.cloudevents.jackson.JsonFormat;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The step route of a migrator on the SDK, over real HTTP: pushes as a broker makes them, callbacks to
 * an HTTP server that answers like the platform's callback function (here: unavailable at first).
 */
class StepRouteTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private final BlockingQueue<CallbackRequest> callbacks = new LinkedBlockingQueue<>();
    private final AtomicInteger unavailable = new AtomicInteger();
    private final AtomicInteger executions = new AtomicInteger();
    private final CountDownLatch slowStep = new CountDownLatch(1);
    private final java.util.concurrent.atomic.AtomicBoolean merged = new java.util.concurrent.atomic.AtomicBoolean();
    private WebServer platform;
    private Migrator migrator;

    @BeforeEach
    void start() {
        platform = WebServer.builder().port(0).routing(r -> r.post("/event/{runId}", (req, res) -> {
            CallbackRequest report = Json.read(req.content().as(byte[].class), CallbackRequest.class);
            callbacks.add(report);
            if (unavailable.getAndDecrement() > 0) {
                res.status(Status.SERVICE_UNAVAILABLE_503).send();
            } else {
                res.send("{\"applied\":true}");
            }
        })).build().start();
        Migration migration = new Migration("sdk-test", "SDK test", "", List.of(),
                                            List.of(new Step("bump", "", "m", "bump", Map.of()),
                                                    new Step("wait", "", "m", "slow", Map.of()),
                                                    new Step("await", "", "m", "await-merge", Map.of())), List.of());
        migrator = Migrator.builder("m", migration)
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
                .patience(Duration.ofSeconds(20))
                .start(MigratorSettings.local(URI.create("http://127.0.0.1:1")));
    }

    @AfterEach
    void stop() {
        slowStep.countDown();
        migrator.close();
        platform.stop();
    }

    private StepEvent event(String runId, String step, String type, int dispatch) {
        return new StepEvent(runId, 1, dispatch, "sdk-test", new StepEvent.StepRef(step, type, Map.of()),
                             new StepEvent.CandidateRef("checkout", "application", Map.of("team", "payments"), List.of()),
                             Map.of(), new StepEvent.Callback("http://127.0.0.1:" + platform.port() + "/event/" + runId, "token-1"));
    }

    private CloudEvent cloudEvent(StepEvent event, String id, String addressee) {
        return CloudEventBuilder.v1().withId(id).withSource(URI.create("/drover/runs")).withType(StepEvent.TYPE)
                .withExtension(StepEvent.MIGRATOR_EXTENSION, addressee)
                .withDataContentType("application/json").withData(Json.bytes(event)).build();
    }

    private HttpResponse<String> pushBinary(CloudEvent event) throws Exception {
        HttpRequest.Builder push = HttpRequest.newBuilder(migrator.stepsUri());
        byte[][] body = new byte[1][];
        HttpMessageFactory.createWriter(push::header, bytes -> body[0] = bytes).writeBinary(event);
        return HTTP.send(push.POST(HttpRequest.BodyPublishers.ofByteArray(body[0])).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> pushStructured(CloudEvent event) throws Exception {
        byte[] body = EventFormatProvider.getInstance().resolveFormat(JsonFormat.CONTENT_TYPE).serialize(event);
        return HTTP.send(HttpRequest.newBuilder(migrator.stepsUri()).header("Content-Type", JsonFormat.CONTENT_TYPE)
                                 .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aStepIsExecutedOnceAndItsCallbackRetriedUntilThePlatformAnswers() throws Exception {
        unavailable.set(2);
        StepEvent event = event("run-1", "bump", "bump", 1);
        assertEquals(202, pushBinary(cloudEvent(event, "run-1/bump/1", "m")).statusCode());
        HttpResponse<String> again = pushStructured(cloudEvent(event, "run-1/bump/1", "m"));
        assertEquals(202, again.statusCode());
        assertTrue(again.body().contains("\"duplicate\":true"), again.body());
        // Same run, step and dispatch under another event id (a republished event) is the same step.
        assertTrue(pushBinary(cloudEvent(event, "another-id", "m")).body().contains("\"duplicate\":true"));

        for (int delivery = 0; delivery < 3; delivery++) {
            CallbackRequest report = callbacks.poll(10, TimeUnit.SECONDS);
            assertNotNull(report, "callback " + delivery + " never came");
            assertEquals(CallbackStatus.PENDING, report.status());
            assertEquals("https://git.example/pr/1", report.metadata().get("changeUrl"));
            assertEquals(1, report.dispatch());
            assertEquals("token-1", report.token());
        }
        assertNull(callbacks.poll(500, TimeUnit.MILLISECONDS), "the callback was acknowledged; nothing more is sent");
        assertEquals(1, executions.get(), "executed once however often it was delivered");
    }

    @Test
    void aRetriedStepIsANewDispatchAndRunsAgain() throws Exception {
        pushBinary(cloudEvent(event("run-2", "bump", "bump", 1), "run-2/bump/1", "m"));
        pushBinary(cloudEvent(event("run-2", "bump", "bump", 2), "run-2/bump/2", "m"));
        assertNotNull(callbacks.poll(10, TimeUnit.SECONDS));
        assertNotNull(callbacks.poll(10, TimeUnit.SECONDS));
        assertEquals(2, executions.get());
    }

    @Test
    void aLongStepDoesNotHoldTheDelivery() throws Exception {
        long started = System.nanoTime();
        HttpResponse<String> answer = pushBinary(cloudEvent(event("run-3", "wait", "slow", 1), "run-3/wait/1", "m"));
        assertEquals(202, answer.statusCode());
        assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(5), "acknowledged before the step ended");
        assertNull(callbacks.poll(300, TimeUnit.MILLISECONDS), "no report while the step still works");
        slowStep.countDown();
        CallbackRequest report = callbacks.poll(10, TimeUnit.SECONDS);
        assertNotNull(report);
        assertEquals(CallbackStatus.MERGED, report.status());
    }

    @Test
    void aStepOfAnUnknownTypeFailsWithAMessageAnOperatorCanActOn() throws Exception {
        pushBinary(cloudEvent(event("run-4", "verify", "verify", 1), "run-4/verify/1", "m"));
        CallbackRequest report = callbacks.poll(10, TimeUnit.SECONDS);
        assertNotNull(report);
        assertEquals(CallbackStatus.FAILED, report.status());
        assertTrue(report.message().contains("type 'verify'") && report.message().contains("await-merge, bump, slow"), report.message());
    }

    @Test
    void aPendingStepIsExecutedAgainOnARecheckAndForgottenOnceDone() throws Exception {
        pushBinary(cloudEvent(event("run-6", "await", "await-merge", 1), "run-6/await/1", "m"));
        assertEquals(CallbackStatus.PENDING, callbacks.poll(10, TimeUnit.SECONDS).status());
        assertTrue(!migrator.recheck("sdk-test", "other-candidate"), "nothing pending for another candidate");
        merged.set(true); // the change request was merged: the code host's event asks for a re-check
        assertTrue(migrator.recheck("sdk-test", "checkout"));
        CallbackRequest report = callbacks.poll(10, TimeUnit.SECONDS);
        assertNotNull(report);
        assertEquals(CallbackStatus.MERGED, report.status());
        assertEquals(1, report.dispatch(), "the same dispatch, answered again");
        Thread.sleep(200);
        assertTrue(!migrator.recheck("sdk-test", "checkout"), "a step that is done is not pending any more");
    }

    @Test
    void aStepAddressedToAnotherMigratorIsRefused() throws Exception {
        HttpResponse<String> answer = pushBinary(cloudEvent(event("run-5", "bump", "bump", 1), "run-5/bump/1", "other"));
        assertEquals(400, answer.statusCode());
        assertTrue(answer.body().contains("wrong_migrator"), answer.body());
        assertEquals(0, executions.get());
    }

    @Test
    void aStepEventWithoutACallbackIsRefusedNotRetried() throws Exception {
        StepEvent noCallback = new StepEvent("run-7", 1, 1, "sdk-test", new StepEvent.StepRef("bump", "bump", Map.of()),
                                             new StepEvent.CandidateRef("checkout", "application", Map.of(), List.of()), Map.of(), null);
        HttpResponse<String> answer = pushBinary(cloudEvent(noCallback, "run-7/bump/1", "m"));
        assertEquals(400, answer.statusCode());
        assertTrue(answer.body().contains("malformed_event"), answer.body());
        assertEquals(0, executions.get());
    }

    @Test
    void anEventThatIsNotAStepIsRefused() throws Exception {
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(migrator.stepsUri()).header("Content-Type", "application/json")
                                                        .POST(HttpRequest.BodyPublishers.ofString("{\"hello\":1}")).build(),
                                                HttpResponse.BodyHandlers.ofString());
        assertEquals(400, answer.statusCode());
    }
}
