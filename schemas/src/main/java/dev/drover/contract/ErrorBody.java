package dev.drover.contract;

/** The one error shape: {@code {"error": {"code": "...", "message": "..."}}}. */
public record ErrorBody(Error error) {
    public record Error(String code, String message) {
    }

    public static ErrorBody of(String code, String message) {
        return new ErrorBody(new Error(code, message));
    }

    /**
     * The stable code of a refusal that only has an HTTP status: a web server's own (a request that does not parse, a
     * protocol it does not speak) and a routing's (no such route, another method). Both sides answer with these.
     */
    public static String codeFor(int status) {
        return switch (status) {
            case 400 -> "bad_request";
            case 403 -> "forbidden";
            case 404 -> "route_not_found";
            case 405 -> "method_not_allowed";
            case 406 -> "not_acceptable";
            case 413 -> "payload_too_large";
            case 414 -> "uri_too_long";
            case 415 -> "unsupported_media_type";
            case 431 -> "headers_too_large";
            case 503 -> "unavailable";
            case 505 -> "http_version_not_supported";
            default -> status >= 500 ? "internal" : "bad_request";
        };
    }
}
