package dev.drover.core.http;

import io.helidon.http.Status;

/** An answer other than success, with the stable code and human message a client receives. */
public class ApiException extends RuntimeException {
    private final Status status;
    private final String code;

    public ApiException(Status status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    public Status status() {
        return status;
    }

    public String code() {
        return code;
    }

    public static ApiException notFound(String code, String message) {
        return new ApiException(Status.NOT_FOUND_404, code, message);
    }

    public static ApiException badRequest(String code, String message) {
        return new ApiException(Status.BAD_REQUEST_400, code, message);
    }
}
