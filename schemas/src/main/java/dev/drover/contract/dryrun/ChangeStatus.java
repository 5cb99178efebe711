package dev.drover.contract.dryrun;

import com.fasterxml.jackson.annotation.JsonCreator;
import dev.drover.contract.WireName;

/** What a step would do to one file. */
public enum ChangeStatus implements WireName {
    NEW, MODIFIED, DELETED;

    @JsonCreator
    public static ChangeStatus fromWire(String wire) {
        return WireName.read(ChangeStatus.class, "change status", wire);
    }
}
