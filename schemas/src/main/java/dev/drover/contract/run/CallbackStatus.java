package dev.drover.contract.run;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.drover.contract.model.InvalidInput;

import java.util.Arrays;

/** What a migrator reports about a step: still working, done (merged for change requests), or failed. */
public enum CallbackStatus {
    PENDING("pending", StepStatus.PENDING),
    SUCCEEDED("succeeded", StepStatus.SUCCEEDED),
    MERGED("merged", StepStatus.MERGED),
    FAILED("failed", StepStatus.FAILED);

    private final String wire;
    private final StepStatus stepStatus;

    CallbackStatus(String wire, StepStatus stepStatus) {
        this.wire = wire;
        this.stepStatus = stepStatus;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    /** The step's status once this callback is applied. */
    public StepStatus stepStatus() {
        return stepStatus;
    }

    @JsonCreator
    public static CallbackStatus fromWire(String wire) {
        return Arrays.stream(values()).filter(s -> s.wire.equals(wire)).findFirst()
                .orElseThrow(() -> new InvalidInput("status '" + wire + "' is not one of pending, succeeded, merged, failed"));
    }
}
