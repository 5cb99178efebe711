package dev.drover.migrators.appchart;

import dev.drover.contract.model.FileGroup;
import dev.drover.contract.model.FileRef;
import dev.drover.contract.run.StepEvent;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The plan alone, on files in memory: which files change, and how. */
class ChartBumpTest {
    private static final String SINGLE_SOURCE = """
            apiVersion: argoproj.io/v1alpha1
            kind: Application
            metadata:
              name: search-prod
            spec:
              source:
                repoURL: https://charts.example.com
                chart: web-service
                targetRevision: "%s"   # quoted on purpose
                helm:
                  valueFiles: [values/search/prod.yaml]
            """;

    private final ChartBump bump = new ChartBump(ChartUpgrade.of("web-service", "2.0.0", "image.tag=image.version"));

    @Test
    void bumpsASingleSourceApplicationKeepingTheQuotes() throws Exception {
        ChartBump.Plan plan = plan(Map.of("apps/prod/search.yaml", SINGLE_SOURCE.formatted("1.9.1"),
                                          "values/search/prod.yaml", "image:\n  tag: v1 # pinned\n"));

        assertEquals(Map.of("apps/prod/search.yaml", SINGLE_SOURCE.formatted("2.0.0"),
                            "values/search/prod.yaml", "image:\n  version: v1 # pinned\n"), plan.contents());
        assertEquals(List.of("apps/prod/search.yaml line 9: chart web-service 1.9.1 -> 2.0.0",
                             "values/search/prod.yaml line 2: renamed image.tag=image.version"), plan.edits());
    }

    @Test
    void neverDowngradesAndLeavesOtherChartsAlone() throws Exception {
        String newer = SINGLE_SOURCE.formatted("2.1.0");
        String otherChart = SINGLE_SOURCE.formatted("1.0.0").replace("chart: web-service", "chart: batch-worker");

        assertTrue(plan(Map.of("apps/prod/search.yaml", newer)).isEmpty());
        assertTrue(plan(Map.of("apps/prod/search.yaml", otherChart)).isEmpty());
    }

    @Test
    void aPreReleaseTargetUpgradesTheEarlierPreReleasesAndOnlyThem() throws Exception {
        ChartBump toRc = new ChartBump(ChartUpgrade.of("web-service", "2.0.0-rc.1", ""));

        ChartBump.Plan fromBeta = plan(toRc, Map.of("apps/prod/search.yaml", SINGLE_SOURCE.formatted("2.0.0-beta.2")));

        assertEquals(Map.of("apps/prod/search.yaml", SINGLE_SOURCE.formatted("2.0.0-rc.1")), fromBeta.contents());
        assertEquals(List.of("apps/prod/search.yaml line 9: chart web-service 2.0.0-beta.2 -> 2.0.0-rc.1"), fromBeta.edits());
        assertTrue(plan(toRc, Map.of("apps/prod/search.yaml", SINGLE_SOURCE.formatted("2.0.0-rc.1.1"))).isEmpty(), "rc.1.1 is past rc.1");
        assertTrue(plan(toRc, Map.of("apps/prod/search.yaml", SINGLE_SOURCE.formatted("2.0.0"))).isEmpty(), "the release is past its rc");
    }

    private ChartBump.Plan plan(Map<String, String> files) throws Exception {
        return plan(bump, files);
    }

    private static ChartBump.Plan plan(ChartBump bump, Map<String, String> files) throws Exception {
        List<FileRef> refs = files.keySet().stream().sorted().map(p -> new FileRef(p, "")).toList();
        var candidate = new StepEvent.CandidateRef("search", "application", Map.of(), List.of(new FileGroup("prod", "", refs)));
        return bump.plan(candidate, path -> Optional.ofNullable(files.get(path)));
    }
}
