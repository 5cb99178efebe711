package dev.drover.migrators.pgrotation;

import dev.drover.migrator.MigratorSettings;

import java.util.Optional;

/** The jar's main: pg-credential-rotation configured from the environment (README, "Settings"). */
public final class PgRotationMigratorApp {
    private PgRotationMigratorApp() {
    }

    public static void main(String[] args) {
        PgRotationSettings settings = PgRotationSettings.fromEnvironment(System.getenv());
        PgRotationMigrator.start(settings, PgRotationMigrator.secrets(settings), MigratorSettings.fromEnvironment(System.getenv()),
                                 Optional.empty());
    }
}
