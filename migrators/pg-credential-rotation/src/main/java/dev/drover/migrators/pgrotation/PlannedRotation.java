package dev.drover.migrators.pgrotation;

import dev.drover.migrator.StepContext;

import java.sql.Connection;
import java.util.List;

/**
 * What a dry-run of a rotation reads (read-only): the target's row, its secret's role and its generations, and so
 * the rotation's plan. Every step's {@code simulate} reads it afresh and describes its part of the same plan, so the
 * steps agree without a draft to pass state through.
 */
record PlannedRotation(Target target, CreateCredentialStep.Plan plan, List<Credentials.Generation> generations, String secret) {
    static PlannedRotation read(Rotation rotation, StepContext step) throws Exception {
        try (Connection connection = rotation.database().connect()) {
            connection.setReadOnly(true);
            Target target = rotation.target(connection, step);
            List<Credentials.Generation> generations = Credentials.generations(connection, target);
            var published = rotation.secrets().publishedRole(target);
            return new PlannedRotation(target, CreateCredentialStep.Plan.of(target, published, generations), generations,
                               rotation.secrets().describe(target));
        }
    }

    /** The generations this rotation revokes: every one older than the one it publishes. */
    List<String> older() {
        int next = target.generationOf(plan.next());
        return generations.stream().filter(g -> g.generation() < next).map(Credentials.Generation::role).toList();
    }

    boolean publishedAlready() {
        return plan.published().filter(plan.next()::equals).isPresent();
    }
}
