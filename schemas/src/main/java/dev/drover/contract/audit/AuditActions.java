package dev.drover.contract.audit;

import java.util.List;

/**
 * The names of the audit log's actions ({@code OperatorActionName} in openapi.yaml): what the functions record,
 * what {@code GET /history/audit?action=} accepts and what the console offers as a filter, from this one list.
 */
public final class AuditActions {
    public static final List<String> ALL = List.of(
            "start", "cancel", "retry-step", "complete-step", "inputs", "transfer-owner", "announce-refused", "submit-refused",
            "rollout-create", "rollout-pause", "rollout-resume", "rollout-promote", "rollout-abort", "bulk-retry", "bulk-cancel");

    private AuditActions() {
    }
}
