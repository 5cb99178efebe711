package dev.drover.functions.registry;

import dev.drover.core.event.DaprStatus;
import dev.drover.core.event.EventDelivery;
import dev.drover.core.function.Function;
import dev.drover.core.function.FunctionSpec;
import dev.drover.core.json.Json;
import dev.drover.core.model.InvalidInput;
import dev.drover.core.model.Migration;
import dev.drover.core.state.MigrationStore;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.lang.System.Logger.Level;

/**
 * Takes a migrator's announcement off the {@code migration-registry} topic and upserts the migration:
 * the definition is replaced, its createdAt and its candidates are kept.
 * Answers 200 SUCCESS; {@code FunctionRouting} turns an announcement that can never be stored into
 * 200 DROP and a lost Redis connection into 503 RETRY, as for every subscription.
 */
public final class RegistryAnnounce implements Function {
    public static final String TOPIC = "migration-registry";
    /** The CloudEvent type of an announcement; other types on the topic are dropped. */
    public static final String EVENT_TYPE = "dev.drover.migration.announced";
    private static final System.Logger LOGGER = System.getLogger(RegistryAnnounce.class.getName());

    private final MigrationStore migrations;

    public RegistryAnnounce(MigrationStore migrations) {
        this.migrations = migrations;
    }

    @Override
    public FunctionSpec spec() {
        return FunctionSpec.subscription("registry-announce", TOPIC, "/registry/announce");
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        EventDelivery delivery = EventDelivery.read(req);
        delivery.event().ifPresent(event -> {
            if (!EVENT_TYPE.equals(event.getType())) {
                throw new InvalidInput("event type '" + event.getType() + "' is not " + EVENT_TYPE);
            }
        });
        Migration migration = Json.read(delivery.data(), Migration.class);
        boolean changed = migrations.announce(migration);
        LOGGER.log(Level.INFO, "migration '%s' announced (%s) by %s"
                .formatted(migration.id(), changed ? "definition stored" : "definition unchanged", delivery.describe()));
        DaprStatus.SUCCESS.send(res, Status.OK_200);
    }
}
