package dev.drover.core.history;

import java.time.Instant;
import java.util.Map;

/**
 * One operator action for the audit log: who did what to which candidate, when and from where.
 *
 * @param actor  who: the authenticated principal (a person's name from their token, {@code migrator:<app>}), at most
 *               {@link #MAX_ACTOR_LENGTH} characters
 * @param action what: start, cancel, retry-step, complete-step, inputs, ...
 * @param source from where: the peer address, or what a trusted proxy says in X-Forwarded-For ({@code dapr} for
 *               what the sidecar delivered)
 * @param candidateId the candidate, or null for an action on a whole migration (an ownership transfer)
 * @param runId  the run the action started or acted on, when there is one
 * @param detail what the action carried, e.g. the inputs it set
 */
public record OperatorAction(Instant at, String actor, String action, String migrationId, String candidateId,
                             String runId, String source, Map<String, String> detail) {
    /** The longest actor the audit log records (a longer principal is cut) and its {@code actor} filter accepts. */
    public static final int MAX_ACTOR_LENGTH = 200;

    public OperatorAction {
        detail = detail == null ? Map.of() : Map.copyOf(detail);
    }
}
