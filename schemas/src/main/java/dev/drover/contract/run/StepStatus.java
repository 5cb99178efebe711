package dev.drover.contract.run;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.drover.contract.model.InvalidInput;

import java.util.Arrays;

/**
 * Where one step of a run stands. {@code dispatched}: its event is published and the migrator is
 * working; {@code pending}: the migrator reported progress (say, a pull request is open);
 * {@code succeeded}/{@code merged}: done; {@code failed}: waiting for an operator's retry or cancel.
 */
public enum StepStatus {
    NOT_STARTED("not_started"),
    DISPATCHED("dispatched"),
    PENDING("pending"),
    SUCCEEDED("succeeded"),
    MERGED("merged"),
    FAILED("failed"),
    CANCELLED("cancelled");

    private final String wire;

    StepStatus(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static StepStatus fromWire(String wire) {
        return Arrays.stream(values()).filter(s -> s.wire.equals(wire)).findFirst()
                .orElseThrow(() -> new InvalidInput("unknown step status '" + wire + "'"));
    }

    public boolean done() {
        return this == SUCCEEDED || this == MERGED;
    }

    public boolean inProgress() {
        return this == DISPATCHED || this == PENDING;
    }

}
