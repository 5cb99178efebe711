package dev.drover.contract.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import dev.drover.contract.WireName;

import java.util.Optional;

/** Where a candidate stands. Discovery only ever creates {@code not_started}; runs move it on. */
public enum CandidateStatus implements WireName {
    NOT_STARTED, RUNNING, FAILED, COMPLETED;

    @JsonCreator
    public static CandidateStatus fromWire(String wire) {
        return WireName.read(CandidateStatus.class, "status", wire);
    }

    public static Optional<CandidateStatus> parse(String wire) {
        return WireName.parse(CandidateStatus.class, wire);
    }

    public static String names() {
        return WireName.names(CandidateStatus.class);
    }
}
