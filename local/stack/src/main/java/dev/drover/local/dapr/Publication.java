package dev.drover.local.dapr;

import java.util.Map;

/**
 * One publish request, as both the gRPC and the HTTP API receive it.
 *
 * @param pubsub      the pub/sub component
 * @param topic       the topic
 * @param data        the payload
 * @param contentType the payload's content type; empty means text/plain, as in Dapr
 * @param metadata    request metadata ({@code cloudevent.*} overrides, {@code ttlInSeconds}, {@code rawPayload})
 * @param trace       the span of the publish call, whose context goes into the event
 */
record Publication(String pubsub, String topic, byte[] data, String contentType, Map<String, String> metadata,
                   TraceContext trace) {
}
