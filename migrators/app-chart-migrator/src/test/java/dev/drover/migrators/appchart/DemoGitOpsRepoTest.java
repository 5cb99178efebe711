package dev.drover.migrators.appchart;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

    /** What the class promises: 36 apps of six teams over three environments, a few on another chart, every fifth
     *  already upgraded, every seventh half-way, comments in every values file. */
    @Test
    void everyAppIsInEveryEnvironmentAtTheVersionAndKeysItsPlaceInTheFleetSays() throws Exception {
        Path bare = DemoGitOpsRepo.seed(dir);
        List<String> otherChart = new ArrayList<>();
        int upgraded = 0;
        int halfway = 0;
        for (DemoGitOpsRepo.App app : DemoGitOpsRepo.apps()) {
            String common = GitFixture.read(bare, "main", "values/" + app.name() + "/common.yaml");
            assertTrue(common != null && common.startsWith("# ")
                               && common.contains("repository: registry.example.com/" + app.team() + "/" + app.name() + "\n"),
                       app.name() + "'s common values: " + common);
            Map<String, String> versions = new java.util.TreeMap<>();
            for (String env : DemoGitOpsRepo.ENVIRONMENTS) {
                YamlDocument manifest = YamlDocument.parse("m.yaml", GitFixture.read(bare, "main", "apps/" + env + "/" + app.name() + ".yaml"));
                Optional<ArgoApplication> ours = ArgoApplication.read(manifest, DemoGitOpsRepo.CHART);
                if (ours.isEmpty()) {
                    String other = ArgoApplication.read(manifest, DemoGitOpsRepo.OTHER_CHART).orElseThrow().version().text();
                    assertTrue(other.matches("0\\.[3-6]\\.0"), app.name() + " is on " + DemoGitOpsRepo.OTHER_CHART + " " + other);
                    continue;
                }
                versions.put(env, ours.get().version().text());
                String values = GitFixture.read(bare, "main", "values/" + app.name() + "/" + env + ".yaml");
                boolean onTarget = ours.get().version().text().equals(DemoGitOpsRepo.TARGET);
                assertEquals(onTarget, values.contains("  version: \"") && values.contains("  httpPort: "), app.name() + " in " + env + ": " + values);
                assertEquals(!onTarget, values.contains("  tag: \"") && values.contains("  port: "), app.name() + " in " + env + ": " + values);
                assertTrue(values.startsWith("# "), values);
                Matcher image = Pattern.compile("\"2026\\.(\\d+)\\.(\\d+)\"").matcher(values);
                assertTrue(image.find(), values);
                assertTrue(Integer.parseInt(image.group(1)) >= 1 && Integer.parseInt(image.group(1)) <= 12, values);
                assertTrue(Integer.parseInt(image.group(2)) >= 1 && Integer.parseInt(image.group(2)) <= 28, values);
                Matcher port = Pattern.compile("[pP]ort: (\\d+)").matcher(values);
                assertTrue(port.find() && Integer.parseInt(port.group(1)) >= 8080 && Integer.parseInt(port.group(1)) <= 8082, values);
                Matcher replicas = Pattern.compile("replicaCount: (\\d+)").matcher(values);
                assertTrue(replicas.find(), values);
                int count = Integer.parseInt(replicas.group(1));
                assertTrue(switch (env) {
                    case "prod" -> count >= 3 && count <= 5;
                    case "staging" -> count == 2;
                    default -> count == 1;
                }, app.name() + " in " + env + " has " + count + " replicas");
            }
            if (versions.isEmpty()) {
                otherChart.add(app.name());
            } else if (versions.values().stream().allMatch(DemoGitOpsRepo.TARGET::equals)) {
                upgraded++;
            } else if (DemoGitOpsRepo.TARGET.equals(versions.get("dev"))) {
                halfway++;
                assertTrue(!DemoGitOpsRepo.TARGET.equals(versions.get("prod")), app.name());
            } else {
                assertEquals(1, new java.util.HashSet<>(versions.values()).size(), app.name() + " is on one old version: " + versions);
            }
        }
        assertEquals(List.of("synonyms", "config-api", "etl-api"), otherChart, "a few apps use another chart");
        assertEquals(7, upgraded, "every fifth app of ours is on the target already");
        assertEquals(3, halfway, "every seventh app not upgraded is half-way");
    }

    @Test
    void seedingLeavesNoWorkingCopyBehind() throws Exception {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        List<Path> before = seedCopies(tmp);
        DemoGitOpsRepo.seed(dir);
        assertEquals(before, seedCopies(tmp));
    }

    private static List<Path> seedCopies(Path tmp) throws Exception {
        try (var files = Files.list(tmp)) {
            return files.filter(f -> f.getFileName().toString().startsWith("drover-demo-seed-")).sorted().toList();
        }
    }
}
