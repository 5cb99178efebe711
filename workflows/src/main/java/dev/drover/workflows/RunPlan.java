package dev.drover.workflows;

import dev.drover.contract.model.Step;

import java.util.List;

/**
 * What a run executes, frozen at start: the candidate's own steps if it has any, else the migration's.
 * The workflow id is {@code runId}. {@code rolloutId} names the rollout that started the run (null for an
 * operator's start): the run signals it when it completes, is cancelled, or a step fails.
 */
public record RunPlan(String runId, String migrationId, String candidateId, int attempt, List<Step> steps, String rolloutId) {
    public RunPlan {
        steps = List.copyOf(steps);
    }

    public RunPlan(String runId, String migrationId, String candidateId, int attempt, List<Step> steps) {
        this(runId, migrationId, candidateId, attempt, steps, null);
    }
}
