package dev.drover.migrators.appchart;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DemoGitOpsRepoTest {
    @TempDir
    Path dir;

    @Test
    void seedsABareRepositoryOnceAndKeepsItAcrossRestarts() throws Exception {
        Path bare = DemoGitOpsRepo.seed(dir);
        var tip = GitFixture.tip(bare, "main");
        GitFixture.commit(bare, "work done in the demo", "README.md", "changed\n");
        var changed = GitFixture.tip(bare, "main");

        assertEquals(bare, DemoGitOpsRepo.seed(dir));

        assertEquals(changed, GitFixture.tip(bare, "main"), "a second seed keeps the repository's state");
        assertTrue(!tip.equals(changed));
    }

    @Test
    void holdsArgoApplicationsAndCommentedValuesForSeveralTeamsAndEnvironments() throws Exception {
        Path bare = DemoGitOpsRepo.seed(dir);
        String manifest = GitFixture.read(bare, "main", "apps/staging/ledger.yaml");
        String values = GitFixture.read(bare, "main", "values/ledger/staging.yaml");

        assertTrue(manifest.contains("apiVersion: argoproj.io/v1alpha1\nkind: Application\n"), manifest);
        assertTrue(values.contains("# set by the release pipeline; do not edit by hand"), values);
        YamlDocument doc = YamlDocument.parse("apps/staging/ledger.yaml", manifest);
        ArgoApplication app = ArgoApplication.read(doc, DemoGitOpsRepo.CHART).orElseThrow();
        assertEquals(List.of("values/ledger/common.yaml", "values/ledger/staging.yaml"), app.valueFiles());
        assertEquals("payments", app.team());
        Map<String, Long> teams = DemoGitOpsRepo.apps().stream()
                .collect(java.util.stream.Collectors.groupingBy(DemoGitOpsRepo.App::team, java.util.stream.Collectors.counting()));
        assertEquals(6, teams.size());
    }
}
