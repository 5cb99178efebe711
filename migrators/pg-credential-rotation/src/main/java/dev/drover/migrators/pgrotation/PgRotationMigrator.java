package dev.drover.migrators.pgrotation;

import dev.drover.migrator.Migrator;
import dev.drover.migrator.MigratorSettings;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.dapr.client.DaprClient;

import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * pg-credential-rotation on the SDK: its discovery, its four step handlers, and a timer that checks the waiting
 * steps again ({@code await-adoption}, a busy {@code revoke-credential}): nothing else tells the migrator that a
 * service has reconnected. A discovery trigger checks them too.
 */
public final class PgRotationMigrator {
    private PgRotationMigrator() {
    }

    /** The secrets the settings name: a folder per service, or Kubernetes Secrets. */
    public static SecretDestination secrets(PgRotationSettings settings) {
        return settings.publish().equals(PgRotationSettings.KUBERNETES)
                ? new KubernetesSecrets(new KubernetesClientBuilder().build())
                : new MountedSecretDirectory(settings.secretsDir());
    }

    public static Migrator.Builder builder(PgRotationSettings settings, SecretDestination secrets) {
        Rotation rotation = new Rotation(settings.database(), new Targets(settings.schema()), secrets, Clock.systemUTC());
        return Migrator.builder(PgRotationMigration.MIGRATOR_APP, PgRotationMigration.definition(settings.deadline()))
                .discovery(new PgRotationDiscovery(rotation))
                .step("create-credential", new CreateCredentialStep(rotation))
                .step("publish-credential", new PublishCredentialStep(rotation))
                .step("await-adoption", new AwaitAdoptionStep(rotation))
                .step("revoke-credential", new RevokeCredentialStep(rotation));
    }

    /**
     * Starts the migrator and its recheck timer; closing what it returns stops both.
     *
     * @param dapr the Dapr client to announce through, or empty for one from the environment
     */
    public static Running start(PgRotationSettings settings, SecretDestination secrets, MigratorSettings migrator,
                                Optional<DaprClient> dapr) {
        Migrator.Builder builder = builder(settings, secrets);
        dapr.ifPresent(builder::dapr);
        Migrator running = builder.start(migrator);
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("pg-rotation-recheck").factory());
        long every = Math.max(1, settings.recheckEvery().toMillis());
        timer.scheduleWithFixedDelay(running::recheckAll, every, every, TimeUnit.MILLISECONDS);
        return new Running(running, timer);
    }

    /** The running migrator and its recheck timer. */
    public record Running(Migrator migrator, ScheduledExecutorService timer) implements AutoCloseable {
        @Override
        public void close() {
            timer.shutdownNow();
            migrator.close();
        }
    }
}
