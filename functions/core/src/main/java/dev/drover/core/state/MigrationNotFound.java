package dev.drover.core.state;

/** The named migration has never been announced. */
public class MigrationNotFound extends RuntimeException {
    private final String migrationId;

    public MigrationNotFound(String migrationId) {
        super("no migration '" + migrationId + "' has been announced");
        this.migrationId = migrationId;
    }

    public String migrationId() {
        return migrationId;
    }
}
