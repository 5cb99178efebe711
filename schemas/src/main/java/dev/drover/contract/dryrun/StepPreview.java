package dev.drover.contract.dryrun;

import java.util.List;

/**
 * What one step would do in a dry-run: its file changes, seen after the earlier steps' changes.
 *
 * @param message a word from the migrator, e.g. why a step changes no file
 */
public record StepPreview(String step, String type, List<FileChange> changes, String message) {
}
