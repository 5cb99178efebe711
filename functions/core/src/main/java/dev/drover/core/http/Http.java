package dev.drover.core.http;

import dev.drover.core.json.Json;
import dev.drover.core.model.Check;
import io.helidon.http.HttpMediaType;
import io.helidon.http.HttpMediaTypes;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** The few things every function does with a request and a response. */
public final class Http {
    private Http() {
    }

    public static void json(ServerResponse res, Status status, Object body) {
        res.status(status);
        res.headers().contentType(HttpMediaTypes.JSON_UTF_8);
        res.send(Json.bytes(body));
    }

    public static void json(ServerResponse res, Object body) {
        json(res, Status.OK_200, body);
    }

    public static void error(ServerResponse res, Status status, String code, String message) {
        json(res, status, ErrorBody.of(code, message));
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
        req.headers().contentType().ifPresent(type -> {
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
