package dev.drover.contract.model;

import java.util.List;
import java.util.Map;

/**
 * A candidate as a migrator's discovery submits it. The platform keeps metadata opaque; {@code steps}
 * overrides the migration's steps for this candidate only when it is not empty.
 */
public record DiscoveredCandidate(String id,
                                  String kind,
                                  Map<String, String> metadata,
                                  List<FileGroup> files,
                                  List<Step> steps) {
    public DiscoveredCandidate {
        Check.slug("id", id);
        kind = Check.optionalText("kind", kind, Check.NAME_MAX);
        metadata = Check.metadata("metadata", metadata);
        files = Check.list("files", files, Check.LIST_MAX);
        steps = Check.list("steps", steps, Check.LIST_MAX);
        Check.unique("steps", steps.stream().map(Step::name).toList());
    }
}
