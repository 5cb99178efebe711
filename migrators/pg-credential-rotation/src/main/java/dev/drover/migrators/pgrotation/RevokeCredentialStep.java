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

/**
 * {@code revoke-credential}: drops every generation older than the published one. It terminates nothing: while an
 * older role still has sessions it answers {@code pending} (and {@code failed} past its {@code deadline}, counted from
 * the publication), and touches no role. With none, each old role first loses LOGIN (so no new session can start
 * between the check and the drop), is checked again, then is dropped. Idempotent: a dropped role is not looked at
 * again, and a re-run finishes what a crash left half-done.
 */
final class RevokeCredentialStep implements StepHandler {
    private final Rotation rotation;

    RevokeCredentialStep(Rotation rotation) {
        this.rotation = rotation;
    }

    @Override
    public void simulate(StepContext step, Draft draft) throws Exception {
        PlannedRotation planned = PlannedRotation.read(rotation, step);
        for (String old : planned.older()) {
            draft.action("role " + old, "drop", "once no session uses it: NOLOGIN, what it owns to " + planned.target().groupRole()
                    + ", DROP ROLE (no session is terminated)");
        }
    }

    @Override
    public StepResult execute(StepContext step) throws Exception {
        try (Connection connection = rotation.database().connect()) {
            Target target = rotation.target(connection, step);
            AwaitAdoptionStep.Adoption adoption = AwaitAdoptionStep.Adoption.read(rotation, connection, target);
            if (adoption.old().isEmpty()) {
                return StepResult.succeeded(Map.of("role", adoption.published(), "revoked", ""), "no credential older than "
                        + adoption.published() + " is left");
            }
            if (adoption.oldSessions() > 0) {
                return busy(step, target, adoption);
            }
            List<String> revoked = new ArrayList<>();
            for (String old : adoption.old().keySet()) {
                Credentials.begin(connection, target);
                Credentials.disableLogin(connection, old);
                connection.commit();
                // A session may have signed in between the count and NOLOGIN: then the role stays (without login) until it ends.
                if (Credentials.sessions(connection, target, List.of(old)).get(old) > 0) {
                    return busy(step, target, AwaitAdoptionStep.Adoption.read(rotation, connection, target));
                }
                Credentials.begin(connection, target);
                Credentials.drop(connection, target, old);
                connection.commit();
                revoked.add(old);
            }
            return StepResult.succeeded(Map.of("role", adoption.published(), "revoked", String.join(",", revoked)),
                                        "revoked " + String.join(", ", revoked) + "; " + target.service() + " uses " + adoption.published());
        } catch (Credentials.Refused e) {
            return StepResult.failed(e.getMessage());
        }
    }

    private StepResult busy(StepContext step, Target target, AwaitAdoptionStep.Adoption adoption) {
        Map<String, String> metadata = Map.of("role", adoption.published(), "oldSessions", String.valueOf(adoption.oldSessions()));
        Instant deadline = adoption.publishedAt().plus(Rotation.deadline(step));
        if (rotation.clock().instant().isAfter(deadline)) {
            return StepResult.failed(metadata, "older credentials of " + target.service() + " are still in use (" + adoption.describe()
                    + "); the migrator terminates no session: move what still uses them to " + adoption.published()
                    + " (or end those sessions), then retry this step");
        }
        return StepResult.pending(metadata, "not revoking while sessions use older credentials (" + adoption.describe()
                + "); gives up at " + deadline);
    }
}
