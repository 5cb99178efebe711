package dev.drover.contract.run;

import com.fasterxml.jackson.annotation.JsonCreator;
import dev.drover.contract.WireName;

/** What a migrator's callback says of a step: still working, done (merged for change requests), or failed. */
public enum CallbackStatus implements WireName {
    PENDING(StepStatus.PENDING),
    SUCCEEDED(StepStatus.SUCCEEDED),
    MERGED(StepStatus.MERGED),
    FAILED(StepStatus.FAILED);

    private final StepStatus stepStatus;

    CallbackStatus(StepStatus stepStatus) {
        this.stepStatus = stepStatus;
    }

    /** The step's status once this callback is applied. */
    public StepStatus stepStatus() {
        return stepStatus;
    }

    @JsonCreator
    public static CallbackStatus fromWire(String wire) {
        return WireName.read(CallbackStatus.class, "status", wire);
    }
}
