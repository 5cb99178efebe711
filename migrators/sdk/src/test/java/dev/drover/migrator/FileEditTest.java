package dev.drover.migrator;

import dev.drover.contract.run.CallbackStatus;
import dev.drover.contract.run.StepEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The SDK's ready-made handler for one file per candidate folder, and the file sources dry-runs read. */
class FileEditTest {
    @TempDir
    Path root;

    private static StepContext step(String candidate) {
        return new StepContext("m", "run-1", new StepEvent.StepRef("greet", "greet", Map.of()),
                               new StepEvent.CandidateRef(candidate, "folder", Map.of(), List.of()), Map.of());
    }

    @Test
    void aStepRewritesTheCandidatesFileInItsFolderAndSaysWhichFile() throws Exception {
        FileEdit edit = new FileEdit(root, "HELLO.md", (step, text) -> text.orElse("") + "hello " + step.candidate().id() + "\n");
        Files.createDirectories(root.resolve("alpha"));

        StepResult first = edit.execute(step("alpha"));
        edit.execute(step("alpha"));

        assertEquals(CallbackStatus.SUCCEEDED, first.status());
        assertEquals(Map.of("file", "HELLO.md"), first.metadata());
        assertEquals("greet: HELLO.md written", first.message());
        assertEquals("hello alpha\nhello alpha\n", Files.readString(root.resolve("alpha/HELLO.md")), "the rewrite sees the file as it is");
        assertThrows(IllegalArgumentException.class, () -> edit.execute(step("..")), "never outside the workspace");
    }

    @Test
    void aDryRunWritesTheDraftNotTheFile() throws Exception {
        FileEdit edit = new FileEdit(root, "HELLO.md", (step, text) -> text.orElse("(new)") + " edited");
        Map<String, String> written = new java.util.HashMap<>();
        edit.simulate(step("alpha"), new Draft() {
            @Override
            public Optional<String> read(String path) {
                return Optional.ofNullable(written.get(path));
            }

            @Override
            public void write(String path, String content) {
                written.put(path, content);
            }

            @Override
            public void delete(String path) {
                written.remove(path);
            }
        });
        assertEquals(Map.of("HELLO.md", "(new) edited"), written);
        assertEquals(false, Files.exists(root.resolve("alpha/HELLO.md")));
    }

    @Test
    void folderSourcesReadTheCandidatesFolderAndNoneReadsNothing() throws Exception {
        Files.createDirectories(root.resolve("alpha"));
        Files.writeString(root.resolve("alpha/HELLO.md"), "hi\n");
        StepEvent.CandidateRef alpha = new StepEvent.CandidateRef("alpha", "folder", Map.of(), List.of());

        assertEquals(Optional.of("hi\n"), FileSources.folders(root).open(alpha).read("HELLO.md"));
        assertEquals(Optional.empty(), FileSources.folders(root).open(alpha).read("MISSING.md"));
        assertThrows(IllegalArgumentException.class, () -> FileSources.folders(root).open(alpha).read("../beta/HELLO.md"));
        assertEquals(Optional.empty(), FileSources.none().open(alpha).read("HELLO.md"));
    }
}
