package dev.drover.migrators.appchart;

import java.util.List;

/** A change request whose branch does not merge cleanly into main; names the conflicting files. */
public final class MergeConflict extends Exception {
    private final List<String> files;

    public MergeConflict(String message, List<String> files) {
        super(message);
        this.files = List.copyOf(files);
    }

    public List<String> files() {
        return files;
    }
}
