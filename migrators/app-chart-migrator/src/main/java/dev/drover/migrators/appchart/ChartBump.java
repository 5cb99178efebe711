package dev.drover.migrators.appchart;

import dev.drover.contract.model.FileGroup;
import dev.drover.contract.model.FileRef;
import dev.drover.contract.run.StepEvent;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The change itself, with no git in it: given a candidate's files as they stand, the new content of the
 * ones that must change. The bump step commits it, its dry-run writes it into a draft, and verify calls
 * it on main expecting nothing left to do, so the three cannot drift apart.
 */
public final class ChartBump {
    private final ChartUpgrade upgrade;

    public ChartBump(ChartUpgrade upgrade) {
        this.upgrade = upgrade;
    }

    /**
     * @param contents path → new content, only for files that change, in the candidate's file order
     * @param edits    one line per edit, naming file and line, for step messages and commit bodies
     */
    public record Plan(Map<String, String> contents, List<String> edits) {
        public boolean isEmpty() {
            return contents.isEmpty();
        }
    }

    /** Plans the change for {@code candidate}'s files (its Application manifests and their values files). */
    public Plan plan(StepEvent.CandidateRef candidate, FileReader files) throws Exception {
        Map<String, String> contents = new LinkedHashMap<>();
        List<String> edits = new ArrayList<>();
        for (String path : paths(candidate)) {
            Optional<String> text;
            try {
                text = files.read(path);
            } catch (IllegalArgumentException e) {
                // A path out of the repository (a candidate's file, a manifest's values file): the step fails, naming it.
                throw new InvalidYaml(e.getMessage() + " (a file of candidate " + candidate.id() + ")");
            }
            if (text.isEmpty()) {
                throw new InvalidYaml(path + ": listed for candidate " + candidate.id()
                                              + " but not found in the repository; re-run discovery to refresh the candidate's files");
            }
            YamlDocument doc = YamlDocument.parse(path, text.get());
            YamlDocument edited = ArgoApplication.isApplication(doc) ? bump(doc, edits) : rename(doc, edits);
            if (!edited.text().equals(doc.text())) {
                contents.put(path, edited.text());
            }
        }
        return new Plan(contents, edits);
    }

    private YamlDocument bump(YamlDocument doc, List<String> edits) throws InvalidYaml {
        Optional<ArgoApplication> app = ArgoApplication.read(doc, upgrade.chart());
        if (app.isEmpty() || !app.get().version().isBelow(upgrade.target())) {
            return doc;
        }
        edits.add(doc.path() + " line " + YamlDocument.line(app.get().versionNode()) + ": chart " + upgrade.chart()
                          + " " + app.get().version() + " -> " + upgrade.target());
        return doc.replace(app.get().versionNode(), upgrade.target().text());
    }

    private YamlDocument rename(YamlDocument doc, List<String> edits) throws InvalidYaml {
        YamlDocument current = doc;
        for (KeyRename rename : upgrade.renames()) {
            YamlDocument next = current.renameKey(rename.from(), rename.to());
            if (!next.text().equals(current.text())) {
                int line = current.root().flatMap(r -> YamlDocument.find(r, rename.from().subList(0, rename.from().size() - 1)))
                        .flatMap(parent -> YamlDocument.entry(parent, rename.from().getLast()))
                        .map(t -> YamlDocument.line(t.getKeyNode())).orElse(0);
                edits.add(doc.path() + " line " + line + ": renamed " + rename);
            }
            current = next;
        }
        return current;
    }

    /** Every file of the candidate once, in group order (a values file shared by environments appears once). */
    static List<String> paths(StepEvent.CandidateRef candidate) {
        Set<String> paths = new LinkedHashSet<>();
        for (FileGroup group : candidate.files()) {
            for (FileRef file : group.files()) {
                paths.add(file.path());
            }
        }
        return List.copyOf(paths);
    }
}
