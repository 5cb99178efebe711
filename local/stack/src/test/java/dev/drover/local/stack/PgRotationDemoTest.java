package dev.drover.local.stack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.contract.json.Json;
import dev.drover.migrators.pgrotation.DemoService;
import dev.drover.migrators.pgrotation.PgRotationMigration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * pg-credential-rotation through the whole local stack, on the machine's PostgreSQL: the demo seeds three services
 * with a first credential, the migrator discovers them, and a run rotates one unattended (its demo service follows
 * its mounted secret to the new role, then the old role is dropped). No answer of the platform holds the password.
 */
class PgRotationDemoTest {
    private static final String MIGRATION = PgRotationMigration.ID;
    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static DemoStack demo;

    @BeforeAll
    static void start() {
        demo = DemoStack.startWithPgRotation();
    }

    @AfterAll
    static void stop() throws java.io.IOException {
        demo.close();
    }

    @Test
    void aServiceIsDiscoveredPreviewedAndRotatedUnattended() throws Exception {
        String name = demo.settings().pgDemo().orElseThrow().name();
        demo.api().await("three services", "/migrations/" + MIGRATION, PATIENCE, m -> m.get("candidates").get("total").asLong() == 3);
        JsonNode billing = demo.api().get("/migrations/" + MIGRATION + "/candidates/billing");
        assertEquals("payments", billing.get("metadata").get("team").asText());
        DemoService service = demo.stack().pgRotationDemo().orElseThrow().services().getFirst();
        awaitUser(service, name + "_billing_1");
        Path secret = demo.demoDir().resolve("pg-secrets").resolve("billing");
        String firstPassword = Files.readString(secret.resolve("password"));

        HttpResponse<String> preview = demo.api().call("POST", "/migrations/" + MIGRATION + "/dry-run", Map.of("candidateId", "billing"));
        assertEquals(200, preview.statusCode(), preview.body());
        JsonNode planned = Json.mapper().readTree(preview.body()).get("steps");
        assertEquals(4, planned.size());
        JsonNode create = planned.get(0).get("actions").get(0);
        assertEquals("create", create.get("action").asText());
        assertEquals("role " + name + "_billing_2", create.get("target").asText());
        assertEquals(0, planned.get(0).get("changes").size(), "no file");
        assertTrue(planned.get(1).get("actions").get(1).get("detail").asText().contains("keys username, password"), planned.toString());
        assertEquals("drop", planned.get(3).get("actions").get(0).get("action").asText());
        assertEquals(name + "_billing_1", Files.readString(secret.resolve("username")), "a dry-run changes nothing");

        assertEquals(202, demo.api().call("POST", "/migrations/" + MIGRATION + "/candidates/billing/start", null).statusCode());
        demo.api().await("billing rotated", "/migrations/" + MIGRATION + "/candidates/billing", PATIENCE,
                         c -> c.get("status").asText().equals("completed"));

        String newPassword = Files.readString(secret.resolve("password"));
        assertEquals(name + "_billing_2", Files.readString(secret.resolve("username")));
        assertFalse(newPassword.equals(firstPassword));
        assertEquals(name + "_billing_2", service.user(), "the service signed in with the new credential");
        assertEquals(List.of(name + "_billing_2"), loginRoles(name + "_billing_"), "the old role is dropped");

        JsonNode steps = demo.api().get("/migrations/" + MIGRATION + "/candidates/billing/steps");
        for (JsonNode step : steps.get("steps")) {
            assertEquals("succeeded", step.get("status").asText(), step.toString());
        }
        String everything = steps + demo.api().get("/migrations/" + MIGRATION + "/candidates/billing").toString() + preview.body();
        assertFalse(everything.contains(newPassword), "the password is in no step, callback or dry-run");
        assertFalse(everything.contains(firstPassword));
    }

    /** Without PostgreSQL the stack starts all the same, with the other demos and without this one. */
    @Test
    void withoutPostgresTheStackGoesOnWithoutThisDemo() throws Exception {
        try (DemoStack without = DemoStack.startWithPgRotation("jdbc:postgresql://127.0.0.1:1/none")) {
            assertTrue(without.stack().pgRotationDemo().isEmpty());
            assertTrue(without.stack().awaitDemos(PATIENCE), "the other demos run");
            assertFalse(without.stack().describe().contains(MIGRATION), without.stack().describe());
            assertEquals(404, without.api().call("GET", "/migrations/" + MIGRATION, null).statusCode());
            assertEquals(200, without.api().call("GET", "/migrations/hello-world", null).statusCode());
        }
    }

    private static void awaitUser(DemoService service, String user) throws InterruptedException {
        long until = System.nanoTime() + PATIENCE.toNanos();
        while (!service.user().equals(user)) {
            assertTrue(System.nanoTime() < until, "the demo service never signed in as " + user + ", but as '" + service.user() + "'");
            Thread.sleep(100);
        }
    }

    private static List<String> loginRoles(String prefix) throws Exception {
        Properties properties = new Properties();
        properties.setProperty("user", "postgres");
        String url = demo.settings().pgDemo().orElseThrow().url();
        try (Connection connection = DriverManager.getConnection(url, properties);
             PreparedStatement query = connection.prepareStatement("select rolname from pg_roles where left(rolname, ?) = ? order by 1")) {
            query.setInt(1, prefix.length());
            query.setString(2, prefix);
            List<String> roles = new ArrayList<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    roles.add(rows.getString(1));
                }
            }
            return roles;
        }
    }
}
