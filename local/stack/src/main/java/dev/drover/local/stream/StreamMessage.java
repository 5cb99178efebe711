package dev.drover.local.stream;

import redis.clients.jedis.StreamEntryID;

import java.util.Map;

/**
 * One stream entry handed to a handler.
 *
 * @param stream  the stream's key
 * @param id      the entry's id in the stream
 * @param fields  the entry's fields, as they were appended
 * @param attempt which attempt this is, 1 for the first delivery
 */
public record StreamMessage(String stream, StreamEntryID id, Map<String, String> fields, int attempt) {
}
