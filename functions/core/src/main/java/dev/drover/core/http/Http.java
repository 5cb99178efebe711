package dev.drover.core.http;

import dev.drover.contract.ErrorBody;
import dev.drover.contract.json.Json;
import dev.drover.contract.model.Check;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpException;
import io.helidon.http.HttpMediaType;
import io.helidon.http.HttpMediaTypes;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.Optional;

/** The few things every function does with a request and a response. */
public final class Http {
    private Http() {
    }

    public static void json(ServerResponse res, Status status, Object body) {
        jsonBytes(res, status, Json.bytes(body));
    }

    public static void json(ServerResponse res, Object body) {
        json(res, Status.OK_200, body);
    }

    /** A 200 whose JSON body was rendered already (kept by {@link dev.drover.core.state.RenderedReads}). */
    public static void jsonBytes(ServerResponse res, byte[] body) {
        jsonBytes(res, Status.OK_200, body);
    }

    private static void jsonBytes(ServerResponse res, Status status, byte[] body) {
        res.status(status);
        res.headers().contentType(HttpMediaTypes.JSON_UTF_8);
        res.send(body);
    }

    /** What a 503 asks a client to wait, in seconds: transient faults (Redis loading, a restart) pass in seconds. */
    public static final String RETRY_AFTER_SECONDS = "5";

    public static void error(ServerResponse res, Status status, String code, String message) {
        if (status.code() == Status.SERVICE_UNAVAILABLE_503.code()) {
            res.header(HeaderNames.RETRY_AFTER, RETRY_AFTER_SECONDS);
        }
        json(res, status, ErrorBody.of(code, message));
    }

    /**
     * The stable code of a refusal that only has a status: Helidon's own (a request that does not parse,
     * a protocol it does not speak) and the routing's.
     */
    public static String codeFor(Status status) {
        return ErrorBody.codeFor(status.code());
    }

    /**
     * The request's declared media type. Helidon answers most Content-Types that do not parse with a
     * BadRequestException, but a few it fails on with others (an unterminated quoted parameter, {@code
     * charset="}, is a StringIndexOutOfBoundsException): all of them are the client's mistake.
     */
    public static Optional<HttpMediaType> contentType(ServerRequest req) {
        try {
            return req.headers().contentType();
        } catch (HttpException e) {
            throw e;
        } catch (RuntimeException e) {
            throw ApiException.badRequest("bad_request", "the Content-Type header does not parse: "
                    + req.headers().first(HeaderNames.CONTENT_TYPE).orElse(""));
        }
    }

    /** A path parameter that must be a slug; anything else can name no stored object. */
    public static String slugParam(ServerRequest req, String name) {
        String value = req.path().pathParameters().get(name);
        if (value.length() > Check.SLUG_MAX || !Check.SLUG.matcher(value).matches()) {
            throw ApiException.badRequest("invalid_id", name + " '" + value + "' is not a slug (lower-case letters, "
                    + "digits and inner '-', '.', '_'; at most " + Check.SLUG_MAX + " characters)");
        }
        return value;
    }

    /** The request body of a JSON endpoint; a body declared as something other than JSON is refused. */
    public static byte[] jsonBody(ServerRequest req) {
        contentType(req).ifPresent(type -> {
            if (!isJson(type)) {
                throw new ApiException(Status.UNSUPPORTED_MEDIA_TYPE_415, "unsupported_media_type",
                                       "expected a JSON body (application/json), got " + type.mediaType().text());
            }
        });
        if (!req.content().hasEntity()) {
            throw ApiException.badRequest("invalid_request", "a JSON body is required");
        }
        return req.content().as(byte[].class);
    }

    private static boolean isJson(HttpMediaType type) {
        String subtype = type.mediaType().subtype();
        return subtype.equals("json") || subtype.endsWith("+json");
    }
}
