package dev.drover.migrators.pgrotation;

import dev.drover.contract.model.DiscoveredCandidate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Candidates come from the marking table; a row that is no valid target is skipped, not fatal. */
class DiscoveryTest {
    @TempDir
    Path secretsDir;
    private TestPostgres pg;

    @BeforeEach
    void start() {
        pg = new TestPostgres(secretsDir);
    }

    @AfterEach
    void drop() throws Exception {
        pg.close();
    }

    @Test
    void everyMarkedServiceIsACandidateWithItsTeamAndRoles() throws Exception {
        Targets targets = new Targets(pg.prefix);
        try (Connection connection = pg.admin(); Statement statement = connection.createStatement()) {
            targets.createTable(connection);
            targets.mark(connection, new Target("billing", "billing_app", "billing", "payments", "test", "", ""));
            targets.mark(connection, new Target("search", "search_app", null, "discovery", "", "search", "search-pg"));
            statement.execute("insert into " + pg.prefix + ".targets (service, group_role) values ('Not A Slug', 'x'), ('typo', 'Bad Role')");
        }
        Rotation rotation = new Rotation(pg.settings.database(), targets, new MountedSecretDirectory(secretsDir), Clock.systemUTC());

        List<DiscoveredCandidate> candidates = new PgRotationDiscovery(rotation).discover();

        assertEquals(List.of("billing", "search"), candidates.stream().map(DiscoveredCandidate::id).toList());
        DiscoveredCandidate billing = candidates.getFirst();
        assertEquals("service", billing.kind());
        assertEquals("payments", billing.metadata().get("team"));
        assertEquals("billing_app", billing.metadata().get("groupRole"));
        assertEquals("billing", billing.metadata().get("loginPrefix"));
        assertEquals("test", billing.metadata().get("database"));
        assertEquals("mounted secret " + secretsDir.resolve("billing-db"), billing.metadata().get("secret"));
        DiscoveredCandidate search = candidates.get(1);
        assertEquals("search_app", search.metadata().get("loginPrefix"), "the prefix defaults to the group role");
        assertEquals("mounted secret " + secretsDir.resolve("search-pg"), search.metadata().get("secret"));
    }
}
