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
import redis.clients.jedis.exceptions.JedisConnectionException;

import java.lang.System.Logger.Level;

/**
 * Takes a migrator's announcement off the {@code migration-registry} topic and upserts the migration:
 * the definition is replaced, its createdAt and its candidates are kept.
 * Answers the way both Dapr and Knative understand: 200 SUCCESS; 200 DROP for an announcement that
 * can never be stored (redelivering it would fail again); 503 RETRY while Redis is unavailable.
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
        Migration migration;
        EventDelivery delivery;
        try {
            delivery = EventDelivery.read(req);
            delivery.event().ifPresent(event -> {
                if (!EVENT_TYPE.equals(event.getType())) {
                    throw new InvalidInput("event type '" + event.getType() + "' is not " + EVENT_TYPE);
                }
            });
            migration = Json.read(delivery.data(), Migration.class);
        } catch (InvalidInput e) {
            LOGGER.log(Level.WARNING, "dropping an announcement that can never be stored: " + e.getMessage());
            DaprStatus.DROP.send(res, Status.OK_200);
            return;
        }
        try {
            boolean changed = migrations.announce(migration);
            LOGGER.log(Level.INFO, "migration '%s' announced (%s) by %s"
                    .formatted(migration.id(), changed ? "definition stored" : "definition unchanged", delivery.describe()));
            DaprStatus.SUCCESS.send(res, Status.OK_200);
        } catch (JedisConnectionException e) {
            LOGGER.log(Level.WARNING, "Redis is unavailable; asking for redelivery of '" + migration.id() + "': " + e.getMessage());
            DaprStatus.RETRY.send(res, Status.SERVICE_UNAVAILABLE_503);
        }
    }
}
