package dev.drover.migrators.appchart;

import dev.drover.migrator.StepContext;
import dev.drover.migrator.StepHandler;
import dev.drover.migrator.StepResult;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/**
 * Step type {@value #TYPE}: waits for the candidate's change request to be merged. Answers {@code pending}
 * with the change link while it is open, {@code merged} once it is; the migrator re-runs this step when
 * the host reports a merge (local host listener, GitHub webhook). Changes nothing, so its dry-run is empty.
 */
public final class AwaitMergeStep implements StepHandler {
    public static final String TYPE = "await-merge";

    private final CodeHost host;

    public AwaitMergeStep(CodeHost host) {
        this.host = host;
    }

    @Override
    public StepResult execute(StepContext step) throws Exception {
        String branch = Branches.forCandidate(step.migrationId(), step.candidate().id());
        try {
            Optional<ChangeRequest> found = host.findByBranch(branch);
            if (found.isEmpty()) {
                return withoutChangeRequest(step, branch);
            }
            ChangeRequest change = found.get();
            Map<String, String> metadata = ChangeMetadata.of(branch, change);
            return switch (change.state()) {
                case MERGED -> StepResult.merged(metadata, "change request " + change.url() + " is merged");
                case CLOSED -> StepResult.failed(metadata, "change request " + change.url()
                        + " was closed without merging; reopen it and retry this step, or cancel and restart the candidate to open a new one");
                case OPEN -> Boolean.FALSE.equals(change.mergeable())
                        ? StepResult.failed(metadata, "change request " + change.url() + " cannot merge into "
                        + host.remote().mainBranch() + (change.conflicts().isEmpty() ? " (the host reports a conflict)"
                        : ": conflicts in " + String.join(", ", change.conflicts()))
                        + "; update branch " + branch + " so it merges (e.g. rebase it on " + host.remote().mainBranch()
                        + " and resolve), then retry this step")
                        : StepResult.pending(metadata, "waiting for change request " + change.url() + " to be merged");
            };
        } catch (IOException e) {
            // The code host did not answer (a 5xx, a rate limit, a timeout): the wait goes on, the next re-check asks again.
            return StepResult.pending(Map.of(ChangeMetadata.BRANCH, branch),
                                      "cannot ask the code host about branch " + branch + " right now: " + e.getMessage());
        }
    }

    /** No change request: fine when main needs nothing (bump found nothing to do), else bump must run first. */
    private StepResult withoutChangeRequest(StepContext step, String branch) throws Exception {
        try (GitWorkspace workspace = GitWorkspace.cloneMain(host.remote())) {
            ChartBump.Plan plan = new ChartBump(ChartUpgrade.from(step)).plan(step.candidate(), workspace::read);
            if (plan.isEmpty()) {
                return StepResult.merged(ChangeMetadata.of(branch, null),
                                         "nothing to merge: " + host.remote().mainBranch() + " already has the change");
            }
            return StepResult.failed(ChangeMetadata.of(branch, null), "no change request for branch " + branch + " in "
                    + host.remote().url() + "; retry the bump-chart step to open one");
        } catch (GitFailure | InvalidYaml e) {
            return StepResult.failed(ChangeMetadata.of(branch, null), e.getMessage());
        }
    }
}
