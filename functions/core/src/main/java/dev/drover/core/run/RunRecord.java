package dev.drover.core.run;

import dev.drover.contract.run.RunStatus;

import java.time.Instant;

/**
 * One run: an attempt at one candidate, executed by the Temporal workflow whose id is {@code runId}.
 *
 * @param tokenHash the SHA-256 of the secret a migrator's callbacks must carry (the secret itself only travels in
 *                  step events; see CallbackTokens)
 */
public record RunRecord(String runId,
                        String migrationId,
                        String candidateId,
                        int attempt,
                        RunStatus status,
                        String tokenHash,
                        Instant startedAt,
                        Instant finishedAt) {
}
