package dev.drover.local.stack;

import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The local stack's own readiness check on its API server: down until {@code ./drover up} has written
 * {@code .drover/local.env} and the demo migrators have discovered their candidates, the moment it prints its ready
 * line. The API listens long before that, so a script that polls {@code /observe/health/ready} would otherwise go on
 * to {@code ./drover token} while the file it reads is not there yet ("no running stack").
 */
final class StackReadiness implements HealthCheck {
    private final AtomicBoolean usable = new AtomicBoolean();

    /** From now on the stack answers ready (as far as Redis, the other check, lets it). */
    void open() {
        usable.set(true);
    }

    @Override
    public HealthCheckType type() {
        return HealthCheckType.READINESS;
    }

    @Override
    public String name() {
        return "local-stack";
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.builder().status(usable.get()).build();
    }
}
