package dev.drover.migrators.appchart;

import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The parts of an Argo CD Application manifest ({@code argoproj.io/v1alpha1}, kind {@code Application})
 * this migrator reads: the Helm source that installs a chart, its version ({@code targetRevision}) and
 * its values files. The source is {@code spec.source}, or the entry of {@code spec.sources} that names a
 * {@code chart} (Argo CD's multi-source form, where values files in this repository are written
 * {@code $<ref>/path}; the {@code $<ref>/} prefix is dropped to get the repository path).
 *
 * @param versionNode the {@code targetRevision} scalar, for an in-place edit
 */
public record ArgoApplication(String path,
                              String name,
                              String team,
                              String chart,
                              ChartVersion version,
                              List<String> valueFiles,
                              ScalarNode versionNode) {
    public static final String TEAM_LABEL = "team";

    /** Whether {@code doc} is an Argo CD Application at all (any other YAML is not this migrator's). */
    public static boolean isApplication(YamlDocument doc) {
        return doc.root().map(root -> YamlDocument.string(root, List.of("kind")).orElse("").equals("Application")
                && YamlDocument.string(root, List.of("apiVersion")).orElse("").startsWith("argoproj.io/")).orElse(false);
    }

    /** The Application's Helm source installing {@code chart}, or empty when it does not use that chart. */
    public static Optional<ArgoApplication> read(YamlDocument doc, String chart) throws InvalidYaml {
        if (!isApplication(doc)) {
            return Optional.empty();
        }
        Node root = doc.root().orElseThrow();
        Optional<Node> source = chartSource(root, chart);
        if (source.isEmpty()) {
            return Optional.empty();
        }
        Node src = source.get();
        Node revision = YamlDocument.find(src, List.of("targetRevision")).orElse(null);
        if (!(revision instanceof ScalarNode versionNode)) {
            throw new InvalidYaml(doc.path() + " line " + YamlDocument.line(src)
                                          + ": the source of chart '" + chart + "' has no targetRevision (the chart version)");
        }
        ChartVersion version;
        try {
            version = ChartVersion.parse(versionNode.getValue());
        } catch (IllegalArgumentException e) {
            throw new InvalidYaml(doc.path() + " line " + YamlDocument.line(versionNode) + ": targetRevision " + e.getMessage());
        }
        List<String> valueFiles = new ArrayList<>();
        for (Node file : YamlDocument.sequence(src, List.of("helm", "valueFiles"))) {
            if (file instanceof ScalarNode s) {
                valueFiles.add(repositoryPath(s.getValue()));
            }
        }
        String name = YamlDocument.string(root, List.of("metadata", "name")).orElse("");
        String team = YamlDocument.string(root, List.of("metadata", "labels", TEAM_LABEL)).orElse("");
        return Optional.of(new ArgoApplication(doc.path(), name, team, chart, version, List.copyOf(valueFiles), versionNode));
    }

    private static Optional<Node> chartSource(Node root, String chart) {
        Optional<Node> single = YamlDocument.find(root, List.of("spec", "source"));
        if (single.isPresent() && chart.equals(YamlDocument.string(single.get(), List.of("chart")).orElse(null))) {
            return single;
        }
        return YamlDocument.sequence(root, List.of("spec", "sources")).stream()
                .filter(s -> chart.equals(YamlDocument.string(s, List.of("chart")).orElse(null)))
                .findFirst();
    }

    /** {@code $values/values/app/prod.yaml} → {@code values/app/prod.yaml}; a plain path is kept. */
    static String repositoryPath(String valueFile) {
        String path = valueFile;
        if (path.startsWith("$") && path.indexOf('/') > 0) {
            path = path.substring(path.indexOf('/') + 1);
        }
        while (path.startsWith("/")) {
            path = path.substring(1);
        }
        return path;
    }
}
