package dev.drover.contract.dryrun;

import java.util.List;

/** A migrator's answer to a dry-run: per step, in order, the files it would change. Nothing is written. */
public record DryRunResult(String migrationId, String candidateId, List<StepPreview> steps) {
}
