package dev.drover.workflows.rollout;

/** What a run tells the rollout that started it: it completed, was cancelled, or a step of it failed. */
public record RunEnd(String candidateId, String runId, String outcome) {
    public static final String SUCCEEDED = "succeeded";
    public static final String FAILED = "failed";
    public static final String CANCELLED = "cancelled";
}
