package dev.drover.migrators.pgrotation;

import dev.drover.migrator.Draft;
import dev.drover.migrator.StepContext;
import dev.drover.migrator.StepHandler;
import dev.drover.migrator.StepResult;

import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code await-adoption}: {@code pending} until the service's sessions (in {@code pg_stat_activity}, in its
 * database) use the published role and none uses an older generation; {@code failed} once the step's
 * {@code deadline} (from the publication) has passed. A retry after the deadline checks once more: it succeeds when
 * the service has adopted the credential since, and fails again at once when not.
 */
final class AwaitAdoptionStep implements StepHandler {
    private final Rotation rotation;

    AwaitAdoptionStep(Rotation rotation) {
        this.rotation = rotation;
    }

    @Override
    public void simulate(StepContext step, Draft draft) throws Exception {
        PlannedRotation planned = PlannedRotation.read(rotation, step);
        List<String> older = planned.older();
        draft.action("sessions of " + planned.target().service(), "wait", "until they use " + planned.plan().next()
                + (older.isEmpty() ? "" : " and none uses " + String.join(", ", older)) + "; at most "
                + Rotation.deadline(step) + " after publication");
    }

    @Override
    public StepResult execute(StepContext step) throws Exception {
        try (Connection connection = rotation.database().connect()) {
            Target target = rotation.target(connection, step);
            Adoption adoption = Adoption.read(rotation, connection, target);
            Map<String, String> metadata = Map.of("role", adoption.published(), "sessions", String.valueOf(adoption.newSessions()),
                                                  "oldSessions", String.valueOf(adoption.oldSessions()));
            if (adoption.adopted()) {
                return StepResult.succeeded(metadata, target.service() + " uses " + adoption.published() + " (" + adoption.newSessions()
                        + " session(s)); no session uses an older credential");
            }
            Instant deadline = adoption.publishedAt().plus(Rotation.deadline(step));
            if (rotation.clock().instant().isAfter(deadline)) {
                return StepResult.failed(metadata, target.service() + " has not adopted " + adoption.published() + " within "
                        + Rotation.deadline(step) + " of its publication (" + adoption.describe() + "); check that the service reads "
                        + rotation.secrets().describe(target) + " and reconnects when it changes (or restart it), then retry this step");
            }
            return StepResult.pending(metadata, "waiting for " + target.service() + " to use " + adoption.published() + ": "
                    + adoption.describe() + "; gives up at " + deadline);
        } catch (Credentials.Refused e) {
            return StepResult.failed(e.getMessage());
        }
    }

    /** Who uses what: the published role's sessions, and each older generation's. */
    record Adoption(String published, Instant publishedAt, int newSessions, Map<String, Integer> old) {
        static Adoption read(Rotation rotation, Connection connection, Target target) throws Exception {
            Optional<String> published = rotation.secrets().publishedRole(target);
            int generation = published.map(target::generationOf).orElse(-1);
            if (generation < 1) {
                throw new Credentials.Refused(rotation.secrets().describe(target) + (published.isEmpty() ? " holds no credential"
                        : " names " + published.get() + ", no login role of " + target.groupRole())
                        + "; retry publish-credential first");
            }
            List<String> roles = new ArrayList<>();
            for (Credentials.Generation g : Credentials.generations(connection, target)) {
                if (g.generation() < generation) {
                    roles.add(g.role());
                }
            }
            roles.add(published.get());
            Map<String, Integer> sessions = new java.util.TreeMap<>(Credentials.sessions(connection, target, roles));
            int fresh = sessions.remove(published.get());
            Instant at = Credentials.publishedAt(connection, published.get()).orElse(rotation.clock().instant());
            return new Adoption(published.get(), at, fresh, sessions);
        }

        int oldSessions() {
            return old.values().stream().mapToInt(Integer::intValue).sum();
        }

        boolean adopted() {
            return newSessions > 0 && oldSessions() == 0;
        }

        String describe() {
            StringBuilder text = new StringBuilder(newSessions + " session(s) use " + published);
            old.forEach((role, count) -> {
                if (count > 0) {
                    text.append(", ").append(count).append(" still use ").append(role);
                }
            });
            return text.toString();
        }
    }
}
