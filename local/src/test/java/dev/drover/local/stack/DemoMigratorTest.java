package dev.drover.local.stack;

import dev.drover.core.run.StepEvent;
import dev.drover.workflows.StepEvents;
import io.cloudevents.http.HttpMessageFactory;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** A migrator acknowledges a step at once and executes a redelivered event (same id) only once. */
class DemoMigratorTest {
    @Test
    void aRedeliveredStepIsAcknowledgedButNotExecutedAgain() throws Exception {
        BlockingQueue<StepEvent> executed = new LinkedBlockingQueue<>();
        try (DemoMigrator migrator = DemoMigrator.start("m", 0, event -> {
            executed.add(event);
            return Optional.empty();
        })) {
            StepEvent event = new StepEvent("run-1", 1, 1, "mig", new StepEvent.StepRef("bump", "bump", Map.of()),
                                            new StepEvent.CandidateRef("c", "app", Map.of(), List.of()), Map.of(),
                                            new StepEvent.Callback("http://127.0.0.1:1/event/run-1", "t"));
            HttpClient http = HttpClient.newHttpClient();
            for (int delivery = 0; delivery < 3; delivery++) {
                // Binary mode, as the broker (and a Knative Trigger) pushes it.
                HttpRequest.Builder push = HttpRequest.newBuilder(migrator.stepsUri());
                byte[][] body = new byte[1][];
                HttpMessageFactory.createWriter(push::header, bytes -> body[0] = bytes)
                        .writeBinary(StepEvents.cloudEvent(event, "m"));
                HttpResponse<Void> answer = http.send(push.POST(HttpRequest.BodyPublishers.ofByteArray(body[0])).build(),
                                                      HttpResponse.BodyHandlers.discarding());
                assertEquals(202, answer.statusCode());
            }
            assertNotNull(executed.poll(5, TimeUnit.SECONDS));
            assertNull(executed.poll(500, TimeUnit.MILLISECONDS), "executed twice");
        }
    }
}
