package dev.drover.core.event;

import dev.drover.core.http.Http;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;

/** Dapr's verdict on a delivered event, sent as {@code {"status": "..."}}. */
public enum DaprStatus {
    SUCCESS,
    RETRY,
    DROP;

    /** The body Dapr reads. */
    public record Body(String status) {
    }

    public void send(ServerResponse res, Status httpStatus) {
        Http.json(res, httpStatus, new Body(name()));
    }
}
