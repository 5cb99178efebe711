package dev.drover.local.stack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drover.core.function.Settings;
import dev.drover.contract.model.DiscoveredCandidate;
import dev.drover.contract.model.FileGroup;
import dev.drover.contract.model.Migration;
import dev.drover.contract.model.Step;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Security issue's hijacks, through the real local stack (Dapr stand-in, functions, Redis): another migrator
 * app cannot take over a migration by announcing it through Dapr, nor rewrite or inject its candidates, nor point
 * it at an address of its choosing.
 */
class HijackTest {
    private static final String OWNER = "owner-migrator";
    private static final String EVIL = "evil-migrator";
    private static LocalStack stack;
    private static StackApi api;

    @BeforeAll
    static void start() throws Exception {
        Settings functions = Settings.fromEnvironment(Map.of("REDIS_URL", System.getenv().getOrDefault("REDIS_URL", Settings.DEFAULT_REDIS_URL),
                                                             "DROVER_REDIS_PREFIX", "drover-test-" + UUID.randomUUID() + ":"));
        stack = LocalStack.start(LocalStackSettings.ephemeral(functions, FreePort.pick()).withoutDemo());
        api = new StackApi(stack);
    }

    @AfterAll
    static void stop() {
        stack.close();
        StackKeys.drop(stack.state());
    }

    private static Migration migration(String id, String name, String app, String url) {
        return new Migration(id, name, "", List.of(), List.of(new Step("bump", "", app, "test", Map.of())), List.of(), url);
    }

    private static DiscoveredCandidate candidate(String id, String repo) {
        return new DiscoveredCandidate(id, "app", Map.of("team", "payments"),
                                       List.of(new FileGroup("prod", repo, List.of())), List.of());
    }

    @Test
    void anotherAppsAnnouncementThroughDaprChangesNothingAndIsAudited() throws Exception {
        Announcements.publish(stack, OWNER, migration("owned", "Owned", OWNER, ""));
        api.await("the owner's announcement", "/migrations/owned", Duration.ofSeconds(20), m -> OWNER.equals(m.path("owner").asText()));

        Announcements.publish(stack, EVIL, migration("owned", "Hijacked", EVIL, "http://127.0.0.1:9"));
        api.await("the refusal in the audit log", "/history/audit?migration=owned&action=announce-refused", Duration.ofSeconds(20),
                  page -> page.path("items").size() == 1);
        JsonNode stored = api.get("/migrations/owned");
        assertEquals("Owned", stored.get("name").asText());
        assertEquals(OWNER, stored.get("steps").get(0).get("migratorApp").asText());
        assertEquals("", stored.get("migratorUrl").asText());
        assertEquals("migrator:" + EVIL, api.get("/history/audit?migration=owned&action=announce-refused")
                .get("items").get(0).get("actor").asText());
    }

    @Test
    void anotherAppCannotSubmitIntoAMigrationItDoesNotOwn() throws Exception {
        Announcements.publish(stack, OWNER, migration("guarded", "Guarded", OWNER, ""));
        api.await("the announcement", "/migrations/guarded", Duration.ofSeconds(20), m -> true);
        assertEquals(200, api.call("POST", "/migrations/guarded/candidates", List.of(candidate("checkout", "https://git.example/gitops")),
                                   stack.issuer().migratorToken(OWNER)).statusCode());

        HttpResponse<String> injected = api.call("POST", "/migrations/guarded/candidates",
                                                 List.of(candidate("checkout", "https://evil.example/repo"), candidate("injected", "x")),
                                                 stack.issuer().migratorToken(EVIL));
        assertEquals(403, injected.statusCode(), injected.body());
        assertTrue(injected.body().contains("not_owner"), injected.body());
        HttpResponse<String> read = api.call("GET", "/migrations/guarded", null, stack.issuer().migratorToken(EVIL));
        assertEquals(403, read.statusCode(), "a migrator reads only what it owns");

        assertEquals("https://git.example/gitops", api.get("/migrations/guarded/candidates/checkout").get("files").get(0).get("repo").asText());
        assertEquals(404, api.call("GET", "/migrations/guarded/candidates/injected", null).statusCode());
        assertEquals(1, api.get("/migrations/guarded").get("candidates").get("total").asLong());
        assertTrue(stack.awaitHistory(Duration.ofSeconds(20)), "the history writer caught up");
        assertEquals(1, api.get("/history/audit?migration=guarded&action=submit-refused").get("items").size());
    }

    @Test
    void aMigratorUrlOutsideTheAllowlistIsNeverStored() throws Exception {
        Announcements.publish(stack, OWNER, migration("scanner", "Scanner", OWNER, "http://10.0.0.1:6379"));
        Announcements.publish(stack, OWNER, migration("scanner-ok", "Fine", OWNER, "http://127.0.0.1:8091"));
        api.await("the allowed announcement", "/migrations/scanner-ok", Duration.ofSeconds(20), m -> true);
        assertEquals(404, api.call("GET", "/migrations/scanner", null).statusCode(), "dropped: the host is not allowed");
    }
}
