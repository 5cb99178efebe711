package dev.drover.local.conformance;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.provider.EventFormatProvider;
import io.cloudevents.http.HttpMessageFactory;
import io.cloudevents.jackson.JsonFormat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Delivers a step event to the migrator's {@code /steps} as a Knative Trigger or a Dapr-fed relay would: in binary
 * mode (every attribute a {@code ce-*} header, the data as the body) or structured mode (one
 * {@code application/cloudevents+json} document). A migrator must take both.
 */
final class StepDelivery {
    enum Mode {
        STRUCTURED, BINARY;

        Mode other() {
            return this == STRUCTURED ? BINARY : STRUCTURED;
        }

        String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** What the migrator answered. */
    record Answer(int status, String body) {
        boolean accepted() {
            return status >= 200 && status < 300;
        }

        boolean refused() {
            return status >= 400 && status < 500;
        }

        String describe() {
            return status + (body == null || body.isBlank() ? "" : " " + Report.abbreviate(body.strip(), 160));
        }
    }

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER).build();
    private final URI steps;

    StepDelivery(URI migrator) {
        this.steps = Report.under(migrator, "steps");
    }

    URI steps() {
        return steps;
    }

    Answer send(CloudEvent event, Mode mode) throws InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(steps).timeout(Duration.ofSeconds(30));
        if (mode == Mode.BINARY) {
            byte[][] body = {new byte[0]};
            HttpMessageFactory.createWriter(request::header, bytes -> body[0] = bytes).writeBinary(event);
            request.POST(HttpRequest.BodyPublishers.ofByteArray(body[0]));
        } else {
            byte[] body = EventFormatProvider.getInstance().resolveFormat(JsonFormat.CONTENT_TYPE).serialize(event);
            request.header("Content-Type", JsonFormat.CONTENT_TYPE).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        }
        try {
            HttpResponse<String> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(answer.statusCode(), answer.body());
        } catch (IOException e) {
            return new Answer(0, "no answer: " + e);
        }
    }
}
