package dev.drover.contract.dryrun;

import com.fasterxml.jackson.annotation.JsonValue;

/** What a step would do to one file. */
public enum ChangeStatus {
    NEW, MODIFIED, DELETED;

    @JsonValue
    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
