package dev.drover.functions.dryrun;

import dev.drover.core.dryrun.DryRunRequest;
import dev.drover.core.dryrun.DryRunResult;
import dev.drover.core.http.ApiException;
import dev.drover.core.http.ErrorBody;
import dev.drover.core.json.Json;
import dev.drover.core.model.InvalidInput;
import io.helidon.http.Status;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/**
 * Asks a migrator for a dry-run at the URL it announced. What the migrator says about the candidate
 * (422 with a code) reaches the operator as it is; a migrator that cannot be reached or answers
 * nonsense is a 502, the platform's way of saying "not my fault, and not yours".
 */
public final class MigratorClient {
    private final HttpClient http;
    private final Duration timeout;

    public MigratorClient(Duration timeout) {
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        this.timeout = timeout;
    }

    public DryRunResult dryRun(String migratorUrl, DryRunRequest request) {
        URI uri = URI.create(migratorUrl.endsWith("/") ? migratorUrl + "dry-run" : migratorUrl + "/dry-run");
        HttpResponse<byte[]> answer;
        try {
            answer = http.send(HttpRequest.newBuilder(uri).timeout(timeout)
                                       .header("Content-Type", "application/json")
                                       .POST(HttpRequest.BodyPublishers.ofByteArray(Json.bytes(request))).build(),
                               HttpResponse.BodyHandlers.ofByteArray());
        } catch (HttpTimeoutException e) {
            throw badGateway("migrator_timeout", "the migrator at " + uri + " did not answer the dry-run within " + timeout);
        } catch (IOException e) {
            throw badGateway("migrator_unreachable", "the migrator at " + uri + " cannot be reached: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw badGateway("migrator_unreachable", "interrupted while asking " + uri);
        }
        if (answer.statusCode() == 200) {
            try {
                return Json.read(answer.body(), DryRunResult.class);
            } catch (InvalidInput e) {
                throw badGateway("migrator_failed", "the migrator at " + uri + " answered a dry-run that does not parse: " + e.getMessage());
            }
        }
        if (answer.statusCode() == 422) {
            ErrorBody.Error error;
            try {
                error = Json.read(answer.body(), ErrorBody.class).error();
            } catch (InvalidInput e) {
                throw badGateway("migrator_failed", "the migrator at " + uri + " refused the dry-run without a readable error");
            }
            throw new ApiException(Status.UNPROCESSABLE_CONTENT_422, error.code(), error.message());
        }
        throw badGateway("migrator_failed", "the migrator at " + uri + " answered the dry-run with " + answer.statusCode()
                + ": " + new String(answer.body(), java.nio.charset.StandardCharsets.UTF_8));
    }

    private static ApiException badGateway(String code, String message) {
        return new ApiException(Status.BAD_GATEWAY_502, code, message);
    }
}
