package dev.drover.migrators.pgrotation;

import dev.drover.contract.model.DiscoveredCandidate;
import dev.drover.migrator.Discovery;

import java.sql.Connection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every service the marking table names, as a candidate of kind {@code service}: id = the service, metadata = who
 * owns it and what is rotated (never a credential).
 */
final class PgRotationDiscovery implements Discovery {
    private final Rotation rotation;

    PgRotationDiscovery(Rotation rotation) {
        this.rotation = rotation;
    }

    @Override
    public List<DiscoveredCandidate> discover() throws Exception {
        try (Connection connection = rotation.database().connect()) {
            return rotation.targets().all(connection).stream().map(this::candidate).toList();
        }
    }

    private DiscoveredCandidate candidate(Target target) {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("team", target.team());
        metadata.put("groupRole", target.groupRole());
        metadata.put("loginPrefix", target.loginPrefix());
        metadata.put("database", target.database());
        metadata.put("secret", rotation.secrets().describe(target));
        return new DiscoveredCandidate(target.service(), "service", metadata, List.of(), List.of());
    }
}
