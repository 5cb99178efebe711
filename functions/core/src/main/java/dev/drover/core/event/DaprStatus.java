package dev.drover.core.event;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.drover.core.http.Http;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;

/**
 * Dapr's verdict on a delivered event, sent as {@code {"status": "..."}}, with a {@code message} saying
 * why when an event is dropped or redelivered: Dapr reads {@code status} only and ignores the rest, so
 * the reason reaches whoever looks at the delivery (a person with curl, the broker's logs).
 */
public enum DaprStatus {
    SUCCESS,
    RETRY,
    DROP;

    /** The body Dapr reads. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Body(String status, String message) {
    }

    public void send(ServerResponse res, Status httpStatus) {
        send(res, httpStatus, null);
    }

    public void send(ServerResponse res, Status httpStatus, String reason) {
        if (httpStatus.code() == Status.SERVICE_UNAVAILABLE_503.code()) {
            res.header(HeaderNames.RETRY_AFTER, Http.RETRY_AFTER_SECONDS);
        }
        Http.json(res, httpStatus, new Body(name(), reason));
    }
}
