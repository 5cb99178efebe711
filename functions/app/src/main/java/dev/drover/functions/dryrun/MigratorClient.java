package dev.drover.functions.dryrun;

import dev.drover.contract.dryrun.DryRunRequest;
import dev.drover.contract.dryrun.DryRunResult;
import dev.drover.core.http.ApiException;
import dev.drover.contract.ErrorBody;
import dev.drover.contract.json.Json;
import dev.drover.contract.model.InvalidInput;
import dev.drover.contract.signing.Signatures;
import dev.drover.contract.signing.SigningKeys;
import io.helidon.http.Status;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;

/**
 * Asks a migrator for a dry-run at the URL it announced. What the migrator says about the candidate
 * (422 with a code) reaches the operator as it is; a migrator that cannot be reached or answers
 * nonsense is a 502, the platform's way of saying "not my fault, and not yours".
 */
public final class MigratorClient {
    /** The migrator's route, and what the platform's signature names as the request's path. */
    public static final String ROUTE = "/dry-run";

    private final HttpClient http;
    private final Duration timeout;
    private final SigningKeys keys;

    public MigratorClient(Duration timeout, SigningKeys keys) {
        // No redirects: a migrator's answer could otherwise send the platform anywhere.
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER).build();
        this.timeout = timeout;
        this.keys = keys;
    }

    /**
     * Asks the migrator app {@code migratorApp} at {@code migratorUrl} (already checked against the allowlist) for a
     * dry-run, signed by the platform for that app.
     */
    public DryRunResult dryRun(String migratorUrl, String migratorApp, DryRunRequest request) {
        URI uri = URI.create((migratorUrl.endsWith("/") ? migratorUrl.substring(0, migratorUrl.length() - 1) : migratorUrl) + ROUTE);
        byte[] body = Json.bytes(request);
        HttpResponse<byte[]> answer;
        try {
            answer = http.send(HttpRequest.newBuilder(uri).timeout(timeout)
                                       .header("Content-Type", "application/json")
                                       .header("Authorization", "Bearer " + Signatures.signRequest(keys, migratorApp, "POST", ROUTE,
                                                                                                   body, Instant.now()))
                                       .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                               HttpResponse.BodyHandlers.ofByteArray());
        } catch (HttpTimeoutException e) {
            throw badGateway("migrator_timeout", "the migrator at " + uri + " did not answer the dry-run within " + timeout);
        } catch (IOException e) {
            throw badGateway("migrator_unreachable", "the migrator at " + uri + " cannot be reached (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw badGateway("migrator_unreachable", "interrupted while asking " + uri);
        }
        if (answer.statusCode() == 200) {
            try {
                return Json.read(answer.body(), DryRunResult.class);
            } catch (InvalidInput e) {
                throw badGateway("migrator_failed", "the migrator at " + uri + " answered a dry-run that does not parse");
            }
        }
        if (answer.statusCode() == 422) {
            ErrorBody.Error error;
            try {
                error = Json.read(answer.body(), ErrorBody.class).error();
            } catch (InvalidInput e) {
                throw badGateway("migrator_failed", "the migrator at " + uri + " refused the dry-run without a readable error");
            }
            if (error == null || error.code() == null || error.message() == null
                    || !dev.drover.contract.model.Check.SLUG.matcher(error.code()).matches() || error.message().length() > 2000) {
                throw badGateway("migrator_failed", "the migrator at " + uri + " refused the dry-run without a readable error");
            }
            throw new ApiException(Status.UNPROCESSABLE_CONTENT_422, error.code(), error.message());
        }
        // The migrator's body is not passed on: what it says is for its own log, not for the platform's callers.
        throw badGateway("migrator_failed", "the migrator at " + uri + " answered the dry-run with HTTP " + answer.statusCode());
    }

    private static ApiException badGateway(String code, String message) {
        return new ApiException(Status.BAD_GATEWAY_502, code, message);
    }
}
