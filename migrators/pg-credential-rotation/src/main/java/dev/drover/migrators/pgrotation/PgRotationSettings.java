package dev.drover.migrators.pgrotation;

import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * The migrator's settings (environment variables, see the README).
 *
 * @param publish        {@code directory} (a mounted-Secret layout per service under {@code secretsDir}) or
 *                       {@code kubernetes} (a Secret per service, through the in-cluster or kubeconfig client)
 * @param recheckEvery   how often waiting steps are checked again while the migrator runs
 */
public record PgRotationSettings(Database database, String schema, String publish, Path secretsDir, Duration deadline,
                                 Duration recheckEvery) {
    public static final String DIRECTORY = "directory";
    public static final String KUBERNETES = "kubernetes";

    public PgRotationSettings {
        if (!Target.ROLE.matcher(schema).matches()) {
            throw new IllegalArgumentException("PG_ROTATION_SCHEMA must be a lower-case identifier, got '" + schema + "'");
        }
        if (!publish.equals(DIRECTORY) && !publish.equals(KUBERNETES)) {
            throw new IllegalArgumentException("PG_ROTATION_PUBLISH must be directory or kubernetes, got '" + publish + "'");
        }
    }

    public static PgRotationSettings fromEnvironment(Map<String, String> env) {
        return new PgRotationSettings(
                new Database(env.getOrDefault("PG_ROTATION_URL", "jdbc:postgresql://127.0.0.1:5432/postgres"),
                             env.getOrDefault("PG_ROTATION_USER", "postgres"), env.getOrDefault("PG_ROTATION_PASSWORD", "")),
                env.getOrDefault("PG_ROTATION_SCHEMA", "drover_rotation"),
                env.getOrDefault("PG_ROTATION_PUBLISH", DIRECTORY),
                Path.of(env.getOrDefault("PG_ROTATION_SECRETS_DIR", "secrets")),
                duration(env, "PG_ROTATION_DEADLINE", "PT15M"),
                duration(env, "PG_ROTATION_RECHECK", "PT10S"));
    }

    private static Duration duration(Map<String, String> env, String name, String fallback) {
        String value = env.getOrDefault(name, fallback);
        try {
            return Duration.parse(value);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(name + "=" + value + " is no ISO-8601 duration such as " + fallback);
        }
    }
}
