package dev.drover.local.dapr;

import java.util.Map;

/**
 * One entry of a bulk publish request, as both APIs receive it.
 *
 * @param entryId     the publisher's id of the entry, unique in the request; failures name it
 * @param event       the entry's payload, as bytes
 * @param contentType the payload's content type
 * @param metadata    the entry's own metadata, or null when it gave none (then, as in daprd, the request's
 *                    {@code cloudevent.*} overrides do not apply to it)
 */
record BulkEntry(String entryId, byte[] event, String contentType, Map<String, String> metadata) {
}
