package dev.drover.contract.model;

import dev.drover.contract.run.RunSummary;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A candidate as the platform stores it: what discovery said, plus where it stands.
 *
 * @param run its current (or last) run and that run's current step; null before its first start
 */
public record Candidate(String id,
                        String kind,
                        Map<String, String> metadata,
                        List<FileGroup> files,
                        List<Step> steps,
                        CandidateStatus status,
                        Instant createdAt,
                        Instant updatedAt,
                        RunSummary run) {
}
