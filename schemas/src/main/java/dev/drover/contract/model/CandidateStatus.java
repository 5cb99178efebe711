package dev.drover.contract.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.Optional;

/** Where a candidate stands. Discovery only ever creates {@code not_started}; runs move it on. */
public enum CandidateStatus {
    NOT_STARTED("not_started"),
    RUNNING("running"),
    FAILED("failed"),
    COMPLETED("completed");

    private final String wire;

    CandidateStatus(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static CandidateStatus fromWire(String wire) {
        return parse(wire).orElseThrow(() -> new InvalidInput("unknown status '" + wire + "'; expected one of " + names()));
    }

    public static Optional<CandidateStatus> parse(String wire) {
        return Arrays.stream(values()).filter(s -> s.wire.equals(wire)).findFirst();
    }

    public static String names() {
        return String.join(", ", Arrays.stream(values()).map(CandidateStatus::wire).toList());
    }
}
