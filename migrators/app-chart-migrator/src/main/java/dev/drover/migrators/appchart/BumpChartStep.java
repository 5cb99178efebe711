package dev.drover.migrators.appchart;

import dev.drover.migrator.Draft;
import dev.drover.migrator.StepContext;
import dev.drover.migrator.StepHandler;
import dev.drover.migrator.StepResult;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/**
 * Step type {@value #TYPE}: bumps the chart version in the candidate's Application manifests and renames
 * the changed values keys, as one commit on {@code drover/<migration>/<candidate>}, and opens a change
 * request for it. Idempotent: a re-run finds the branch holding the same change and the open change
 * request, and makes neither a second commit nor a second change request. When main moved under the
 * branch's files, the branch is re-derived from main so the change request merges cleanly again.
 */
public final class BumpChartStep implements StepHandler {
    public static final String TYPE = "bump-chart";

    private final CodeHost host;
    private final PersonIdent author;

    public BumpChartStep(CodeHost host, PersonIdent author) {
        this.host = host;
        this.author = author;
    }

    @Override
    public StepResult execute(StepContext step) throws Exception {
        ChartUpgrade upgrade;
        try {
            upgrade = ChartUpgrade.from(step);
        } catch (IllegalArgumentException e) {
            return StepResult.failed(e.getMessage());
        }
        String branch = Branches.forCandidate(step.migrationId(), step.candidate().id());
        try {
            Optional<ChangeRequest> existing = host.findByBranch(branch);
            Optional<ChangeRequest> open = existing.filter(c -> c.state() == ChangeRequest.State.OPEN);
            try (GitWorkspace workspace = GitWorkspace.cloneMain(host.remote())) {
                // Main decides, not the change request: a merged one only proves the change was on main once.
                ChartBump.Plan plan = new ChartBump(upgrade).plan(step.candidate(), workspace::read);
                if (plan.isEmpty()) {
                    Map<String, String> metadata = ChangeMetadata.of(branch, existing.orElse(null));
                    return StepResult.succeeded(metadata, step.candidate().id() + " already has chart " + upgrade.chart() + " "
                            + upgrade.target() + " and the new values keys on " + host.remote().mainBranch() + ": nothing to change");
                }
                if (existing.isPresent() && existing.get().state() == ChangeRequest.State.MERGED) {
                    // Reverted, or a new target under the same migration: reusing the merged branch would hide it.
                    return StepResult.failed(ChangeMetadata.of(branch, existing.get()), "change request " + existing.get().url()
                            + " for branch " + branch + " was merged, but " + host.remote().mainBranch() + " still needs: "
                            + String.join("; ", plan.edits()) + ". Was it reverted? Apply the change on "
                            + host.remote().mainBranch() + " or announce the new target as a new migration, then retry");
                }
                Optional<ObjectId> tip = workspace.fetchBranch(branch);
                boolean pushed = false;
                if (tip.isEmpty() || !holds(workspace, tip.get(), plan)) {
                    workspace.commitOnMainAndPush(branch, plan.contents(), commitMessage(step, upgrade, plan), author);
                    pushed = true;
                }
                ChangeRequest change = open.isPresent() ? open.get() : host.open(branch, title(step, upgrade), body(upgrade, plan));
                String what = open.isPresent() ? "change request " + change.url() + " was already open"
                        : "opened change request " + change.url();
                return StepResult.succeeded(ChangeMetadata.of(branch, change),
                                            what + (pushed ? "; pushed " : "; branch already held ") + String.join("; ", plan.edits()));
            }
        } catch (InvalidYaml e) {
            return StepResult.failed(Map.of(ChangeMetadata.BRANCH, branch), e.getMessage() + "; fix the file on "
                    + host.remote().mainBranch() + " of " + host.remote().url() + " and retry the step");
        } catch (GitFailure | IOException e) {
            return StepResult.failed(Map.of(ChangeMetadata.BRANCH, branch), e.getMessage());
        }
    }

    @Override
    public void simulate(StepContext step, Draft draft) throws Exception {
        ChartBump.Plan plan = new ChartBump(ChartUpgrade.from(step)).plan(step.candidate(), draft::read);
        plan.contents().forEach(draft::write);
    }

    /**
     * Whether the branch already holds this plan: every planned file reads as planned on the branch, and
     * main has not changed those files since the branch left it (so it still merges without conflict).
     * Other files on the branch are not looked at: a reviewer's own commit there is theirs, never undone.
     */
    private static boolean holds(GitWorkspace workspace, ObjectId tip, ChartBump.Plan plan) throws IOException {
        ObjectId main = workspace.mainTip();
        Optional<ObjectId> base = workspace.mergeBase(main, tip);
        if (base.isEmpty()) {
            return false;
        }
        for (var planned : plan.contents().entrySet()) {
            String path = planned.getKey();
            if (!workspace.readAt(main, path).equals(workspace.readAt(base.get(), path))
                    || !Optional.of(planned.getValue()).equals(workspace.readAt(tip, path))) {
                return false;
            }
        }
        return true;
    }

    private static String title(StepContext step, ChartUpgrade upgrade) {
        return "Upgrade chart " + upgrade.chart() + " to " + upgrade.target() + " for " + step.candidate().id();
    }

    private static String body(ChartUpgrade upgrade, ChartBump.Plan plan) {
        return "Opened by Drover (app-chart-migrator) to upgrade chart " + upgrade.chart() + " to " + upgrade.target()
                + ".\n\n" + String.join("\n", plan.edits().stream().map(e -> "- " + e).toList()) + "\n";
    }

    private static String commitMessage(StepContext step, ChartUpgrade upgrade, ChartBump.Plan plan) {
        return title(step, upgrade) + "\n\n" + String.join("\n", plan.edits()) + "\n\nDrover-Migration: "
                + step.migrationId() + "\nDrover-Candidate: " + step.candidate().id() + "\n";
    }
}
