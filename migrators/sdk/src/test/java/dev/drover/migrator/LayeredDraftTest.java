package dev.drover.migrator;

import dev.drover.contract.dryrun.ChangeStatus;
import dev.drover.contract.dryrun.FileChange;
import dev.drover.contract.dryrun.PlannedAction;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a dry-run answers per step: the files the step created, changed or deleted, each as before/after and as the
 * unified diff an operator reads, seen on top of the earlier steps' simulated changes; nothing else. (The hunk header
 * of an empty side reads {@code -1,0} where git prints {@code -0,0}: java-diff-utils' way; {@code git apply} takes both.)
 */
class LayeredDraftTest {
    private final Map<String, String> repository = new HashMap<>();
    private final LayeredDraft draft = new LayeredDraft(path -> Optional.ofNullable(repository.get(path)));

    @Test
    void aNewFileIsAnsweredAsNewWithEveryLineAdded() throws Exception {
        draft.write("NOTES.md", "one\ntwo\n");
        assertEquals(List.of(new FileChange("NOTES.md", ChangeStatus.NEW, null, "one\ntwo\n", """
                --- /dev/null
                +++ b/NOTES.md
                @@ -1,0 +1,2 @@
                +one
                +two
                """)), draft.changes());
        assertEquals(Optional.of("one\ntwo\n"), draft.read("NOTES.md"), "the step after reads what this one wrote");
    }

    @Test
    void aChangedFileIsAnsweredWithBeforeAfterAndOnlyThreeLinesOfContext() throws Exception {
        repository.put("values.yaml", "a: 1\nb: 2\nc: 3\nd: 4\ne: 5\nf: 6\ng: 7\nh: 8\n");
        draft.write("values.yaml", draft.read("values.yaml").orElseThrow().replace("e: 5", "e: 50"));
        assertEquals(List.of(new FileChange("values.yaml", ChangeStatus.MODIFIED, "a: 1\nb: 2\nc: 3\nd: 4\ne: 5\nf: 6\ng: 7\nh: 8\n",
                                            "a: 1\nb: 2\nc: 3\nd: 4\ne: 50\nf: 6\ng: 7\nh: 8\n", """
                --- a/values.yaml
                +++ b/values.yaml
                @@ -2,7 +2,7 @@
                 b: 2
                 c: 3
                 d: 4
                -e: 5
                +e: 50
                 f: 6
                 g: 7
                 h: 8
                """)), draft.changes());
    }

    @Test
    void aDeletedFileIsAnsweredAsDeletedWithEveryLineRemoved() throws Exception {
        repository.put("OLD.md", "gone\n");
        draft.delete("OLD.md");
        assertEquals(List.of(new FileChange("OLD.md", ChangeStatus.DELETED, "gone\n", null, """
                --- a/OLD.md
                +++ /dev/null
                @@ -1,1 +1,0 @@
                -gone
                """)), draft.changes());
        assertEquals(Optional.empty(), draft.read("OLD.md"), "a later step finds it gone");
    }

    @Test
    void writingWhatWasThereOrDeletingWhatWasNotIsNoChange() throws Exception {
        repository.put("same.md", "same\n");
        draft.write("same.md", "same\n");
        draft.delete("absent.md");
        draft.write("back.md", "for a moment\n");
        draft.delete("back.md");
        assertEquals(List.of(), draft.changes());
    }

    @Test
    void eachStepIsComparedWithHowTheFilesStoodWhenItBegan() throws Exception {
        repository.put("chart.yaml", "version: 1\n");
        // Step 1 bumps the chart and adds a file.
        draft.write("chart.yaml", "version: 2\n");
        draft.write("chart.yaml", "version: 3\n"); // written twice: one change, from where the step began
        draft.write("NEW.md", "new\n");
        List<FileChange> first = draft.changes();
        assertEquals(List.of("NEW.md", "chart.yaml"), first.stream().map(FileChange::path).toList(), "by path");
        assertEquals("version: 1\n", first.get(1).before());
        assertEquals("version: 3\n", first.get(1).after());

        // Step 2 reads step 1's chart, and removes the file step 1 added.
        draft.write("chart.yaml", draft.read("chart.yaml").orElseThrow() + "appVersion: 3\n");
        draft.delete("NEW.md");
        assertEquals(List.of(new FileChange("NEW.md", ChangeStatus.DELETED, "new\n", null, """
                                     --- a/NEW.md
                                     +++ /dev/null
                                     @@ -1,1 +1,0 @@
                                     -new
                                     """),
                             new FileChange("chart.yaml", ChangeStatus.MODIFIED, "version: 3\n", "version: 3\nappVersion: 3\n", """
                                     --- a/chart.yaml
                                     +++ b/chart.yaml
                                     @@ -1,1 +1,2 @@
                                      version: 3
                                     +appVersion: 3
                                     """)), draft.changes());

        // Step 3 touches nothing: it changes nothing, whatever the steps before it did.
        assertEquals(List.of(), draft.changes());
        assertEquals("version: 1\n", repository.get("chart.yaml"), "nothing is written to the source");
    }

    @Test
    void aFileTheSourceCannotReadFailsTheStepNamingThePath() {
        LayeredDraft broken = new LayeredDraft(path -> {
            throw new IOException("clone failed");
        });
        IllegalStateException failed = assertThrows(IllegalStateException.class, () -> broken.write("chart.yaml", "x"));
        assertEquals("cannot read chart.yaml from the candidate's source: clone failed", failed.getMessage());
    }

    @Test
    void actionsBelongToTheStepThatPlannedThem() {
        draft.action("role billing_2", "create", null);
        draft.action("Secret billing-db", "update", "keys username, password");
        assertEquals(List.of(new PlannedAction("role billing_2", "create", ""),
                             new PlannedAction("Secret billing-db", "update", "keys username, password")), draft.actions());
        assertEquals(List.of(), draft.actions(), "the next step planned none");
        assertThrows(NullPointerException.class, () -> draft.action(null, "create", ""));
        assertThrows(NullPointerException.class, () -> draft.action("role x", null, ""));
        assertThrows(NullPointerException.class, () -> draft.write("a.md", null));
    }

    @Test
    void aFileEmptiedOrFilledFromEmptyShowsItsLines() {
        assertEquals("""
                --- a/empty.md
                +++ b/empty.md
                @@ -1,0 +1,1 @@
                +now
                """, Diffs.unified("empty.md", "", "now\n"));
        assertEquals("", Diffs.unified("same.md", "x\n", "x\n"), "no change, no diff");
        assertTrue(Diffs.unified("x.md", "a\n", "b").contains("-a\n+b\n"));
    }
}
