package dev.drover.contract.run;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;

/** A run (one attempt at one candidate) is running until it completes or an operator cancels it. */
public enum RunStatus {
    RUNNING("running"),
    COMPLETED("completed"),
    CANCELLED("cancelled");

    private final String wire;

    RunStatus(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    public static RunStatus fromWire(String wire) {
        return Arrays.stream(values()).filter(s -> s.wire.equals(wire)).findFirst()
                .orElseThrow(() -> new IllegalStateException("unknown run status '" + wire + "'"));
    }
}
