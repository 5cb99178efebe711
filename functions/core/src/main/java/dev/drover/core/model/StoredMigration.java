package dev.drover.core.model;

import dev.drover.contract.model.CandidateCounts;
import dev.drover.contract.model.Migration;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

import java.time.Instant;

/**
 * A migration as the platform serves it: the announced definition, the app that owns it (null for a migration
 * stored before owners were kept, until its next announcement), when it was first and last announced, and its counts.
 */
public record StoredMigration(@JsonUnwrapped Migration migration,
                              String owner,
                              Instant createdAt,
                              Instant updatedAt,
                              CandidateCounts candidates) {
}
