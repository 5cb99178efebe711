package dev.drover.migrators.pgrotation;

import dev.drover.migrator.Draft;
import dev.drover.migrator.StepContext;
import dev.drover.migrator.StepHandler;
import dev.drover.migrator.StepResult;

import java.sql.Connection;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code publish-credential}: makes the newest generation's password and writes it where the service reads it.
 * The password is generated here, set on the role as a SCRAM verifier, written to the secret, and wiped: it
 * travels in no event, callback, metadata, log or dry-run. Idempotent: when the secret names the newest generation
 * already, nothing changes; a crash between setting the password and writing the secret is healed by the next run,
 * which sets a fresh password and writes that one.
 */
final class PublishCredentialStep implements StepHandler {
    private final Rotation rotation;

    PublishCredentialStep(Rotation rotation) {
        this.rotation = rotation;
    }

    @Override
    public void simulate(StepContext step, Draft draft) throws Exception {
        PlannedRotation planned = PlannedRotation.read(rotation, step);
        if (planned.publishedAlready()) {
            return;
        }
        String next = planned.plan().next();
        draft.action("role " + next, "update", "set a new random password (never shown)");
        draft.action(planned.secret(), "update", "keys username, password (username " + planned.plan().published().orElse("none")
                + " -> " + next + ")");
    }

    @Override
    public StepResult execute(StepContext step) throws Exception {
        try (Connection connection = rotation.database().connect()) {
            Target target = rotation.target(connection, step);
            Optional<String> published = rotation.secrets().publishedRole(target);
            List<Credentials.Generation> generations = Credentials.generations(connection, target);
            if (generations.isEmpty()) {
                return StepResult.failed("service " + target.service() + " has no login role " + target.loginPrefix()
                                                 + "_<n> in group " + target.groupRole() + " yet; retry create-credential first");
            }
            String newest = generations.getLast().role();
            Map<String, String> metadata = Map.of("role", newest, "secret", rotation.secrets().describe(target));
            if (published.filter(newest::equals).isPresent()) {
                return StepResult.succeeded(metadata, rotation.secrets().describe(target) + " holds " + newest + " already");
            }
            if (published.map(target::generationOf).orElse(0) > generations.getLast().generation()) {
                return StepResult.failed(rotation.secrets().describe(target) + " names " + published.get()
                                                 + ", newer than any login role of the group; check the secret and the roles");
            }
            char[] password = Passwords.generate();
            try {
                Credentials.begin(connection, target);
                Credentials.setPassword(connection, newest, password);
                Credentials.markPublished(connection, newest, rotation.clock().instant());
                connection.commit();
                rotation.secrets().publish(target, newest, password);
            } finally {
                Arrays.fill(password, '\0');
            }
            return StepResult.succeeded(metadata, "published " + newest + " to " + rotation.secrets().describe(target));
        } catch (Credentials.Refused e) {
            return StepResult.failed(e.getMessage());
        }
    }
}
