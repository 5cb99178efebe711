package dev.drover.functions;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.contract.event.Announcement;
import dev.drover.contract.json.Json;
import dev.drover.contract.model.Migration;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.provider.EventFormatProvider;
import io.cloudevents.jackson.JsonFormat;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webclient.http1.Http1ClientRequest;
import io.helidon.webclient.http1.Http1ClientResponse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A client for the tests: real HTTP to the server under test, and every response it gets is checked
 * against schemas/openapi.yaml before the test sees it.
 */
final class Api {
    private final Http1Client client;
    private final Map<String, String> credentials;

    /** A client that calls as an admin, who may use every operator and migrator route. */
    Api(Http1Client client) {
        this(client, Map.of("Authorization", "Bearer " + TestTrust.admin()));
    }

    private Api(Http1Client client, Map<String, String> credentials) {
        this.client = client;
        this.credentials = credentials;
    }

    /** The same client calling with {@code token} as its bearer token. */
    Api as(String token) {
        return new Api(client, Map.of("Authorization", "Bearer " + token));
    }

    /** The same client with no credential at all. */
    Api anonymous() {
        return new Api(client, Map.of());
    }

    /** The same client calling as the Dapr sidecar does, with Dapr's app API token. */
    Api sidecar() {
        return new Api(client, Map.of("dapr-api-token", TestTrust.APP_API_TOKEN));
    }

    /** Delivers {@code migration}'s announcement as the Dapr sidecar would, carrying {@code app}'s identity. */
    Reply announce(Migration migration, String app) {
        return sidecar().send(Method.POST, "/registry/announce", Map.of("Content-Type", JsonFormat.CONTENT_TYPE),
                              EventFormatProvider.getInstance().resolveFormat(JsonFormat.CONTENT_TYPE).serialize(
                                      CloudEventBuilder.v1()
                                              .withId(UUID.randomUUID().toString())
                                              .withSource(URI.create("/" + app))
                                              .withType(Announcement.TYPE)
                                              .withExtension(Announcement.TOKEN_EXTENSION, TestTrust.migrator(app))
                                              .withDataContentType("application/json")
                                              .withData(Json.bytes(migration))
                                              .build()));
    }

    /** Delivers an announcement whose data is {@code data} as it stands (any JSON), as the Dapr sidecar would, from {@code app}. */
    Reply announceJson(String data, String app) {
        return sidecar().send(Method.POST, "/registry/announce", Map.of("Content-Type", JsonFormat.CONTENT_TYPE),
                              EventFormatProvider.getInstance().resolveFormat(JsonFormat.CONTENT_TYPE).serialize(
                                      CloudEventBuilder.v1()
                                              .withId(UUID.randomUUID().toString())
                                              .withSource(URI.create("/" + app))
                                              .withType(Announcement.TYPE)
                                              .withExtension(Announcement.TOKEN_EXTENSION, TestTrust.migrator(app))
                                              .withDataContentType("application/json")
                                              .withData(data.getBytes(StandardCharsets.UTF_8))
                                              .build()));
    }

    /** One response: its status, content type, request id and body. */
    record Reply(int status, String contentType, String requestId, String body) {
        JsonNode json() {
            try {
                return Json.mapper().readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + body, e);
            }
        }

        String errorCode() {
            return json().path("error").path("code").asText();
        }
    }

    Reply get(String pathAndQuery) {
        return send(Method.GET, pathAndQuery, Map.of(), null);
    }

    Reply post(String path, String jsonBody) {
        return send(Method.POST, path, Map.of("Content-Type", "application/json"), jsonBody.getBytes());
    }

    Reply postJson(String path, Object body) {
        return send(Method.POST, path, Map.of("Content-Type", "application/json"), Json.bytes(body));
    }

    Reply send(Method method, String pathAndQuery, Map<String, String> headers, byte[] body) {
        String[] parts = pathAndQuery.split("\\?", 2);
        Http1ClientRequest request = client.method(method).path(parts[0]);
        if (parts.length == 2) {
            Map<String, List<String>> query = new LinkedHashMap<>();
            for (String pair : parts[1].split("&")) {
                String[] nameValue = pair.split("=", 2);
                query.computeIfAbsent(URLDecoder.decode(nameValue[0], StandardCharsets.UTF_8), k -> new ArrayList<>())
                        .add(nameValue.length == 2 ? URLDecoder.decode(nameValue[1], StandardCharsets.UTF_8) : "");
            }
            query.forEach((name, values) -> request.queryParam(name, values.toArray(String[]::new)));
        }
        credentials.forEach((name, value) -> request.header(HeaderNames.create(name), value));
        headers.forEach((name, value) -> request.header(HeaderNames.create(name), value));
        try (Http1ClientResponse response = body == null ? request.request() : request.submit(body)) {
            Reply reply = new Reply(response.status().code(),
                                    response.headers().contentType().map(t -> t.text()).orElse(null),
                                    response.headers().first(HeaderNames.create("X-Request-Id")).orElse(null),
                                    response.entity().hasEntity() ? response.as(String.class) : "");
            List<String> problems = Contract.get().responseProblems(method.text(), parts[0], reply.status(),
                                                                    reply.contentType(), reply.body());
            if (!problems.isEmpty()) {
                fail(method.text() + " " + pathAndQuery + " answered " + reply.status() + " " + reply.body()
                             + "\nwhich breaks schemas/openapi.yaml: " + problems);
            }
            return reply;
        }
    }
}
