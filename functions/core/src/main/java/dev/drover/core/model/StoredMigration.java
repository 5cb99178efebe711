package dev.drover.core.model;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

import java.time.Instant;

/** A migration as the platform serves it: the announced definition, when it was first and last announced, and its counts. */
public record StoredMigration(@JsonUnwrapped Migration migration,
                              Instant createdAt,
                              Instant updatedAt,
                              CandidateCounts candidates) {
}
