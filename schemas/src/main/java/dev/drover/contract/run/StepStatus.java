package dev.drover.contract.run;

import com.fasterxml.jackson.annotation.JsonCreator;
import dev.drover.contract.WireName;

/**
 * Where one step of a run stands. {@code dispatched}: its event is published and the migrator is
 * working; {@code pending}: the migrator called back with progress (say, a pull request is open);
 * {@code succeeded}/{@code merged}: done; {@code failed}: waiting for an operator's retry or cancel.
 */
public enum StepStatus implements WireName {
    NOT_STARTED, DISPATCHED, PENDING, SUCCEEDED, MERGED, FAILED, CANCELLED;

    @JsonCreator
    public static StepStatus fromWire(String wire) {
        return WireName.read(StepStatus.class, "step status", wire);
    }

    public boolean done() {
        return this == SUCCEEDED || this == MERGED;
    }

    public boolean inProgress() {
        return this == DISPATCHED || this == PENDING;
    }
}
