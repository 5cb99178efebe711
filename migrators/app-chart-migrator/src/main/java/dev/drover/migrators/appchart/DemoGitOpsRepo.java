package dev.drover.migrators.appchart;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.transport.RefSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Seeds a demo GitOps repository for the local stack: {@value #APPS} apps of six teams over dev, staging
 * and prod, installing chart {@value #CHART} (a few use {@value #OTHER_CHART}, which is not this
 * migration's), with comments in every values file. Every fifth app is already on {@value #TARGET}
 * with the renamed keys; every seventh is half-way (dev already upgraded). Deterministic: the same
 * folder content every time. Run {@code main(<folder>)} or call {@link #seed(Path)}.
 */
public final class DemoGitOpsRepo {
    public static final String CHART = "web-service";
    public static final String OTHER_CHART = "batch-worker";
    public static final String TARGET = "2.0.0";
    /** The keys chart 2.0.0 renamed. */
    public static final String KEY_RENAMES = "image.tag=image.version,service.port=service.httpPort";
    public static final List<String> ENVIRONMENTS = List.of("dev", "staging", "prod");
    public static final int APPS = 36;
    static final String REPO_NAME = "gitops.git";

    private static final List<String> TEAMS = List.of("payments", "search", "identity", "platform", "growth", "data");
    private static final List<String> NAMES = List.of(
            "checkout", "ledger", "refunds", "invoices", "payouts", "fraud-score",
            "catalog-search", "autocomplete", "ranking", "indexer-api", "synonyms", "query-log",
            "login", "sessions", "profile", "mfa", "tokens", "directory",
            "gateway", "status-page", "feature-flags", "config-api", "audit", "notifier",
            "referrals", "campaigns", "coupons", "newsletter", "landing", "experiments",
            "reports", "exports", "etl-api", "metrics-api", "dashboards", "lineage");
    private static final List<String> OLD_VERSIONS = List.of("1.2.0", "1.4.2", "1.9.1", "1.10.0");

    private DemoGitOpsRepo() {
    }

    public static void main(String[] args) throws Exception {
        Path folder = Path.of(args.length > 0 ? args[0] : "target/demo-git");
        System.out.println(seed(folder));
    }

    /**
     * Creates {@code <folder>/gitops.git} (bare, branch main) unless it exists, and returns its path.
     * An existing repository is kept as it is: the local stack's state survives a restart.
     */
    public static Path seed(Path folder) throws Exception {
        Path bare = folder.toAbsolutePath().resolve(REPO_NAME);
        if (Files.exists(bare.resolve("HEAD"))) {
            return bare;
        }
        Files.createDirectories(folder);
        Git.init().setBare(true).setDirectory(bare.toFile()).setInitialBranch("main").call().close();
        Path work = Files.createTempDirectory("drover-demo-seed-");
        try (Git git = Git.init().setDirectory(work.toFile()).setInitialBranch("main").call()) {
            for (App app : apps()) {
                write(work, "values/" + app.name() + "/common.yaml", commonValues(app));
                for (String env : ENVIRONMENTS) {
                    String version = app.versionIn(env);
                    boolean migrated = !ChartVersion.parse(version).isBelow(ChartVersion.parse(TARGET));
                    write(work, "apps/" + env + "/" + app.name() + ".yaml", manifest(app, env, version, bare.toString()));
                    write(work, "values/" + app.name() + "/" + env + ".yaml", envValues(app, env, migrated));
                }
            }
            Files.writeString(work.resolve("README.md"), """
                    # GitOps demo repository

                    Argo CD Applications in `apps/<env>/<app>.yaml`, Helm values in `values/<app>/`.
                    Seeded by Drover's app-chart-migrator for the local stack.
                    """);
            git.add().addFilepattern(".").call();
            PersonIdent seeder = new PersonIdent(new PersonIdent("Drover demo seeder", "seed@drover.dev"),
                                                 Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
            git.commit().setMessage("Seed the GitOps demo repository").setAuthor(seeder).setCommitter(seeder).call();
            git.push().setRemote(bare.toUri().toString()).setRefSpecs(new RefSpec("refs/heads/main:refs/heads/main")).call();
        } finally {
            GitWorkspace.delete(work);
        }
        return bare;
    }

    /** One demo app: its team, chart and the chart version of each environment. */
    record App(int index, String name, String team, String chart, String oldVersion, boolean migrated, boolean halfway) {
        String versionIn(String env) {
            if (chart.equals(OTHER_CHART)) {
                return "0." + (3 + index % 4) + ".0";
            }
            if (migrated || halfway && env.equals("dev")) {
                return TARGET;
            }
            return oldVersion;
        }
    }

    static List<App> apps() {
        List<App> apps = new ArrayList<>();
        for (int i = 0; i < APPS; i++) {
            String chart = i % 11 == 10 ? OTHER_CHART : CHART;
            apps.add(new App(i, NAMES.get(i), TEAMS.get(i / 6), chart, OLD_VERSIONS.get(i % OLD_VERSIONS.size()),
                             i % 5 == 4, i % 7 == 3));
        }
        return apps;
    }

    private static String manifest(App app, String env, String version, String repoUrl) {
        return """
                # Argo CD Application: %1$s in %2$s. Owned by team %3$s; ask in #team-%3$s before editing.
                apiVersion: argoproj.io/v1alpha1
                kind: Application
                metadata:
                  name: %1$s-%2$s
                  namespace: argocd
                  labels:
                    team: %3$s
                    env: %2$s
                spec:
                  project: %3$s
                  sources:
                    - repoURL: https://charts.example.com
                      chart: %4$s
                      targetRevision: %5$s # chart version; upgrades go through a change request
                      helm:
                        valueFiles:
                          - $values/values/%1$s/common.yaml
                          - $values/values/%1$s/%2$s.yaml
                    - repoURL: %6$s
                      targetRevision: main
                      ref: values
                  destination:
                    server: https://kubernetes.default.svc
                    namespace: %1$s-%2$s
                  syncPolicy:
                    automated:
                      prune: true
                      selfHeal: true
                """.formatted(app.name(), env, app.team(), app.chart(), version, repoUrl);
    }

    private static String commonValues(App app) {
        return """
                # Values shared by every environment of %1$s.
                image:
                  repository: registry.example.com/%2$s/%1$s
                  pullPolicy: IfNotPresent

                # Liveness and readiness use the same endpoint.
                probes:
                  path: /healthz
                """.formatted(app.name(), app.team());
    }

    private static String envValues(App app, String env, boolean migrated) {
        int replicas = switch (env) {
            case "prod" -> 3 + app.index() % 3;
            case "staging" -> 2;
            default -> 1;
        };
        return """
                # %1$s in %2$s. Replicas are tuned by hand; see the capacity sheet.
                replicaCount: %3$d  # keep in sync with the HPA minimum

                image:
                  # set by the release pipeline; do not edit by hand
                  %4$s: "2026.%5$d.%6$d"

                service:
                  type: ClusterIP
                  %7$s: %8$d   # the container listens here

                resources:
                  requests:
                    cpu: 100m
                    memory: 128Mi
                """.formatted(app.name(), env, replicas, migrated ? "version" : "tag",
                              1 + app.index() % 12, 1 + app.index() % 28, migrated ? "httpPort" : "port", 8080 + app.index() % 3);
    }

    private static void write(Path root, String path, String content) throws Exception {
        Path file = root.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }
}
