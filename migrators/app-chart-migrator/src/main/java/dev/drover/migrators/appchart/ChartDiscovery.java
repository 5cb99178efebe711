package dev.drover.migrators.appchart;

import dev.drover.contract.model.DiscoveredCandidate;
import dev.drover.contract.model.FileGroup;
import dev.drover.contract.model.FileRef;
import dev.drover.migrator.Discovery;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Finds, on main of the GitOps repository, every app whose Argo CD Application installs the chart below
 * the target version in at least one environment: one candidate (kind {@value #KIND}) per app, with one
 * file group per environment (the manifest and its values files). Layout: {@code <appsDir>/<env>/<app>.yaml}.
 *
 * An app already at the target everywhere is not returned: after its change merged, rediscovery leaves
 * it out, and the platform keeps its stored candidate (merge, never replace). An app whose change is
 * still open is returned again; the platform leaves a candidate that a run owns untouched.
 */
public final class ChartDiscovery implements Discovery {
    public static final String KIND = "application";
    private static final System.Logger LOG = System.getLogger(ChartDiscovery.class.getName());

    private final CodeHost host;
    private final ChartUpgrade upgrade;
    private final String appsDir;

    public ChartDiscovery(CodeHost host, ChartUpgrade upgrade, String appsDir) {
        this.host = host;
        this.upgrade = upgrade;
        this.appsDir = appsDir == null || appsDir.isBlank() ? "apps" : appsDir.replaceAll("/+$", "");
    }

    /** One environment's deployment of an app. */
    private record Deployment(String env, ArgoApplication application) {
    }

    @Override
    public List<DiscoveredCandidate> discover() throws Exception {
        Map<String, List<Deployment>> byApp = new TreeMap<>();
        try (GitWorkspace workspace = GitWorkspace.cloneMain(host.remote())) {
            for (String path : workspace.list(appsDir)) {
                Optional<Deployment> deployment = deployment(workspace, path);
                deployment.ifPresent(d -> byApp.computeIfAbsent(appName(path), a -> new ArrayList<>()).add(d));
            }
        }
        List<DiscoveredCandidate> candidates = new ArrayList<>();
        byApp.forEach((app, deployments) -> {
            if (deployments.stream().anyMatch(d -> d.application().version().isBelow(upgrade.target()))) {
                candidates.add(candidate(app, deployments));
            }
        });
        return candidates;
    }

    private Optional<Deployment> deployment(GitWorkspace workspace, String path) throws Exception {
        String[] parts = path.substring(appsDir.length() + 1).split("/");
        if (parts.length != 2 || !(path.endsWith(".yaml") || path.endsWith(".yml"))) {
            return Optional.empty(); // not <env>/<app>.yaml: not part of the layout
        }
        try {
            YamlDocument doc = YamlDocument.parse(path, workspace.read(path).orElseThrow());
            return ArgoApplication.read(doc, upgrade.chart()).map(app -> new Deployment(parts[0], app));
        } catch (InvalidYaml e) {
            // one broken manifest must not hide every other app; its app is found again once it is fixed
            LOG.log(System.Logger.Level.WARNING, "discovery skips " + e.getMessage());
            return Optional.empty();
        }
    }

    private DiscoveredCandidate candidate(String app, List<Deployment> deployments) {
        GitRemote remote = host.remote();
        List<FileGroup> groups = new ArrayList<>();
        Map<String, String> versions = new LinkedHashMap<>();
        for (Deployment d : deployments) {
            List<FileRef> files = new ArrayList<>();
            files.add(fileRef(d.application().path()));
            d.application().valueFiles().forEach(v -> files.add(fileRef(v)));
            groups.add(new FileGroup(d.env(), remote.url(), files));
            versions.put(d.env(), d.application().version().text());
        }
        ChartVersion lowest = deployments.stream().map(d -> d.application().version()).min(ChartVersion::compareTo).orElseThrow();
        String team = deployments.stream().map(d -> d.application().team()).filter(t -> !t.isBlank()).findFirst().orElse("unknown");
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("app", app);
        metadata.put("team", team);
        metadata.put("chart", upgrade.chart());
        metadata.put("currentVersion", lowest.text());
        metadata.put("targetVersion", upgrade.target().text());
        metadata.put("environments", String.join(",", versions.keySet()));
        metadata.put("versions", versions.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(",")));
        metadata.put("repo", remote.url());
        metadata.put("repoPath", appsDir + "/*/" + app + ".yaml");
        return new DiscoveredCandidate(candidateId(app), KIND, metadata, groups, List.of());
    }

    private FileRef fileRef(String path) {
        return new FileRef(path, host.fileUrl(host.remote().mainBranch(), path));
    }

    private static String appName(String path) {
        String file = path.substring(path.lastIndexOf('/') + 1);
        return file.substring(0, file.lastIndexOf('.'));
    }

    /** The app name as a slug (the platform's id alphabet); app names are usually slugs already. */
    static String candidateId(String app) {
        String slug = app.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]+", "-").replaceAll("^[._-]+|[._-]+$", "");
        return slug.isEmpty() ? "app" : slug;
    }
}
