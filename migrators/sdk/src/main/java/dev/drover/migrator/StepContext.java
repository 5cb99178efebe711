package dev.drover.migrator;

import dev.drover.contract.run.StepEvent;

import java.util.Map;

/**
 * One step to execute or simulate for one candidate.
 *
 * @param runId     the run ({@code dry-run} in a dry-run)
 * @param candidate the candidate as it stands, the operator's inputs applied over its metadata
 * @param inputs    the operator's inputs
 */
public record StepContext(String migrationId,
                          String runId,
                          StepEvent.StepRef step,
                          StepEvent.CandidateRef candidate,
                          Map<String, String> inputs) {
    /** A step config value the migration must set: a missing one is the migration author's mistake. */
    public String config(String key) {
        String value = step.config().get(key);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("step " + step.name() + " needs config '" + key + "'");
        }
        return value;
    }

    public String config(String key, String otherwise) {
        return step.config().getOrDefault(key, otherwise);
    }

    /** A candidate metadata value (inputs applied), or a clear failure naming it. */
    public String metadata(String key) {
        String value = candidate.metadata().get(key);
        if (value == null) {
            throw new IllegalArgumentException("candidate " + candidate.id() + " has no metadata '" + key + "'");
        }
        return value;
    }
}
