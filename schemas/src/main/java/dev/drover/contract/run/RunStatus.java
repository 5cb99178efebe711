package dev.drover.contract.run;

import com.fasterxml.jackson.annotation.JsonCreator;
import dev.drover.contract.WireName;

/** A run (one attempt at one candidate) is running until it completes or an operator cancels it. */
public enum RunStatus implements WireName {
    RUNNING, COMPLETED, CANCELLED;

    @JsonCreator
    public static RunStatus fromWire(String wire) {
        return WireName.read(RunStatus.class, "run status", wire);
    }
}
