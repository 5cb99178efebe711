package dev.drover.contract.dryrun;

import dev.drover.contract.run.StepEvent;

import java.util.List;
import java.util.Map;

/**
 * What the platform sends a migrator's {@code POST /dry-run}: one candidate as it stands (inputs
 * applied over its metadata) and the steps it would run, in order.
 */
public record DryRunRequest(String migrationId,
                            StepEvent.CandidateRef candidate,
                            List<StepEvent.StepRef> steps,
                            Map<String, String> inputs) {
}
