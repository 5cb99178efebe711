package dev.drover.migrator;

import io.helidon.http.Status;

/**
 * Why a migrator's route refuses a request, answered as the contract's error shape ({@code ErrorBody}) with a stable
 * code. A broker dead-letters a 4xx and redelivers a 5xx, so the status says whether trying again can help.
 */
final class Refusal extends RuntimeException {
    private final Status status;
    private final String code;

    Refusal(Status status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    static Refusal badRequest(String code, String message) {
        return new Refusal(Status.BAD_REQUEST_400, code, message);
    }

    /** No proof, or one that proves nothing: never worth sending again as it is. */
    static Refusal unauthenticated(String code, String message) {
        return new Refusal(Status.UNAUTHORIZED_401, code, message);
    }

    static Refusal unprocessable(String code, String message) {
        return new Refusal(Status.UNPROCESSABLE_CONTENT_422, code, message);
    }

    /** Not now (the platform's keys cannot be fetched): the sender tries again later. */
    static Refusal unavailable(String code, String message) {
        return new Refusal(Status.SERVICE_UNAVAILABLE_503, code, message);
    }

    Status status() {
        return status;
    }

    String code() {
        return code;
    }
}
