package dev.drover.migrators.appchart;

import java.util.List;

/**
 * A change request (a GitHub pull request, a local host's record): a branch proposed for main.
 *
 * @param id          the host's id (a pull request number)
 * @param url         the link for humans
 * @param mergeable   false when it cannot merge into main as it stands; null while the host does not know yet
 * @param conflicts   the conflicting files when the host can tell (the local host can, GitHub cannot)
 */
public record ChangeRequest(String id, String branch, String url, State state, Boolean mergeable, List<String> conflicts) {
    public enum State {
        OPEN, MERGED, CLOSED;

        /** Lower case on the wire, as every other Drover enum. */
        @com.fasterxml.jackson.annotation.JsonValue
        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public ChangeRequest {
        conflicts = conflicts == null ? List.of() : List.copyOf(conflicts);
    }
}
