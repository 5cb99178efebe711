package dev.drover.core.state;

import dev.drover.contract.model.Candidate;

import java.util.List;
import java.util.Optional;

/** One page of candidates in id order; {@code nextAfterId} is where the next page starts, empty at the end. */
public record CandidatePage(List<Candidate> items, Optional<String> nextAfterId) {
}
