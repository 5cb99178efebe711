package dev.drover.migrators.pgrotation;

import dev.drover.contract.model.Migration;
import dev.drover.contract.model.Step;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The migration this migrator announces: four steps, each of its own type. */
public final class PgRotationMigration {
    public static final String MIGRATOR_APP = "pg-credential-rotation";
    public static final String ID = "pg-credential-rotation";

    private PgRotationMigration() {
    }

    /** @param deadline how long adoption and revocation may wait after publication before they fail */
    public static Migration definition(Duration deadline) {
        Map<String, String> waits = Map.of("deadline", deadline.toString());
        return new Migration(ID, "Rotate PostgreSQL credentials",
                             "Gives every marked service a new PostgreSQL login role (two-role pattern), publishes it to the "
                                     + "service's secret, waits until the service uses it, then drops the old one.",
                             List.of("Create the next credential", "Publish it to the service's secret",
                                     "Wait until the service uses it", "Revoke the old credential"),
                             List.of(new Step("create-credential", "Create the next login role, member of the group role", MIGRATOR_APP,
                                              "create-credential", Map.of()),
                                     new Step("publish-credential", "Set its password and write it to the service's secret", MIGRATOR_APP,
                                              "publish-credential", Map.of()),
                                     new Step("await-adoption", "Wait until the service's sessions use the new role", MIGRATOR_APP,
                                              "await-adoption", waits),
                                     new Step("revoke-credential", "Drop the older login roles once nothing uses them", MIGRATOR_APP,
                                              "revoke-credential", waits)),
                             List.of());
    }
}
