package dev.drover.migrators.appchart;

import dev.drover.contract.model.DiscoveredCandidate;
import dev.drover.contract.model.FileGroup;
import dev.drover.contract.model.FileRef;
import dev.drover.contract.run.CallbackStatus;
import dev.drover.migrator.StepResult;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.transport.RefSpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.drover.migrators.appchart.GitFixture.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Paths reach the steps from the platform's step event (a candidate's files, its metadata with the operator's
 * inputs applied over it) and from the repository itself (a manifest's values files, symlinks committed to it):
 * none of them may lead a read or a write out of the step's clone, or into its {@code .git}.
 */
class PathConfinementTest {
    private static final String APPLICATION = """
            apiVersion: argoproj.io/v1alpha1
            kind: Application
            metadata:
              name: leak
            spec:
              source:
                chart: web-service
                targetRevision: 1.0.0
            """;

    @TempDir
    Path dir;
    LocalGitHost host;
    DiscoveredCandidate checkout;
    Path outside;

    @BeforeEach
    void seed() throws Exception {
        host = GitFixture.demoHost(dir);
        checkout = GitFixture.candidate(new ChartDiscovery(host, GitFixture.demoUpgrade(), "apps").discover(), "checkout");
        outside = dir.resolve("outside.yaml");
        Files.writeString(outside, "image:\n  tag: \"1.0\"\nservice:\n  port: 8080\n");
    }

    private static DiscoveredCandidate withFiles(DiscoveredCandidate candidate, String... paths) {
        List<FileRef> files = java.util.Arrays.stream(paths).map(p -> new FileRef(p, "")).toList();
        return new DiscoveredCandidate(candidate.id(), candidate.kind(), candidate.metadata(),
                                       List.of(new FileGroup("prod", "", files)), List.of());
    }

    private void assertRefusedEverywhere(DiscoveredCandidate candidate, String why) throws Exception {
        Map<String, StepResult> results = Map.of(
                "bump", new BumpChartStep(host, GitFixture.AUTHOR).execute(step(BumpChartStep.TYPE, candidate)),
                "await", new AwaitMergeStep(host).execute(step(AwaitMergeStep.TYPE, candidate)),
                "verify", new VerifyStep(host).execute(step(VerifyStep.TYPE, candidate)));
        results.forEach((name, result) -> {
            assertEquals(CallbackStatus.FAILED, result.status(), name + ": " + result.message());
            assertTrue(result.message().contains("refused: " + why), name + ": " + result.message());
        });
        assertEquals(List.of("main"), GitFixture.branches(host.repository()), "nothing was pushed");
        assertEquals("image:\n  tag: \"1.0\"\nservice:\n  port: 8080\n", Files.readString(outside), "nothing outside was written");
    }

    @Test
    void aCandidateFileOutsideTheCloneOrInsideGitIsRefused() throws Exception {
        String climbing = "../".repeat(12) + outside.toString().substring(1);
        Map<String, String> paths = Map.of(climbing, "it climbs out", outside.toString(), "it is absolute",
                                           "values/../../outside.yaml", "it climbs out", ".git/config", "it names git's own files",
                                           "values/.git/x.yaml", "it names git's own files");
        for (var path : paths.entrySet()) {
            assertRefusedEverywhere(withFiles(checkout, "apps/prod/checkout.yaml", path.getKey()), path.getValue());
        }
    }

    @Test
    void aValuesFileSymlinkedOutOfTheRepositoryIsNeitherReadNorWritten() throws Exception {
        commitSymlink("values/checkout/prod.yaml", outside);
        assertRefusedEverywhere(checkout, "a symlink leads out");
    }

    @Test
    void aManifestSymlinkedOutOfTheRepositoryIsNotDiscovered() throws Exception {
        Files.writeString(outside, APPLICATION);
        commitSymlink("apps/prod/leak.yaml", outside);
        List<DiscoveredCandidate> found = new ChartDiscovery(host, GitFixture.demoUpgrade(), "apps").discover();
        assertFalse(found.stream().anyMatch(c -> c.id().equals("leak")), "a symlink is not one of the repository's manifests");
        assertTrue(found.stream().anyMatch(c -> c.id().equals("checkout")));
    }

    @Test
    void inputsAppliedOverMetadataNameNoPath() throws Exception {
        // The operator's inputs reach the candidate's metadata; app-chart-migrator takes no path from either.
        Map<String, String> inputs = Map.of("repoPath", "../../../etc/*.yaml", "app", "../outside", "repo", outside.toString());
        StepResult bumped = new BumpChartStep(host, GitFixture.AUTHOR).execute(step(BumpChartStep.TYPE, checkout, inputs));
        assertEquals(CallbackStatus.SUCCEEDED, bumped.status(), bumped.message());
        assertEquals("drover/app-chart-upgrade/checkout", bumped.metadata().get("branch"));
        assertEquals("image:\n  tag: \"1.0\"\nservice:\n  port: 8080\n", Files.readString(outside));
    }

    /** Someone commits a symlink at {@code path} on main, pointing at {@code target} on the migrator's disk. */
    private void commitSymlink(String path, Path target) throws Exception {
        Path work = Files.createTempDirectory(dir, "edit-");
        try (Git git = Git.cloneRepository().setURI(host.repository().toString()).setDirectory(work.toFile()).setBranch("main").call()) {
            Path link = work.resolve(path);
            Files.createDirectories(link.getParent());
            Files.deleteIfExists(link);
            Files.createSymbolicLink(link, target);
            git.add().addFilepattern(path).call();
            git.commit().setMessage("a symlink").setAuthor(GitFixture.AUTHOR).setCommitter(GitFixture.AUTHOR).call();
            git.push().setRefSpecs(new RefSpec("refs/heads/main:refs/heads/main")).call();
        }
    }
}
