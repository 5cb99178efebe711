package dev.drover.migrators.pgrotation;

import dev.drover.migrator.Draft;
import dev.drover.migrator.StepContext;
import dev.drover.migrator.StepHandler;
import dev.drover.migrator.StepResult;

import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code create-credential}: the next generation's login role, member of the group role, without a password (the
 * password is made when it is published, so it exists in one place only). Idempotent: when a generation newer than
 * the published one exists, it is the one this rotation creates, and nothing more is made.
 */
final class CreateCredentialStep implements StepHandler {
    private final Rotation rotation;

    CreateCredentialStep(Rotation rotation) {
        this.rotation = rotation;
    }

    @Override
    public void simulate(StepContext step, Draft draft) throws Exception {
        PlannedRotation planned = PlannedRotation.read(rotation, step);
        if (!planned.plan().created()) {
            draft.action("role " + planned.plan().next(), "create", "login, member of " + planned.target().groupRole()
                    + "; no password until it is published");
        }
    }

    @Override
    public StepResult execute(StepContext step) throws Exception {
        try (Connection connection = rotation.database().connect()) {
            Target target = rotation.target(connection, step);
            Optional<String> published = rotation.secrets().publishedRole(target);
            Credentials.begin(connection, target);
            Credentials.checkGroup(connection, target);
            Plan plan = Plan.of(target, published, Credentials.generations(connection, target));
            if (plan.created()) {
                connection.commit();
                return StepResult.succeeded(metadata(plan), plan.next() + " exists already; nothing to create");
            }
            Credentials.create(connection, target, plan.next());
            connection.commit();
            return StepResult.succeeded(metadata(plan), "created login role " + plan.next() + " (member of " + target.groupRole()
                    + "); its password is set when it is published");
        } catch (Credentials.Refused e) {
            return StepResult.failed(e.getMessage());
        }
    }

    private static Map<String, String> metadata(Plan plan) {
        return Map.of("role", plan.next(), "previousRole", plan.published().orElse(""));
    }

    /**
     * What a rotation of the target does, from where it stands: the published role, and the next one (the newest
     * generation when it is newer than the published one, else one more).
     *
     * @param created whether {@code next} exists already
     */
    record Plan(Optional<String> published, String next, boolean created) {
        static Plan of(Target target, Optional<String> published, List<Credentials.Generation> generations) {
            int current = published.map(target::generationOf).orElse(0);
            int newest = generations.isEmpty() ? 0 : generations.getLast().generation();
            if (newest > current) {
                return new Plan(published, target.loginRole(newest), true);
            }
            return new Plan(published, target.loginRole(Math.max(newest, current) + 1), false);
        }
    }
}
