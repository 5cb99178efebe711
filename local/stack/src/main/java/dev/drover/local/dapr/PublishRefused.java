package dev.drover.local.dapr;

/** A publish request the sidecar refuses, with the error code and statuses the real sidecar answers. */
final class PublishRefused extends RuntimeException {
    enum Reason {
        PUBSUB_EMPTY("ERR_PUBSUB_EMPTY", 404, io.grpc.Status.Code.INVALID_ARGUMENT),
        PUBSUB_NOT_FOUND("ERR_PUBSUB_NOT_FOUND", 400, io.grpc.Status.Code.NOT_FOUND),
        TOPIC_EMPTY("ERR_TOPIC_NAME_EMPTY", 404, io.grpc.Status.Code.INVALID_ARGUMENT),
        CLOUD_EVENT("ERR_PUBSUB_CLOUD_EVENTS_SER", 500, io.grpc.Status.Code.INVALID_ARGUMENT),
        /** A bulk request whose entries cannot be read: not a JSON array, a missing or repeated entry id, an event its content type does not fit. */
        EVENTS_SER("ERR_PUBSUB_EVENTS_SER", 400, io.grpc.Status.Code.INVALID_ARGUMENT),
        PUBLISH_FAILED("ERR_PUBSUB_PUBLISH_MESSAGE", 500, io.grpc.Status.Code.INTERNAL);

        final String errorCode;
        final int httpStatus;
        final io.grpc.Status.Code grpcCode;

        Reason(String errorCode, int httpStatus, io.grpc.Status.Code grpcCode) {
            this.errorCode = errorCode;
            this.httpStatus = httpStatus;
            this.grpcCode = grpcCode;
        }
    }

    private final Reason reason;

    PublishRefused(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    Reason reason() {
        return reason;
    }
}
