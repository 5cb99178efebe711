package dev.drover.functions.migrations;

import dev.drover.core.auth.AuthErrors;
import dev.drover.core.auth.Principal;
import dev.drover.core.auth.Principals;
import dev.drover.core.state.MigrationNotFound;
import dev.drover.core.state.MigrationStamp;
import dev.drover.core.state.MigrationStore;
import io.helidon.webserver.http.ServerRequest;

import java.util.Optional;

/** A migration belongs to the app that first announced it: only that app (or an admin) acts as its migrator. */
public final class Ownership {
    private Ownership() {
    }

    /**
     * Refuses a migrator app that does not own the migration with 403 {@code not_owner}; people pass (their role was
     * checked by the route).
     *
     * @return the caller's app when the caller is a migrator
     */
    public static Optional<String> requireOwnerOrPerson(ServerRequest req, MigrationStore migrations, String migrationId) {
        if (!(Principals.of(req) instanceof Principal.Migrator)) {
            return Optional.empty();
        }
        return requireOwnerOrPerson(req, migrationId, migrations.stamp(migrationId));
    }

    /** The same, with the owner as read in the migration's {@code stamp} (empty when the migration does not exist). */
    public static Optional<String> requireOwnerOrPerson(ServerRequest req, String migrationId, Optional<MigrationStamp> stamp) {
        if (!(Principals.of(req) instanceof Principal.Migrator migrator)) {
            return Optional.empty();
        }
        Optional<String> owner = Optional.ofNullable(stamp.orElseThrow(() -> new MigrationNotFound(migrationId)).owner());
        if (!owner.map(migrator.app()::equals).orElse(false)) {
            throw AuthErrors.forbidden("not_owner", "migrator app " + migrator.app() + " does not own migration '" + migrationId
                    + "'" + owner.map(o -> " (" + o + " does)").orElse(" (announce it first)"));
        }
        return Optional.of(migrator.app());
    }
}
