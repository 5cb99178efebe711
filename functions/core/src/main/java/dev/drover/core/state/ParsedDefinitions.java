package dev.drover.core.state;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.drover.contract.json.Json;
import dev.drover.contract.model.Migration;

/**
 * Definitions as read from Redis, parsed once per stored text: a read of a migration parsed its whole definition on
 * every request (an eighth of {@code GET /migrations/{id}}'s CPU, ADR 0018), although a definition changes only when
 * its migrator announces a new one.
 *
 * <p>Keyed by the stored JSON itself, so a cached definition can never be stale: an announcement that changes it
 * stores another text, which misses. A {@link Migration} is immutable through and through (its lists and maps are
 * copies), so one instance serves every request. Bounded by the texts' total length.
 */
final class ParsedDefinitions {
    /** 8 M chars of definitions' text: 8 to 16 MiB (a string takes one or two bytes a char), far more than a fleet needs. */
    static final long MAX_CHARS = 8L << 20;

    private final Cache<String, Migration> parsed = Caffeine.newBuilder()
            .maximumWeight(MAX_CHARS)
            .weigher((String json, Migration migration) -> json.length())
            .build();

    Migration parse(String storedJson) {
        return parsed.get(storedJson, json -> Json.readStored(json, Migration.class));
    }
}
