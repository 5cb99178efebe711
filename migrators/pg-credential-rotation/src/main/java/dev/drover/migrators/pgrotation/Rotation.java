package dev.drover.migrators.pgrotation;

import dev.drover.migrator.StepContext;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeParseException;

/** What every step works with: the admin connection, the marking table, the secrets, the time. */
public record Rotation(Database database, Targets targets, SecretDestination secrets, Clock clock) {
    /** The step's own deadline config (ISO-8601, e.g. {@code PT15M}), or the default. */
    static Duration deadline(StepContext step) {
        String value = step.config("deadline", "PT15M");
        try {
            Duration deadline = Duration.parse(value);
            if (deadline.isNegative() || deadline.isZero()) {
                throw new DateTimeParseException("not positive", value, 0);
            }
            return deadline;
        } catch (DateTimeParseException e) {
            throw new Credentials.Refused("step " + step.step().name() + " has config deadline '" + value
                                                  + "', which is no positive ISO-8601 duration such as PT15M");
        }
    }

    /** The candidate's row, read again: a service unmarked since discovery is not rotated. */
    Target target(Connection connection, StepContext step) throws SQLException {
        return targets.find(connection, step.candidate().id()).orElseThrow(() -> new Credentials.Refused(
                "service " + step.candidate().id() + " is no longer marked for rotation (no row in " + targets.table()
                        + "); mark it again, or cancel this run"));
    }
}
