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
import java.util.Map;
import java.util.Optional;

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
    void aConfiguredAppsFolderIsWhereAppsAreFoundAndOnlyItsEnvAppYamlFilesCount() throws Exception {
        LocalGitHost host = GitFixture.demoHost(dir);
        GitFixture.commit(host.repository(), "main", "apps in another folder", Map.of(
                "deploy/argocd/dev/orders.yaml", Optional.of(application("orders", "1.2.0", "")),
                "deploy/argocd/prod/orders.yaml", Optional.of(application("orders", "1.2.0", "billing")),
                "deploy/argocd/staging/orders.yml", Optional.of(application("orders", "1.9.1", "billing")),
                "deploy/argocd/prod/orders.yaml.bak", Optional.of(application("orders", "1.0.0", "billing")),
                "deploy/argocd/prod/old/legacy.yaml", Optional.of(application("legacy", "1.0.0", "billing")),
                "deploy/argocd/README.md", Optional.of("# one folder per environment\n")));

        // a trailing slash in the setting (DROVER_GITOPS_APPS_DIR=deploy/argocd/) means the same folder
        List<DiscoveredCandidate> found = new ChartDiscovery(host, GitFixture.demoUpgrade(), "deploy/argocd/").discover();

        assertEquals(List.of("orders"), found.stream().map(DiscoveredCandidate::id).toList(), "the demo's apps/ folder is not read");
        DiscoveredCandidate orders = found.getFirst();
        assertEquals(List.of("dev", "prod", "staging"), orders.files().stream().map(FileGroup::name).toList());
        assertEquals("deploy/argocd/staging/orders.yml", orders.files().get(2).files().getFirst().path());
        assertEquals("dev=1.2.0,prod=1.2.0,staging=1.9.1", orders.metadata().get("versions"));
        assertEquals("deploy/argocd/*/orders.yaml", orders.metadata().get("repoPath"));
        assertEquals("billing", orders.metadata().get("team"), "the team of an environment that names one, not dev's blank label");
    }

    @Test
    void withoutAConfiguredFolderAppsAreReadFromApps() throws Exception {
        LocalGitHost host = GitFixture.demoHost(dir);

        assertEquals(26, new ChartDiscovery(host, GitFixture.demoUpgrade(), null).discover().size());
        assertEquals(26, new ChartDiscovery(host, GitFixture.demoUpgrade(), " ").discover().size());
    }

    @Test
    void anAppWithoutATeamLabelAnywhereBelongsToTeamUnknown() throws Exception {
        LocalGitHost host = GitFixture.demoHost(dir);
        GitFixture.commit(host.repository(), "an unlabelled app", "apps/prod/orphan.yaml", application("orphan", "1.2.0", ""));

        DiscoveredCandidate orphan = candidate(new ChartDiscovery(host, GitFixture.demoUpgrade(), "apps").discover(), "orphan");

        assertEquals("unknown", orphan.metadata().get("team"));
    }

    /** A single-source Argo CD Application of chart web-service; a blank team leaves the label out. */
    private static String application(String app, String version, String team) {
        return """
                apiVersion: argoproj.io/v1alpha1
                kind: Application
                metadata:
                  name: %s
                %s
                spec:
                  source:
                    repoURL: https://charts.example.com
                    chart: web-service
                    targetRevision: %s
                """.formatted(app, team.isEmpty() ? "" : "  labels:\n    team: " + team, version);
    }

    @Test
    void aRepositoryThatCannotBeClonedFailsNamingItsUrl() {
        LocalGitHost host = new LocalGitHost(dir.resolve("missing.git"), "main", "");

        GitFailure e = assertThrows(GitFailure.class, () -> new ChartDiscovery(host, GitFixture.demoUpgrade(), "apps").discover());

        assertTrue(e.getMessage().startsWith("cannot clone " + dir.resolve("missing.git")), e.getMessage());
    }
}
