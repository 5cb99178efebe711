package dev.drover.functions;

import dev.drover.contract.model.DiscoveredCandidate;
import dev.drover.contract.model.FileGroup;
import dev.drover.contract.model.FileRef;
import dev.drover.contract.model.Input;
import dev.drover.contract.model.Migration;
import dev.drover.contract.model.Step;

import java.util.List;
import java.util.Map;

/** Migrations and candidates shaped like a Helm chart upgrade, the seed's reference migration. */
final class Fixtures {
    /** The migrator app that owns the migrations tests store directly. */
    static final String OWNER = "app-chart-migrator";

    private Fixtures() {
    }

    static Migration migration(String id) {
        return new Migration(id, "Upgrade the service chart", "Moves every app to service-chart 3.x",
                             List.of("Bump", "Merge", "Verify"),
                             List.of(new Step("bump-chart", "Bump the chart", "app-chart-migrator", "bump-chart",
                                              Map.of("targetVersion", "3.0.0")),
                                     new Step("await-merge", "", "app-chart-migrator", "await-merge", Map.of())),
                             List.of(new Input("target-version", "Target version", "")));
    }

    static DiscoveredCandidate candidate(String id, Map<String, String> metadata) {
        return new DiscoveredCandidate(id, "application", metadata,
                                       List.of(new FileGroup("production", "https://git.example/gitops",
                                                             List.of(new FileRef("apps/" + id + "/values.yaml", "")))),
                                       List.of());
    }

    static DiscoveredCandidate candidate(String id, String kind, Map<String, String> metadata, List<FileGroup> files,
                                         List<Step> steps) {
        return new DiscoveredCandidate(id, kind, metadata, files, steps);
    }
}
