package dev.drover.local.dapr;

import dev.drover.contract.json.Json;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpMediaTypes;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The sidecar's HTTP API, the part a migrator in any language uses: publish
 * ({@code POST /v1.0/publish/{pubsub}/{topic}}, body = data, {@code Content-Type} = its content type,
 * {@code ?metadata.<key>=<value>} = request metadata; 204 like Dapr), bulk publish, the metadata API and the health
 * endpoints the SDKs poll before they use the sidecar ({@code waitForSidecar} polls {@code /v1.0/healthz/outbound}).
 */
final class PublishHttp implements HttpService {
    private static final String METADATA_PREFIX = "metadata.";
    private static final HeaderName TRACEPARENT = HeaderNames.create("traceparent");
    private static final HeaderName TRACESTATE = HeaderNames.create("tracestate");

    /** Dapr's error body. */
    record DaprError(String errorCode, String message) {
    }

    private final Publisher publisher;
    private final SidecarMetadata metadata;

    PublishHttp(Publisher publisher, SidecarMetadata metadata) {
        this.publisher = publisher;
        this.metadata = metadata;
    }

    @Override
    public void routing(HttpRules rules) {
        // Bulk first: as in daprd's router, the literal "bulk" wins over a pub/sub of that name.
        rules.post("/v1.0/publish/bulk/{pubsub}/{+topic}", this::publishBulk)
                .put("/v1.0/publish/bulk/{pubsub}/{+topic}", this::publishBulk)
                .post("/v1.0-alpha1/publish/bulk/{pubsub}/{+topic}", this::publishBulk)
                .put("/v1.0-alpha1/publish/bulk/{pubsub}/{+topic}", this::publishBulk)
                .post("/v1.0/publish/{pubsub}/{+topic}", this::publish)
                .put("/v1.0/publish/{pubsub}/{+topic}", this::publish)
                .get("/v1.0/metadata", this::metadata)
                .get("/v1.0/healthz", this::health)
                .get("/v1.0/healthz/outbound", this::health);
    }

    private void metadata(ServerRequest req, ServerResponse res) {
        res.headers().contentType(HttpMediaTypes.JSON_UTF_8);
        res.send(Json.bytes(metadata.json()));
    }

    private void publish(ServerRequest req, ServerResponse res) {
        byte[] data = req.content().hasEntity() ? req.content().as(byte[].class) : new byte[0];
        String contentType = req.headers().first(HeaderNames.CONTENT_TYPE).orElse("");
        try {
            publisher.publish(new Publication(req.path().pathParameters().get("pubsub"),
                                              req.path().pathParameters().get("topic"), data, contentType, metadata(req), trace(req)));
        } catch (PublishRefused e) {
            refuse(res, e);
            return;
        }
        res.status(Status.NO_CONTENT_204).send();
    }

    /** Dapr's answer when some entries of a bulk publish could not be stored. */
    record BulkFailure(List<FailedEntry> failedEntries, String errorCode) {
        record FailedEntry(String entryId, String error) {
        }
    }

    /**
     * Bulk publish ({@code /v1.0-alpha1/publish/bulk/...} and {@code /v1.0/publish/bulk/...}, what {@code @dapr/dapr}'s
     * {@code publishBulk} calls): 204 when every entry is stored; 500 with the entries that were not.
     */
    private void publishBulk(ServerRequest req, ServerResponse res) {
        byte[] body = req.content().hasEntity() ? req.content().as(byte[].class) : new byte[0];
        try {
            Map<String, String> failed = publisher.publishBulk(req.path().pathParameters().get("pubsub"),
                                                               req.path().pathParameters().get("topic"), metadata(req),
                                                               BulkEntries.read(body), trace(req));
            if (failed.isEmpty()) {
                res.status(Status.NO_CONTENT_204).send();
                return;
            }
            res.status(Status.INTERNAL_SERVER_ERROR_500);
            res.headers().contentType(HttpMediaTypes.JSON_UTF_8);
            res.send(Json.bytes(new BulkFailure(failed.entrySet().stream()
                                                        .map(e -> new BulkFailure.FailedEntry(e.getKey(), e.getValue())).toList(),
                                                PublishRefused.Reason.PUBLISH_FAILED.errorCode)));
        } catch (PublishRefused e) {
            refuse(res, e);
        }
    }

    private static Map<String, String> metadata(ServerRequest req) {
        Map<String, String> metadata = new HashMap<>();
        for (String name : req.query().names()) {
            if (name.startsWith(METADATA_PREFIX)) {
                metadata.put(name.substring(METADATA_PREFIX.length()), req.query().get(name));
            }
        }
        return metadata;
    }

    private static TraceContext trace(ServerRequest req) {
        return TraceContext.of(req.headers().first(TRACEPARENT).orElse(null), req.headers().first(TRACESTATE).orElse(null));
    }

    private static void refuse(ServerResponse res, PublishRefused e) {
        res.status(Status.create(e.reason().httpStatus));
        res.headers().contentType(HttpMediaTypes.JSON_UTF_8);
        res.send(Json.bytes(new DaprError(e.reason().errorCode, e.getMessage())));
    }

    /** 204 once the sidecar can publish, 500 while Redis does not answer, as Dapr answers while not ready. */
    private void health(ServerRequest req, ServerResponse res) {
        if (publisher.healthy()) {
            res.status(Status.NO_CONTENT_204).send();
        } else {
            res.status(Status.INTERNAL_SERVER_ERROR_500);
            res.headers().contentType(HttpMediaTypes.JSON_UTF_8);
            res.send(Json.bytes(new DaprError("ERR_HEALTH_NOT_READY", "dapr is not ready: Redis does not answer")));
        }
    }
}
