package dev.drover.migrator;

import dev.drover.contract.dryrun.ChangeStatus;
import dev.drover.contract.dryrun.FileChange;
import dev.drover.contract.dryrun.PlannedAction;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A dry-run's files: the source below, every step's simulated writes on top, so a later step reads what
 * the earlier ones wrote. {@link #changes()} closes one step: what it changed, compared with how the
 * files stood when it began.
 */
final class LayeredDraft implements Draft {
    private final FileSource source;
    private final Map<String, Optional<String>> written = new HashMap<>();
    /** For each path the current step touched: its content when the step began. */
    private final Map<String, Optional<String>> beforeStep = new TreeMap<>();
    /** The current step's changes that are no file, in the order it made them. */
    private final List<PlannedAction> actions = new ArrayList<>();

    LayeredDraft(FileSource source) {
        this.source = source;
    }

    @Override
    public Optional<String> read(String path) throws Exception {
        Optional<String> overlay = written.get(path);
        return overlay != null ? overlay : source.read(path);
    }

    @Override
    public void write(String path, String content) {
        touch(path);
        written.put(path, Optional.of(Objects.requireNonNull(content, "content")));
    }

    @Override
    public void delete(String path) {
        touch(path);
        written.put(path, Optional.empty());
    }

    @Override
    public void action(String target, String action, String detail) {
        actions.add(new PlannedAction(Objects.requireNonNull(target, "target"), Objects.requireNonNull(action, "action"), detail));
    }

    /** The current step's actions; like {@link #changes()}, it closes them. */
    List<PlannedAction> actions() {
        List<PlannedAction> step = List.copyOf(actions);
        actions.clear();
        return step;
    }

    private void touch(String path) {
        if (!beforeStep.containsKey(path)) {
            try {
                beforeStep.put(path, read(path));
            } catch (Exception e) {
                throw new IllegalStateException("cannot read " + path + " from the candidate's source: " + e.getMessage(), e);
            }
        }
    }

    /** The current step's changes, by path; writes that left a file as it was are no change. */
    List<FileChange> changes() {
        List<FileChange> changes = new ArrayList<>();
        beforeStep.forEach((path, before) -> {
            Optional<String> after = written.get(path);
            if (before.equals(after)) {
                return;
            }
            ChangeStatus status = before.isEmpty() ? ChangeStatus.NEW : after.isEmpty() ? ChangeStatus.DELETED : ChangeStatus.MODIFIED;
            changes.add(new FileChange(path, status, before.orElse(null), after.orElse(null),
                                       Diffs.unified(path, before.orElse(null), after.orElse(null))));
        });
        beforeStep.clear();
        return changes;
    }
}
