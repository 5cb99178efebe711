package dev.drover.workflows;

import dev.drover.core.model.Step;

import java.util.List;

/**
 * What a run executes, frozen at start: the candidate's own steps if it has any, else the migration's.
 * The workflow id is {@code runId}.
 */
public record RunPlan(String runId, String migrationId, String candidateId, int attempt, List<Step> steps) {
    public RunPlan {
        steps = List.copyOf(steps);
    }
}
