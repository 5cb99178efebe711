package dev.drover.migrators.appchart;

import dev.drover.contract.model.DiscoveredCandidate;
import dev.drover.contract.model.FileGroup;
import dev.drover.contract.model.FileRef;
import dev.drover.migrator.StepResult;
import dev.drover.contract.run.CallbackStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static dev.drover.migrators.appchart.GitFixture.candidate;
import static dev.drover.migrators.appchart.GitFixture.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChartDiscoveryTest {
    @TempDir
    Path dir;

    @Test
    void findsEveryAppOnTheChartBelowTheTargetOneCandidatePerApp() throws Exception {
        LocalGitHost host = GitFixture.demoHost(dir);

        List<DiscoveredCandidate> found = new ChartDiscovery(host, GitFixture.demoUpgrade(), "apps").discover();

        // the demo has 36 apps: 3 on another chart, 7 already on 2.0.0 everywhere, so 26 need work
        assertEquals(26, found.size());
        List<String> ids = found.stream().map(DiscoveredCandidate::id).toList();
        assertTrue(ids.contains("checkout"));
        assertFalse(ids.contains("payouts"), "already on 2.0.0 in every environment");
        assertFalse(ids.contains("synonyms"), "uses chart batch-worker");

        DiscoveredCandidate checkout = candidate(found, "checkout");
        assertEquals("application", checkout.kind());
        assertEquals("payments", checkout.metadata().get("team"));
        assertEquals("web-service", checkout.metadata().get("chart"));
        assertEquals("1.2.0", checkout.metadata().get("currentVersion"));
        assertEquals("2.0.0", checkout.metadata().get("targetVersion"));
        assertEquals("apps/*/checkout.yaml", checkout.metadata().get("repoPath"));
        assertEquals(List.of("dev", "prod", "staging"), checkout.files().stream().map(FileGroup::name).toList());
        FileGroup prod = checkout.files().get(1);
        assertEquals(host.repository().toString(), prod.repo());
        assertEquals(List.of("apps/prod/checkout.yaml", "values/checkout/common.yaml", "values/checkout/prod.yaml"),
                     prod.files().stream().map(FileRef::path).toList());
    }

    @Test
    void anAppHalfWayThereIsACandidateWithItsVersionPerEnvironment() throws Exception {
        List<DiscoveredCandidate> found = new ChartDiscovery(GitFixture.demoHost(dir), GitFixture.demoUpgrade(), "apps").discover();

        DiscoveredCandidate invoices = candidate(found, "invoices"); // dev already upgraded, staging and prod not
        assertEquals("dev=2.0.0,prod=1.10.0,staging=1.10.0", invoices.metadata().get("versions"));
        assertEquals("1.10.0", invoices.metadata().get("currentVersion"));
    }

    @Test
    void rediscoveryKeepsAnAppWhoseChangeIsOpenAndDropsItOnceMerged() throws Exception {
        LocalGitHost host = GitFixture.demoHost(dir);
        ChartDiscovery discovery = new ChartDiscovery(host, GitFixture.demoUpgrade(), "apps");
        DiscoveredCandidate checkout = candidate(discovery.discover(), "checkout");

        StepResult bumped = new BumpChartStep(host, GitFixture.AUTHOR).execute(step(BumpChartStep.TYPE, checkout));
        assertEquals(CallbackStatus.SUCCEEDED, bumped.status(), bumped.message());
        List<DiscoveredCandidate> whileOpen = discovery.discover();
        assertEquals(26, whileOpen.size());
        assertEquals(checkout, candidate(whileOpen, "checkout"), "same candidate: the platform's merge sees it unchanged");

        host.mergeBranch(Branches.forCandidate(GitFixture.MIGRATION, "checkout"));
        List<DiscoveredCandidate> afterMerge = discovery.discover();

        assertEquals(25, afterMerge.size());
        assertFalse(afterMerge.stream().anyMatch(c -> c.id().equals("checkout")));
    }

    @Test
    void aManifestThatDoesNotParseHidesOnlyItsOwnEnvironment() throws Exception {
        LocalGitHost host = GitFixture.demoHost(dir);
        GitFixture.commit(host.repository(), "break a manifest", "apps/prod/ledger.yaml", "spec: [unclosed\n");

        List<DiscoveredCandidate> found = new ChartDiscovery(host, GitFixture.demoUpgrade(), "apps").discover();

        assertEquals(26, found.size());
        assertEquals(List.of("dev", "staging"), candidate(found, "ledger").files().stream().map(FileGroup::name).toList());
    }

    @Test
    void aRepositoryThatCannotBeClonedFailsNamingItsUrl() {
        LocalGitHost host = new LocalGitHost(dir.resolve("missing.git"), "main", "");

        GitFailure e = assertThrows(GitFailure.class, () -> new ChartDiscovery(host, GitFixture.demoUpgrade(), "apps").discover());

        assertTrue(e.getMessage().startsWith("cannot clone " + dir.resolve("missing.git")), e.getMessage());
    }
}
