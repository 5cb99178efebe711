package dev.drover.migrators.appchart;

import dev.drover.contract.model.DiscoveredCandidate;
import dev.drover.contract.model.Step;
import dev.drover.contract.run.CallbackStatus;
import dev.drover.migrator.FileSource;
import dev.drover.migrator.StepHandler;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.drover.migrators.appchart.GitFixture.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DryRunTest {
    @TempDir
    Path dir;
    LocalGitHost host;
    AppChartMigrator migrator;
    DiscoveredCandidate checkout;

    @BeforeEach
    void seed() throws Exception {
        host = GitFixture.demoHost(dir);
        migrator = new AppChartMigrator(host, GitFixture.demoUpgrade(), "apps", GitFixture.AUTHOR);
        checkout = GitFixture.candidate(migrator.discovery().discover(), "checkout");
    }

    @Test
    void simulatingEveryStepInOrderWritesExactlyWhatTheBumpThenPushesAndPushesNothing() throws Exception {
        Map<String, Map<String, Optional<String>>> perStep = new LinkedHashMap<>();
        try (FileSource source = migrator.openFileSource()) {
            MapDraft draft = new MapDraft(source);
            for (Step s : migrator.migration().steps()) {
                StepHandler handler = migrator.handlers().get(s.type());
                Map<String, Optional<String>> before = new LinkedHashMap<>(draft.written());
                handler.simulate(step(s.type(), checkout), draft);
                Map<String, Optional<String>> changed = new LinkedHashMap<>(draft.written());
                changed.entrySet().removeIf(e -> e.getValue().equals(before.get(e.getKey())));
                perStep.put(s.name(), changed);
            }
        }

        assertEquals(List.of("main"), GitFixture.branches(host.repository()), "a dry-run pushes nothing");
        assertEquals(List.of("apps/dev/checkout.yaml", "values/checkout/dev.yaml", "apps/prod/checkout.yaml",
                             "values/checkout/prod.yaml", "apps/staging/checkout.yaml", "values/checkout/staging.yaml"),
                     List.copyOf(perStep.get("bump-chart").keySet()));
        assertEquals(Map.of(), perStep.get("await-merge"));
        assertEquals(Map.of(), perStep.get("verify"));

        assertEquals(CallbackStatus.SUCCEEDED, migrator.handlers().get(BumpChartStep.TYPE).execute(step(BumpChartStep.TYPE, checkout)).status());
        for (var e : perStep.get("bump-chart").entrySet()) {
            assertEquals(e.getValue().orElseThrow(), GitFixture.read(host.repository(), "drover/app-chart-upgrade/checkout", e.getKey()),
                         e.getKey() + ": the preview must be what the step does");
        }
    }

    @Test
    void aLaterStepSeesTheEarlierStepsOutput() throws Exception {
        try (FileSource source = migrator.openFileSource()) {
            MapDraft draft = new MapDraft(source);
            StepHandler bump = migrator.handlers().get(BumpChartStep.TYPE);
            bump.simulate(step(BumpChartStep.TYPE, checkout), draft);
            Map<String, Optional<String>> once = new LinkedHashMap<>(draft.written());

            bump.simulate(step(BumpChartStep.TYPE, checkout), draft); // on the stacked draft there is nothing left to bump

            assertEquals(once, draft.written());
            assertTrue(draft.read("apps/prod/checkout.yaml").orElseThrow().contains("targetRevision: 2.0.0 # chart version"));
        }
    }

    @Test
    void theFileSourceIsAFreshCloneOfMainRemovedOnClose() throws Exception {
        GitFixture.commit(host.repository(), "newer main", "values/checkout/prod.yaml", "replicaCount: 9\n");
        Path clone;
        try (GitFileSource source = GitFileSource.open(host.remote())) {
            assertEquals(Optional.of("replicaCount: 9\n"), source.read("values/checkout/prod.yaml"));
            assertEquals(Optional.empty(), source.read("values/checkout/nope.yaml"));
            // Not "absent" but refused: a path out of the clone is an attack or a bug, and the step says so.
            assertThrows(IllegalArgumentException.class, () -> source.read("../../etc/passwd"));
            clone = source.dir();
            assertTrue(Files.isDirectory(clone));
        }
        assertFalse(Files.exists(clone));
    }

    @Test
    void aValuesFileThatDoesNotParseFailsTheDryRunNamingIt() throws Exception {
        GitFixture.commit(host.repository(), "typo", "values/checkout/dev.yaml", "image:\n  tag: [\n");
        try (FileSource source = migrator.openFileSource()) {
            InvalidYaml e = assertThrows(InvalidYaml.class,
                    () -> migrator.handlers().get(BumpChartStep.TYPE).simulate(step(BumpChartStep.TYPE, checkout), new MapDraft(source)));
            assertTrue(e.getMessage().startsWith("values/checkout/dev.yaml line "), e.getMessage());
        }
    }
}
