package dev.drover.core.run;

import java.time.Instant;

/**
 * One run: an attempt at one candidate, executed by the Temporal workflow whose id is {@code runId}.
 *
 * @param token the secret a migrator's callbacks must carry; it only travels in step events
 */
public record RunRecord(String runId,
                        String migrationId,
                        String candidateId,
                        int attempt,
                        RunStatus status,
                        String token,
                        Instant startedAt,
                        Instant finishedAt) {
}
