package dev.drover.migrators.appchart;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

/**
 * The migrator's settings, from environment variables (see the README for each):
 * {@code DROVER_GITOPS_HOST} ({@code local}|{@code github}), {@code DROVER_GITOPS_REPO},
 * {@code DROVER_GITOPS_MAIN}, {@code DROVER_GITOPS_APPS_DIR}, {@code DROVER_CHART},
 * {@code DROVER_CHART_VERSION}, {@code DROVER_CHART_KEY_RENAMES}, {@code DROVER_LOCAL_GIT_LINK_BASE},
 * {@code GITHUB_API_URL}, {@code GITHUB_REPOSITORY}, {@code GITHUB_TOKEN}, {@code GITHUB_WEBHOOK_SECRET},
 * {@code DROVER_GIT_AUTHOR_NAME}, {@code DROVER_GIT_AUTHOR_EMAIL}.
 */
public record AppChartSettings(String host,
                               String repo,
                               String mainBranch,
                               String appsDir,
                               ChartUpgrade upgrade,
                               String localLinkBase,
                               String githubApi,
                               String githubRepository,
                               String githubToken,
                               String githubWebhookSecret,
                               String authorName,
                               String authorEmail) {
    public static AppChartSettings fromEnvironment(Map<String, String> env) {
        ChartUpgrade upgrade = ChartUpgrade.of(env.getOrDefault("DROVER_CHART", DemoGitOpsRepo.CHART),
                                               env.getOrDefault("DROVER_CHART_VERSION", DemoGitOpsRepo.TARGET),
                                               env.getOrDefault("DROVER_CHART_KEY_RENAMES", DemoGitOpsRepo.KEY_RENAMES));
        String host = env.getOrDefault("DROVER_GITOPS_HOST", "local");
        String githubRepository = env.getOrDefault("GITHUB_REPOSITORY", "");
        String defaultRepo = host.equals("github") ? "https://github.com/" + githubRepository + ".git" : "";
        return new AppChartSettings(host,
                env.getOrDefault("DROVER_GITOPS_REPO", defaultRepo),
                env.getOrDefault("DROVER_GITOPS_MAIN", "main"),
                env.getOrDefault("DROVER_GITOPS_APPS_DIR", "apps"),
                upgrade,
                env.getOrDefault("DROVER_LOCAL_GIT_LINK_BASE", ""),
                env.getOrDefault("GITHUB_API_URL", "https://api.github.com"),
                githubRepository,
                env.getOrDefault("GITHUB_TOKEN", ""),
                env.getOrDefault("GITHUB_WEBHOOK_SECRET", ""),
                env.getOrDefault("DROVER_GIT_AUTHOR_NAME", "Drover app-chart-migrator"),
                env.getOrDefault("DROVER_GIT_AUTHOR_EMAIL", "app-chart-migrator@drover.dev"));
    }

    /** The code host these settings name. */
    public CodeHost codeHost() {
        return switch (host) {
            case "local" -> {
                if (repo.isBlank()) {
                    throw new IllegalArgumentException("DROVER_GITOPS_REPO must name the bare repository folder of the local git host");
                }
                yield new LocalGitHost(Path.of(repo), mainBranch, localLinkBase);
            }
            case "github" -> new GitHubHost(URI.create(githubApi), githubRepository, githubToken, repo, mainBranch,
                                            githubApi.equals("https://api.github.com") ? "https://github.com" : "");
            default -> throw new IllegalArgumentException("DROVER_GITOPS_HOST must be local or github, got '" + host + "'");
        };
    }
}
