package dev.drover.contract.dryrun;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * What one step would do in a dry-run: its file changes, seen after the earlier steps' changes, and its changes that
 * are no file ({@code actions}, left out of the JSON when there are none, so a file-only answer reads as before; an
 * answer without them parses as none).
 *
 * @param message a word from the migrator, e.g. why a step changes no file
 */
public record StepPreview(String step, String type, List<FileChange> changes,
                          @JsonInclude(JsonInclude.Include.NON_EMPTY) List<PlannedAction> actions, String message) {
    public StepPreview {
        actions = actions == null ? List.of() : List.copyOf(actions);
    }

    /** A step that changes files only. */
    public StepPreview(String step, String type, List<FileChange> changes, String message) {
        this(step, type, changes, List.of(), message);
    }
}
