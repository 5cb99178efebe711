package dev.drover.contract.model;

import java.util.Map;

/** How many candidates a migration has, in total and per status. */
public record CandidateCounts(long total, Map<CandidateStatus, Long> byStatus) {
}
