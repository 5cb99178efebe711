package dev.drover.migrator;

import java.util.Optional;

/**
 * The files of a candidate as a dry-run sees them: the source as it stands, with the earlier steps'
 * simulated changes on top. Paths are relative to the candidate's source (e.g. a repository root).
 * A step that changes something other than files (a database role, a secret) says so with {@link #action}.
 */
public interface Draft {
    /** The file's content, or empty when it does not exist (or an earlier step deleted it). */
    Optional<String> read(String path) throws Exception;

    void write(String path, String content);

    void delete(String path);

    /**
     * A change the step would make that is no file, shown with its step in the dry-run's {@code actions}. Never put a
     * secret's value here: every operator reads dry-runs.
     *
     * @param target what it acts on, e.g. {@code role billing_2}
     * @param action a verb: {@code create}, {@code update}, {@code drop}, {@code wait}
     * @param detail how, for humans; may be empty
     */
    default void action(String target, String action, String detail) {
        throw new UnsupportedOperationException("this draft records no actions");
    }
}
