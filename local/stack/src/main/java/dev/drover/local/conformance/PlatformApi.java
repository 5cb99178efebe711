package dev.drover.local.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.core.auth.Role;
import dev.drover.contract.json.Json;
import dev.drover.local.stack.LocalStack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;

/** The kit's calls to the platform's API, as an admin of the stack's issuer: what an operator would see. */
final class PlatformApi {
    /** One answer: its status and body, and the body as JSON when it is JSON. */
    record Answer(int status, String body) {
        Optional<JsonNode> json() {
            try {
                return Optional.ofNullable(Json.mapper().readTree(body));
            } catch (IOException e) {
                return Optional.empty();
            }
        }

        /** The stable error code of a refusal ({@code {"error": {"code", "message"}}}). */
        String code() {
            return json().map(j -> j.at("/error/code").asText("")).orElse("");
        }

        String describe() {
            return status + " " + Report.abbreviate(body.strip(), 300);
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final LocalStack stack;

    PlatformApi(LocalStack stack) {
        this.stack = stack;
    }

    Answer call(String method, String path, Object body) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(stack.apiUri().resolve(path))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + stack.issuer().userToken("drover-conformance", Role.ADMIN))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(Json.bytes(body)))
                .build();
        try {
            HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Answer(answer.statusCode(), answer.body());
        } catch (IOException e) {
            return new Answer(0, "the platform did not answer: " + e);
        }
    }

    Answer get(String path) throws InterruptedException {
        return call("GET", path, null);
    }

    Answer post(String path, Object body) throws InterruptedException {
        return call("POST", path, body);
    }

    /** Polls {@code GET path} until a 200 whose JSON satisfies {@code done}; the last answer either way. */
    Answer await(String path, Duration patience, Predicate<JsonNode> done) throws InterruptedException {
        long until = System.nanoTime() + patience.toNanos();
        Answer last;
        do {
            last = get(path);
            if (last.status() == 200 && last.json().filter(done).isPresent()) {
                return last;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < until);
        return last;
    }

    /** How many discovery submissions the history counted for the migration (after the history writer caught up). */
    long submissions(String migrationId) throws InterruptedException {
        stack.awaitHistory(Duration.ofSeconds(10));
        return get("/history/totals?migration=" + migrationId).json().map(j -> j.at("/candidates/submissions").asLong()).orElse(0L);
    }
}
