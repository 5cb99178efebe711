package dev.drover.migrators.appchart;

import java.util.LinkedHashMap;
import java.util.Map;

/** The step metadata every step reports about a change request, under the same keys. */
final class ChangeMetadata {
    static final String BRANCH = "branch";
    static final String CHANGE_URL = "changeUrl";
    static final String CHANGE_ID = "changeId";
    static final String CHANGE_STATE = "changeState";

    private ChangeMetadata() {
    }

    static Map<String, String> of(String branch, ChangeRequest change) {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(BRANCH, branch);
        if (change != null) {
            metadata.put(CHANGE_URL, change.url());
            metadata.put(CHANGE_ID, change.id());
            metadata.put(CHANGE_STATE, change.state().name().toLowerCase(java.util.Locale.ROOT));
        }
        return metadata;
    }
}
