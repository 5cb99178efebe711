package dev.drover.local.dapr;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.contract.json.Json;
import dev.drover.local.stream.Outcome;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.Locale;

/**
 * Reads an app's answer to a delivered event the way Dapr does
 * (https://docs.dapr.io/reference/api/pubsub_api/, "Expected HTTP Response"):
 * <ul>
 *     <li>2xx with {@code {"status":"SUCCESS"}}, with no status, or with a body that is not such JSON: delivered;</li>
 *     <li>2xx with {@code {"status":"DROP"}}: dropped, with a warning;</li>
 *     <li>2xx with {@code {"status":"RETRY"}} or an unknown status: delivered again later;</li>
 *     <li>404: dropped, with an error (the app has no such route; retrying cannot help);</li>
 *     <li>any other status: delivered again later.</li>
 * </ul>
 */
final class DaprAnswer {
    private static final System.Logger LOGGER = System.getLogger(DaprAnswer.class.getName());

    private DaprAnswer() {
    }

    /** @param what names the event and subscription in logs */
    static Outcome interpret(int status, byte[] body, String what) {
        Outcome.Response response = new Outcome.Response(status, body);
        if (status >= 200 && status < 300) {
            String verdict = verdict(body);
            switch (verdict) {
                case "", "SUCCESS" -> {
                    return Outcome.DONE;
                }
                case "RETRY" -> {
                    return Outcome.retry("the app answered RETRY", response);
                }
                case "DROP" -> {
                    LOGGER.log(Level.WARNING, what + ": the app answered DROP; the event is dropped");
                    return Outcome.DONE;
                }
                default -> {
                    return Outcome.retry("the app answered the unknown status '" + verdict + "'", response);
                }
            }
        }
        if (status == 404) {
            LOGGER.log(Level.ERROR, what + ": the app answered 404 (no such route); the event is dropped");
            return Outcome.DONE;
        }
        return Outcome.retry("the app answered HTTP " + status, response);
    }

    /** The upper-cased {@code status} of a JSON object body; empty when there is none to read. */
    private static String verdict(byte[] body) {
        if (body == null || body.length == 0) {
            return "";
        }
        try {
            JsonNode status = Json.mapper().readTree(body).path("status");
            return status.isTextual() ? status.asText().trim().toUpperCase(Locale.ROOT) : "";
        } catch (IOException e) {
            return ""; // Dapr skips the status check when the body does not decode
        }
    }
}
